import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../src/migrate.ts';
import { withTransaction } from '../src/with-transaction.ts';
import { freshSchema } from './fresh-schema.ts';

const db = freshSchema('tx');

beforeAll(async () => {
  await migrate(db.pool, { schema: db.schema });
  await db.pool.query('create table tallies (n integer not null)');
  await db.pool.query('create table funds (id text primary key, balance_fen bigint not null)');
});

beforeEach(async () => {
  await db.pool.query('truncate tallies, funds');
});

afterAll(async () => {
  await db.drop();
});

/** Resolves once `parties` callers are waiting, so both transactions interleave deterministically. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let release: () => void = () => {};
  const allArrived = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    arrived += 1;
    if (arrived === parties) release();
    return allArrived;
  };
}

// Each transaction counts the rows and appends count + 1: run one after the other they write 1 and
// 2; run interleaved without serializability both would write 1 (a write skew).
function appendNextTally(meet: () => Promise<void>, attempts: { count: number }) {
  return async (client: pg.PoolClient) => {
    attempts.count += 1;
    const { rows } = await client.query('select count(*)::int as n from tallies');
    if (attempts.count === 1) await meet();
    const next = rows[0].n + 1;
    await client.query('insert into tallies values ($1)', [next]);
    return next;
  };
}

describe('withTransaction', () => {
  it('commits what fn wrote and returns its result', async () => {
    const result = await withTransaction(db.pool, async (client) => {
      await client.query("insert into funds values ('fund-shaxi', 50000)");
      return 'ok';
    });

    expect(result).toBe('ok');
    const { rows } = await db.pool.query('select balance_fen from funds');
    expect(rows).toEqual([{ balance_fen: '50000' }]);
  });

  it('rolls back and rethrows the very error fn threw, without retrying it', async () => {
    const failure = new Error('donation rejected');
    let calls = 0;

    const outcome = withTransaction(db.pool, async (client) => {
      calls += 1;
      await client.query("insert into funds values ('fund-shaxi', 50000)");
      throw failure;
    });

    await expect(outcome).rejects.toBe(failure);
    expect(calls).toBe(1);
    const { rows } = await db.pool.query('select count(*)::int as n from funds');
    expect(rows[0].n).toBe(0);
  });

  it('passes a non-retryable SQL error through unchanged', async () => {
    await db.pool.query("insert into funds values ('fund-shaxi', 50000)");

    const outcome = withTransaction(db.pool, (client) =>
      client.query("insert into funds values ('fund-shaxi', 100)").then(() => undefined),
    );

    await expect(outcome).rejects.toMatchObject({ code: '23505', constraint: 'funds_pkey' });
  });

  it('retries a real serialization failure between two SERIALIZABLE transactions until both succeed', async () => {
    const meet = barrier(2);
    const first = { count: 0 };
    const second = { count: 0 };

    const results = await Promise.all([
      withTransaction(db.pool, appendNextTally(meet, first), { isolation: 'serializable' }),
      withTransaction(db.pool, appendNextTally(meet, second), { isolation: 'serializable' }),
    ]);

    expect(results.sort()).toEqual([1, 2]);
    const { rows } = await db.pool.query('select n from tallies order by n');
    expect(rows.map((row) => row.n)).toEqual([1, 2]);
    expect(first.count + second.count).toBeGreaterThan(2);
  });

  it('without retries the same interleaving fails one transaction with 40001', async () => {
    const meet = barrier(2);

    const outcomes = await Promise.allSettled([
      withTransaction(db.pool, appendNextTally(meet, { count: 0 }), {
        isolation: 'serializable',
        retries: 0,
      }),
      withTransaction(db.pool, appendNextTally(meet, { count: 0 }), {
        isolation: 'serializable',
        retries: 0,
      }),
    ]);

    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ reason: { code: '40001' } });
    const { rows } = await db.pool.query('select n from tallies');
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('retries the loser of a real deadlock', async () => {
    await db.pool.query("insert into funds values ('fund-a', 1000), ('fund-b', 1000)");
    const meet = barrier(2);
    // Two transfers lock the two funds in opposite order: after deadlock_timeout (1 s by default)
    // Postgres aborts one with 40P01.
    const transfer = (from: string, to: string) => {
      let attempt = 0;
      return withTransaction(db.pool, async (client) => {
        attempt += 1;
        await client.query('update funds set balance_fen = balance_fen - 100 where id = $1', [from]);
        if (attempt === 1) await meet();
        await client.query('update funds set balance_fen = balance_fen + 100 where id = $1', [to]);
        return attempt;
      });
    };

    const attempts = await Promise.all([transfer('fund-a', 'fund-b'), transfer('fund-b', 'fund-a')]);

    expect(attempts.sort()).toEqual([1, 2]);
    const { rows } = await db.pool.query('select id, balance_fen from funds order by id');
    expect(rows).toEqual([
      { id: 'fund-a', balance_fen: '1000' },
      { id: 'fund-b', balance_fen: '1000' },
    ]);
  });

  it('gives up after the configured retries and rethrows the serialization failure', async () => {
    let calls = 0;

    const outcome = withTransaction(
      db.pool,
      async (client) => {
        calls += 1;
        await client.query('insert into tallies values (1)');
        await client.query(
          "do $$ begin raise exception 'could not serialize access' using errcode = 'serialization_failure'; end $$",
        );
      },
      { retries: 2 },
    );

    await expect(outcome).rejects.toMatchObject({ code: '40001', message: 'could not serialize access' });
    expect(calls).toBe(3);
    const { rows } = await db.pool.query('select count(*)::int as n from tallies');
    expect(rows[0].n).toBe(0);
  });
});
