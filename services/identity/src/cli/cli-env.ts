import { fileURLToPath } from 'node:url';
import { loadConfigOrExit } from '@huimin/kit';
import { createPool, migrate } from '@huimin/pg';
import type pg from 'pg';
import { IdentityConfig } from '../config.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

/** What identity's commands share: the config from env and a migrated pool on identity's schema. */
export async function openCli(): Promise<{ config: IdentityConfig; pool: pg.Pool }> {
  const config = loadConfigOrExit(IdentityConfig);
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema: 'identity',
    applicationName: 'identity-cli',
  });
  // Silent: a command's output is its answer, not migration chatter.
  const quiet = { info: () => {}, warn: () => {}, error: () => {} };
  await migrate(pool, { schema: 'identity', dir: MIGRATIONS_DIR, logger: quiet });
  return { config, pool };
}
