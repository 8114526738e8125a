// The dev stack's demo users and service clients (fixed, public passwords: never in production).
// Idempotent: `pnpm --filter @huimin/identity run seed-dev`, with DATABASE_URL set.
import { fileURLToPath } from 'node:url';
import { devServiceCredentials } from '@huimin/auth';
import { createPool, migrate } from '@huimin/pg';
import { createUser } from '../app.ts';
import { hashPassword } from '../domain/passwords.ts';
import { createIdentityStore } from '../store/identity-store.ts';
import { demoUsers, serviceNames } from './demo-users.ts';

if (process.env.NODE_ENV === 'production') {
  process.stderr.write(
    'seed-dev creates publicly known passwords; it does not run with NODE_ENV=production\n',
  );
  process.exit(1);
}
const log2N = Number(process.env.PASSWORD_LOG2N ?? 15);
const pool = createPool({ connectionString: process.env.DATABASE_URL, schema: 'identity' });
try {
  await migrate(pool, {
    schema: 'identity',
    dir: fileURLToPath(new URL('../../migrations', import.meta.url)),
  });
  const store = createIdentityStore(pool);
  let created = 0;
  for (const user of demoUsers) {
    if (await store.userByUsername(user.username)) continue;
    await createUser(store, user, log2N);
    created += 1;
  }
  for (const [community, handlers] of Object.entries(rosters())) {
    if ((await store.rosterOf(community)).length === 0) await store.replaceRoster(community, handlers);
  }
  for (const service of serviceNames) {
    const { clientId, clientSecret } = devServiceCredentials(service);
    if (!(await store.serviceClient(clientId)))
      await store.upsertServiceClient(clientId, await hashPassword(clientSecret, { log2N: 10 }));
  }
  process.stdout.write(
    `identity: ${demoUsers.length} demo users ready (${created} new), ${serviceNames.length} service clients\n`,
  );
} finally {
  await pool.end();
}

function rosters(): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const user of demoUsers) {
    if (user.role !== 'case-handler') continue;
    for (const code of user.jurisdictions) result[code] = [...(result[code] ?? []), user.id];
  }
  return result;
}
