// `pnpm --filter @huimin/eldercare seed-dev` (the dev stack runs it after migrations): demo
// providers, their towns, services and capacity. Idempotent: every start of the stack runs it.
import { fileURLToPath } from 'node:url';
import { createPool, migrate } from '@huimin/pg';
import { demoProviders } from '../seed-providers.ts';
import { saveProvider } from '../store/provider-store.ts';

const schema = process.env.DATABASE_SCHEMA ?? 'eldercare';
const pool = createPool({ connectionString: process.env.DATABASE_URL, schema });
try {
  // The dev stack has migrated already; run alone, this brings the schema up first.
  await migrate(pool, { schema, dir: fileURLToPath(new URL('../../migrations', import.meta.url)) });
  const providers = demoProviders();
  for (const provider of providers) await saveProvider(pool, provider);
  process.stdout.write(`eldercare: ${providers.length} demo providers (P-ANYANG for provider.anyang)\n`);
} finally {
  await pool.end();
}
