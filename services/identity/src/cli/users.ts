// Accounts from the command line (first admin, break-glass):
//   node src/cli/users.ts create --username NAME --display-name NAME --role ROLE [--jurisdiction CODE …] [--provider ID]
//   node src/cli/users.ts list
//   node src/cli/users.ts set-password --username NAME
//   node src/cli/users.ts disable --username NAME | enable --username NAME | unlock --username NAME
// A password is read from IDENTITY_NEW_PASSWORD or asked for on stdin, never taken from the
// command line (it would sit in the shell history and the process list).
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { isRole } from '@huimin/auth';
import { AppError } from '@huimin/kit';
import { checkPassword, createAccount } from '../accounts.ts';
import { hashPassword } from '../domain/passwords.ts';
import { createIdentityStore } from '../store/identity-store.ts';
import { openCli } from './cli-env.ts';

const usage =
  'usage: users create --username NAME --display-name NAME --role ROLE [--jurisdiction CODE …] [--provider ID]\n' +
  '       users list | set-password --username NAME | disable --username NAME | enable --username NAME | unlock --username NAME';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    username: { type: 'string' },
    'display-name': { type: 'string' },
    role: { type: 'string' },
    jurisdiction: { type: 'string', multiple: true, default: [] },
    provider: { type: 'string' },
  },
});
const command = positionals[0];
if (!command || !['create', 'list', 'set-password', 'disable', 'enable', 'unlock'].includes(command)) {
  console.error(usage);
  process.exit(2);
}

async function readPassword(): Promise<string> {
  const given = process.env.IDENTITY_NEW_PASSWORD;
  if (given) return given;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const password = await rl.question('password (at least 10 characters): ');
  rl.close();
  return password;
}

const { config, pool } = await openCli();
const store = createIdentityStore(pool);
const cost = { log2N: config.PASSWORD_LOG2N, p: config.PASSWORD_SCRYPT_P };
const now = new Date();
try {
  if (command === 'list') {
    for (const user of await store.listUsers()) {
      const covers = user.providerId ?? user.jurisdictions.join(',');
      console.log(
        `${user.username.padEnd(24)} ${user.role.padEnd(18)} ${covers}${user.disabledAt ? ' (disabled)' : ''}`,
      );
    }
  } else if (command === 'create') {
    if (!values.username || !values['display-name'] || !isRole(values.role)) {
      console.error(usage);
      process.exit(2);
    }
    const user = await createAccount(
      store,
      {
        username: values.username,
        displayName: values['display-name'],
        password: await readPassword(),
        role: values.role,
        jurisdictions: values.jurisdiction ?? [],
        ...(values.provider ? { providerId: values.provider } : {}),
      },
      cost,
      now,
    );
    console.log(`created ${user.username} (${user.id}), ${user.role}`);
  } else {
    const user = values.username ? await store.userByUsername(values.username) : undefined;
    if (!user) throw new AppError('UNKNOWN_USER', `no user ${values.username ?? '(give --username)'}`);
    if (command === 'set-password') {
      const password = await readPassword();
      checkPassword(password);
      await store.setPassword(user.id, await hashPassword(password, cost), now);
      await store.revokeAllSessions(user.id, now);
    } else if (command === 'disable') {
      await store.setDisabled(user.id, true, now);
      await store.revokeAllSessions(user.id, now);
    } else if (command === 'enable') {
      await store.setDisabled(user.id, false, now);
    } else {
      await store.unlock(user.id, now);
    }
    console.log(`${command}: ${user.username} done`);
  }
} catch (err: unknown) {
  if (!(err instanceof AppError)) throw err;
  console.error(`${err.code}: ${err.message}`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
