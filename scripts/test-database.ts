// Vitest's global setup: the database the tests use (DATABASE_URL, default `test`) exists before
// any test file runs — created on a fresh machine, where Postgres has only `postgres` — and a
// Postgres that refuses the connection is named in one line before the failures it causes.
import { describePostgresRefusal } from '@huimin/pg';
import pg from 'pg';

export const testDatabaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Creates the URL's database when it is missing; true when it did. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err: unknown) {
    throw new Error(describePostgresRefusal(err, admin.toString()) ?? (err as Error).message);
  }
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount !== 0) return false;
    try {
      await client.query(`create database ${pg.escapeIdentifier(database)}`);
    } catch (err: unknown) {
      // Another run created it at the same moment.
      if ((err as { code?: string }).code !== '42P04') throw err;
      return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

export default async function setup(): Promise<void> {
  try {
    if (await ensureDatabase(testDatabaseUrl)) {
      process.stdout.write(`created the tests' database ${new URL(testDatabaseUrl).pathname.slice(1)}\n`);
    }
  } catch (err: unknown) {
    // Unit tests need no Postgres: say it once, and let the tests that do need it fail.
    process.stderr.write(`${(err as Error).message} (the integration tests need it)\n`);
  }
}
