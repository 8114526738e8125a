// Service clients (OAuth2 client credentials) from the command line:
//   node src/cli/clients.ts create NAME   (or again to replace the secret) — prints the secret once
//   node src/cli/clients.ts revoke NAME
//   node src/cli/clients.ts list
import { randomBytes } from 'node:crypto';
import { hashPassword } from '../domain/passwords.ts';
import { createIdentityStore } from '../store/identity-store.ts';
import { openCli } from './cli-env.ts';

const [command, name] = process.argv.slice(2);
const usage = 'usage: clients create NAME | revoke NAME | list';
if (
  command !== 'list' &&
  (!name || !/^[a-z][a-z0-9-]{0,31}$/.test(name) || !['create', 'revoke'].includes(command ?? ''))
) {
  console.error(usage);
  process.exit(2);
}

const { pool } = await openCli();
const store = createIdentityStore(pool);
try {
  if (command === 'list') {
    for (const client of await store.listServiceClients())
      console.log(
        `${client.clientId.padEnd(16)} ${client.revokedAt ? `revoked ${client.revokedAt.toISOString()}` : 'active'}`,
      );
  } else if (command === 'create' && name) {
    // 256 random bits: a hash this cheap is enough, nobody guesses the secret.
    const secret = randomBytes(32).toString('base64url');
    await store.upsertServiceClient(name, await hashPassword(secret, { log2N: 10 }));
    console.log(`client ${name}: SERVICE_CLIENT_ID=${name} SERVICE_CLIENT_SECRET=${secret}`);
    console.log('the secret is shown once; give it to the service through its secret store');
  } else if (command === 'revoke' && name) {
    const revoked = await store.revokeServiceClient(name, new Date());
    console.log(
      revoked
        ? `client ${name} revoked; its tokens expire within their lifetime`
        : `no active client ${name}`,
    );
    if (!revoked) process.exitCode = 1;
  }
} finally {
  await pool.end();
}
