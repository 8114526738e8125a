import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../src/create-pool.ts';
import { migrate } from '../src/migrate.ts';
import { withTransaction } from '../src/with-transaction.ts';
import { databaseUrl, freshSchema } from './fresh-schema.ts';

const db = freshSchema('pool');
const neighbour = freshSchema('pool_neighbour');

beforeAll(async () => {
  await migrate(db.pool, { schema: db.schema });
  await migrate(neighbour.pool, { schema: neighbour.schema });
});

afterAll(async () => {
  await Promise.all([db.drop(), neighbour.drop()]);
});

describe('createPool', () => {
  it("resolves unqualified names in the service's own schema on every connection", async () => {
    await db.pool.query('create table households (id text primary key)');
    await db.pool.query("insert into households values ('hh-1')");

    const { rows } = await db.pool.query(
      "select current_schema() as schema, to_regclass('households')::text as households",
    );

    expect(rows).toEqual([{ schema: db.schema, households: 'households' }]);
    // Another service's pool does not see these tables.
    const { rows: elsewhere } = await neighbour.pool.query("select to_regclass('households') as households");
    expect(elsewhere).toEqual([{ households: null }]);
  });

  it('refuses a schema name that would need quoting', () => {
    expect(() => createPool({ connectionString: databaseUrl, schema: 'Eligibility' })).toThrow(
      expect.objectContaining({ code: 'INVALID_SCHEMA_NAME' }),
    );
  });

  it('survives a connection cut while checked out between two statements, and carries on with a fresh one', async () => {
    const pool = createPool({
      connectionString: databaseUrl,
      schema: db.schema,
      applicationName: 'pool-cut-test',
    });
    const admin = createPool({ connectionString: databaseUrl, schema: db.schema });
    try {
      const failed = withTransaction(pool, async (client) => {
        await client.query('select 1');
        // The transaction waits on something else (a Kafka send, say) while its backend is killed.
        await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'pool-cut-test'`,
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        await client.query('select 2');
      });
      await expect(failed).rejects.toThrow();
      const { rows } = await pool.query('select 42 as answer');
      expect(rows).toEqual([{ answer: 42 }]);
    } finally {
      await pool.end();
      await admin.end();
    }
  });
});
