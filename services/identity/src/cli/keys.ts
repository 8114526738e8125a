// Signing keys from the command line:
//   node src/cli/keys.ts rotate                 a new key, published now, signing after KEY_PUBLISH_LEAD_SECONDS
//   node src/cli/keys.ts rotate --compromised   withdraw the current keys at once (every access token
//                                               dies; people refresh) and sign with a new key now
//   node src/cli/keys.ts list
import { parseArgs } from 'node:util';
import { createKeySealer } from '../keys/key-sealer.ts';
import { createSigningKeys } from '../keys/signing-keys.ts';
import { openCli } from './cli-env.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { compromised: { type: 'boolean', default: false } },
});
const command = positionals[0];
if (command !== 'rotate' && command !== 'list') {
  console.error('usage: keys rotate [--compromised] | list');
  process.exit(2);
}

const { config, pool } = await openCli();
try {
  if (command === 'list') {
    const { rows } = await pool.query<{
      kid: string;
      activates_at: Date;
      withdrawn_at: Date | null;
      sealed: boolean;
      destroyed: boolean;
    }>(
      `select kid, activates_at, withdrawn_at, sealed, private_key is null as destroyed from signing_keys order by activates_at`,
    );
    for (const row of rows) {
      const state = row.withdrawn_at
        ? 'withdrawn'
        : row.destroyed
          ? 'retired'
          : row.sealed
            ? 'sealed'
            : 'unsealed';
      console.log(`${row.kid} activates ${row.activates_at.toISOString()} ${state}`);
    }
  } else {
    const keys = createSigningKeys({
      pool,
      now: () => new Date(),
      sealer: config.SIGNING_KEY_SECRET ? createKeySealer(config.SIGNING_KEY_SECRET) : undefined,
      tokenLifetimeSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      rotateAfterSeconds: config.KEY_ROTATION_DAYS * 86_400,
      publishLeadSeconds: config.KEY_PUBLISH_LEAD_SECONDS,
    });
    const { kid, activatesAt } = await keys.rotate({ compromised: values.compromised });
    console.log(`new signing key ${kid}, signing from ${activatesAt.toISOString()}`);
  }
} finally {
  await pool.end();
}
