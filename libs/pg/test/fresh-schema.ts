import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { createPool } from '../src/create-pool.ts';

// Tests use the `test` database (the dev stack's is `huimin`).
export const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface FreshSchema {
  schema: string;
  pool: pg.Pool;
  /** Drops the schema and closes the pool. */
  drop(): Promise<void>;
}

/**
 * A uniquely named schema for one test file (or one test), so parallel files and other people
 * using the same database never see each other's tables. Created empty; `migrate` fills it.
 */
export function freshSchema(label: string): FreshSchema {
  const schema = `test_pg_${label}_${randomBytes(4).toString('hex')}`;
  const pool = createPool({ connectionString: databaseUrl, schema, max: 6 });
  return {
    schema,
    pool,
    async drop() {
      try {
        await pool.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await pool.end();
      }
    },
  };
}
