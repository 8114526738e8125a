import { fileURLToPath } from 'node:url';
import { createLogger, loadConfigOrExit } from '@huimin/kit';
import { createPool, migrate } from '@huimin/pg';
import { Type } from '@sinclair/typebox';
import type pg from 'pg';
import { IngestConfig } from '../config.ts';
import { type CredentialAdmin, createCredentialAdmin } from '../credential-admin.ts';
import { createSecretBox } from '../domain/secret-box.ts';
import { type CredentialStore, createCredentialStore } from '../store/credential-store.ts';

const CliConfig = Type.Object({
  DATABASE_URL: IngestConfig.properties.DATABASE_URL,
  DATABASE_SCHEMA: IngestConfig.properties.DATABASE_SCHEMA,
  INGEST_SECRETS_KEY: IngestConfig.properties.INGEST_SECRETS_KEY,
  INGEST_SECRETS_KEY_PREVIOUS: IngestConfig.properties.INGEST_SECRETS_KEY_PREVIOUS,
});

/** What the CLIs share: ingest's schema (migrated, so they work before the service ever ran). */
export async function openCli(): Promise<{
  pool: pg.Pool;
  store: CredentialStore;
  admin: CredentialAdmin;
  close(): Promise<void>;
}> {
  const config = loadConfigOrExit(CliConfig);
  const logger = createLogger({ name: 'ingest-cli', level: 'warn' });
  const schema = config.DATABASE_SCHEMA;
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    applicationName: 'ingest-cli',
    logger,
  });
  await migrate(pool, { schema, dir: fileURLToPath(new URL('../../migrations', import.meta.url)), logger });
  const store = createCredentialStore(pool);
  const admin = createCredentialAdmin({
    store,
    secretBox: createSecretBox(config.INGEST_SECRETS_KEY, config.INGEST_SECRETS_KEY_PREVIOUS),
    now: () => new Date(),
  });
  return { pool, store, admin, close: () => pool.end() };
}
