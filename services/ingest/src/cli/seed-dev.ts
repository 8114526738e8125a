// The dev stack's demo credentials (one per department, fixed, listed in the README):
// `pnpm --filter @huimin/ingest run seed-dev`, or `node services/ingest/src/cli/seed-dev.ts`
// with DATABASE_URL set. Idempotent; refuses to run with NODE_ENV=production.
import { seedDevCredentials } from '../dev-credentials.ts';
import { openCli } from './cli-context.ts';

if (process.env.NODE_ENV === 'production') {
  process.stderr.write('seed-dev creates publicly known keys; it does not run with NODE_ENV=production\n');
  process.exit(1);
}

const cli = await openCli();
try {
  const seeded = await seedDevCredentials(cli.admin, cli.store);
  process.stdout.write(
    `ingest: ${seeded.length} demo credentials ready (${seeded.map((c) => c.keyId).join(', ')})\n`,
  );
} finally {
  await cli.close();
}
