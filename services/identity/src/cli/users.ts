// `pnpm --filter @huimin/identity run users create --username … --display-name … --role … [--jurisdiction CODE …] [--provider ID]`
// (the password is read from IDENTITY_NEW_PASSWORD or prompted on stdin, never from the command line);
// `users list`.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { isRole } from '@huimin/auth';
import { AppError } from '@huimin/kit';
import { createPool } from '@huimin/pg';
import { createUser } from '../app.ts';
import { createIdentityStore } from '../store/identity-store.ts';

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
const pool = createPool({ connectionString: process.env.DATABASE_URL, schema: 'identity' });
const store = createIdentityStore(pool);
try {
  if (command === 'list') {
    for (const user of await store.listUsers()) {
      console.log(
        `${user.username.padEnd(24)} ${user.role.padEnd(18)} ${user.jurisdictions.join(',') || user.providerId || ''}`,
      );
    }
  } else if (command === 'create') {
    if (!values.username || !values['display-name'] || !isRole(values.role)) {
      console.error(
        'usage: users create --username NAME --display-name NAME --role ROLE [--jurisdiction CODE …] [--provider ID]',
      );
      process.exit(2);
    }
    let password = process.env.IDENTITY_NEW_PASSWORD;
    if (!password) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      password = await rl.question('password (at least 10 characters): ');
      rl.close();
    }
    const user = await createUser(
      store,
      {
        username: values.username,
        displayName: values['display-name'],
        password,
        role: values.role,
        jurisdictions: values.jurisdiction ?? [],
        ...(values.provider ? { providerId: values.provider } : {}),
      },
      Number(process.env.PASSWORD_LOG2N ?? 15),
    );
    console.log(`created ${user.username} (${user.id}), ${user.role}`);
  } else {
    console.error('usage: users create|list …');
    process.exit(2);
  }
} catch (err: unknown) {
  if (err instanceof AppError) {
    console.error(`${err.code}: ${err.message}`);
    process.exit(1);
  }
  throw err;
} finally {
  await pool.end();
}
