// The dev stack's demo users, rosters and service clients (fixed, public passwords: never in
// production). Idempotent — the dev stack runs it at every start: `node src/cli/seed-dev.ts`
// with DATABASE_URL set (the package script `seed-dev`).
import { devServiceCredentials } from '@huimin/auth';
import { createAccount } from '../accounts.ts';
import { hashPassword } from '../domain/passwords.ts';
import { createIdentityStore } from '../store/identity-store.ts';
import { createRosterStore } from '../store/roster-store.ts';
import { openCli } from './cli-env.ts';
import { demoRosters, demoUsers, serviceNames } from './demo-users.ts';

if (process.env.NODE_ENV === 'production') {
  process.stderr.write(
    'seed-dev creates publicly known passwords; it does not run with NODE_ENV=production\n',
  );
  process.exit(1);
}
const { config, pool } = await openCli();
try {
  const users = createIdentityStore(pool);
  const rosters = createRosterStore(pool);
  const now = new Date();
  let created = 0;
  for (const user of demoUsers) {
    if (await users.userByUsername(user.username)) continue;
    await createAccount(users, user, { log2N: config.PASSWORD_LOG2N, p: config.PASSWORD_SCRYPT_P }, now);
    created += 1;
  }
  for (const [community, handlers] of Object.entries(demoRosters())) {
    if ((await rosters.rosterOf(community)).length === 0)
      await rosters.replaceRoster(community, handlers, 'seed-dev', now);
  }
  let clients = 0;
  for (const service of serviceNames) {
    const { clientId, clientSecret } = devServiceCredentials(service);
    if (await users.serviceClient(clientId)) continue;
    await users.upsertServiceClient(clientId, await hashPassword(clientSecret, { log2N: 10 }));
    clients += 1;
  }
  process.stdout.write(
    `identity: ${demoUsers.length} demo users (${created} new), ${serviceNames.length} service clients (${clients} new)\n`,
  );
} finally {
  await pool.end();
}
