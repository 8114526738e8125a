import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ensureDatabase, testDatabaseUrl } from './test-database.ts';

// What `pnpm test` does first on a fresh machine (vitest's global setup): make the tests' database.
describe("the tests' database", () => {
  it('is created when missing, and left alone when there', async () => {
    const url = new URL(testDatabaseUrl);
    url.pathname = `/huimin_fresh_${process.pid}`;
    const admin = new URL(testDatabaseUrl);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      expect(await ensureDatabase(url.toString())).toBe(true);
      const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [
        `huimin_fresh_${process.pid}`,
      ]);
      expect(rowCount).toBe(1);
      expect(await ensureDatabase(url.toString())).toBe(false);
    } finally {
      await client.query(`drop database if exists huimin_fresh_${process.pid} with (force)`);
      await client.end();
    }
  });

  it('names a Postgres that is not there in one line', async () => {
    await expect(ensureDatabase('postgres://postgres@127.0.0.1:1/test')).rejects.toThrow(
      'Postgres at 127.0.0.1:1 is not reachable (ECONNREFUSED): start it, or point DATABASE_URL at a running server',
    );
  });
});
