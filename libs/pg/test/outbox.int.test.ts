import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PgLibError } from '../src/errors.ts';
import { migrate } from '../src/migrate.ts';
import {
  appendToOutbox,
  claimOutboxBatch,
  markOutboxSent,
  type OutboxMessage,
  outboxChannel,
  purgeSentOutbox,
  settleOutboxBatch,
} from '../src/outbox.ts';
import { withTransaction } from '../src/with-transaction.ts';
import { databaseUrl, freshSchema } from './fresh-schema.ts';

const db = freshSchema('outbox');

beforeAll(async () => {
  await migrate(db.pool, { schema: db.schema });
});

beforeEach(async () => {
  await db.pool.query('truncate outbox');
});

afterAll(async () => {
  await db.drop();
});

function riskFlagged(householdId: string, outOfPocketFen: number): OutboxMessage {
  return {
    id: randomUUID(),
    topic: 'risk.household',
    key: householdId,
    type: 'huimin.risk.flagged.v1',
    headers: { ce_source: 'huimin/risk' },
    payload: { householdId, outOfPocketFen, reasons: ['catastrophic-medical-expense'] },
  };
}

async function outboxCount(): Promise<number> {
  const { rows } = await db.pool.query('select count(*)::int as n from outbox');
  return rows[0].n;
}

describe('outbox', () => {
  it('refuses an append outside a transaction and writes nothing', async () => {
    const client = await db.pool.connect();
    try {
      const outcome = appendToOutbox(client, riskFlagged('hh-1', 1_900_000));

      await expect(outcome).rejects.toThrow(PgLibError);
      await expect(outcome).rejects.toMatchObject({ code: 'NOT_IN_TRANSACTION' });
    } finally {
      client.release();
    }
    expect(await outboxCount()).toBe(0);
  });

  it('accepts a transaction begun by hand, not only withTransaction', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await appendToOutbox(client, riskFlagged('hh-1', 1_900_000));
      await client.query('commit');
    } finally {
      client.release();
    }
    expect(await outboxCount()).toBe(1);
  });

  it('hands appended events to the relay in append order with their fields intact', async () => {
    const events = [
      riskFlagged('hh-1', 1_900_000),
      riskFlagged('hh-2', 2_400_000),
      riskFlagged('hh-1', 2_600_000),
    ];
    await withTransaction(db.pool, async (client) => {
      for (const event of events.slice(0, 2)) await appendToOutbox(client, event);
    });
    await withTransaction(db.pool, (client) => appendToOutbox(client, events[2] as OutboxMessage));

    const batch = await withTransaction(db.pool, (client) => claimOutboxBatch(client, 10));

    expect(batch.acquired).toBe(true);
    expect(
      batch.messages.map(({ id, topic, key, type, headers, payload }) => ({
        id,
        topic,
        key,
        type,
        headers,
        payload,
      })),
    ).toEqual(events);
    const seqs = batch.messages.map((message) => BigInt(message.seq));
    expect([...seqs].sort((a, b) => (a < b ? -1 : 1))).toEqual(seqs);
  });

  it('keeps a JSON array payload as JSON', async () => {
    const event = { ...riskFlagged('hh-1', 0), payload: [{ memberId: 'm-1' }, { memberId: 'm-2' }] };
    await withTransaction(db.pool, (client) => appendToOutbox(client, event));

    const batch = await withTransaction(db.pool, (client) => claimOutboxBatch(client, 10));

    expect(batch.messages[0]?.payload).toEqual([{ memberId: 'm-1' }, { memberId: 'm-2' }]);
  });

  it('leaves no row when the transaction rolls back', async () => {
    const outcome = withTransaction(db.pool, async (client) => {
      await appendToOutbox(client, riskFlagged('hh-1', 1_900_000));
      throw new Error('state change failed');
    });

    await expect(outcome).rejects.toThrow('state change failed');
    expect(await outboxCount()).toBe(0);
  });

  it('notifies a LISTENing relay when the appending transaction commits', async () => {
    const listener = new pg.Client({ connectionString: databaseUrl });
    await listener.connect();
    try {
      await listener.query(`listen "${outboxChannel(db.schema)}"`);
      const notified = new Promise<pg.Notification>((resolve) => listener.once('notification', resolve));

      await withTransaction(db.pool, (client) => appendToOutbox(client, riskFlagged('hh-1', 1_900_000)));

      expect((await notified).channel).toBe(`${db.schema}_outbox`);
    } finally {
      await listener.end();
    }
  });

  it('lets one relay hold the outbox at a time', async () => {
    await withTransaction(db.pool, (client) => appendToOutbox(client, riskFlagged('hh-1', 1_900_000)));
    const holder = await db.pool.connect();
    try {
      await holder.query('begin');
      const held = await claimOutboxBatch(holder, 10);

      const standby = await withTransaction(db.pool, (client) => claimOutboxBatch(client, 10));

      expect(held.messages).toHaveLength(1);
      expect(standby).toEqual({ acquired: false, messages: [] });
      await holder.query('commit');
    } finally {
      holder.release();
    }
    // The holder's transaction ended without marking anything sent: the next relay gets the row.
    const next = await withTransaction(db.pool, (client) => claimOutboxBatch(client, 10));
    expect(next.acquired).toBe(true);
    expect(next.messages).toHaveLength(1);
  });

  it('does not hand out sent rows again, and purges only old sent rows', async () => {
    await withTransaction(db.pool, async (client) => {
      for (const household of ['hh-1', 'hh-2', 'hh-3'])
        await appendToOutbox(client, riskFlagged(household, 1));
    });
    await withTransaction(db.pool, async (client) => {
      const batch = await claimOutboxBatch(client, 2);
      expect(
        await markOutboxSent(
          client,
          batch.messages.map((message) => message.seq),
        ),
      ).toBe(2);
    });

    const rest = await withTransaction(db.pool, (client) => claimOutboxBatch(client, 10));
    expect(rest.messages.map((message) => message.key)).toEqual(['hh-3']);

    expect(await purgeSentOutbox(db.pool, { sentBefore: new Date(Date.now() - 60_000) })).toBe(0);
    expect(await purgeSentOutbox(db.pool, { sentBefore: new Date(Date.now() + 60_000) })).toBe(2);
    const { rows } = await db.pool.query('select key, sent_at from outbox');
    expect(rows).toEqual([{ key: 'hh-3', sent_at: null }]);
  });
  it('settles a published batch by deleting it, in the relay’s transaction: rolled back, the rows are there again', async () => {
    await withTransaction(db.pool, async (client) => {
      for (const household of ['hh-1', 'hh-2', 'hh-3'])
        await appendToOutbox(client, riskFlagged(household, 1));
    });
    // The relay died after publishing: its transaction never commits.
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      const batch = await claimOutboxBatch(client, 10);
      const seqs = batch.messages.map((message) => message.seq);
      expect(await settleOutboxBatch(client, seqs, { retainSentMs: 0 })).toEqual({ settled: 3, purged: 0 });
      await client.query('rollback');
    } finally {
      client.release();
    }
    expect(await outboxCount()).toBe(3);

    await withTransaction(db.pool, async (client) => {
      const batch = await claimOutboxBatch(client, 2);
      const seqs = batch.messages.map((message) => message.seq);
      expect(await settleOutboxBatch(client, seqs, { retainSentMs: 0 })).toEqual({ settled: 2, purged: 0 });
    });
    const { rows } = await db.pool.query('select key, sent_at from outbox');
    expect(rows).toEqual([{ key: 'hh-3', sent_at: null }]);
  });

  it('with a retention, stamps the batch sent and removes rows sent before the retention in the same statement', async () => {
    await withTransaction(db.pool, async (client) => {
      for (const household of ['hh-1', 'hh-2', 'hh-3', 'hh-4'])
        await appendToOutbox(client, riskFlagged(household, 1));
    });
    await withTransaction(db.pool, async (client) => {
      const batch = await claimOutboxBatch(client, 2);
      const seqs = batch.messages.map((message) => message.seq);
      expect(await settleOutboxBatch(client, seqs, { retainSentMs: 60_000 })).toEqual({
        settled: 2,
        purged: 0,
      });
    });
    // Those two were sent two minutes ago, as far as the retention can tell.
    await db.pool.query(`update outbox set sent_at = now() - interval '2 minutes' where sent_at is not null`);
    await withTransaction(db.pool, async (client) => {
      const batch = await claimOutboxBatch(client, 10);
      expect(batch.messages.map((message) => message.key)).toEqual(['hh-3', 'hh-4']);
      const seqs = batch.messages.map((message) => message.seq);
      expect(await settleOutboxBatch(client, seqs, { retainSentMs: 60_000 })).toEqual({
        settled: 2,
        purged: 2,
      });
    });
    const { rows } = await db.pool.query<{ key: string; sent: boolean }>(
      'select key, sent_at is not null as sent from outbox order by seq',
    );
    expect(rows).toEqual([
      { key: 'hh-3', sent: true },
      { key: 'hh-4', sent: true },
    ]);
    // Nothing new to publish: a purge-only call leaves rows within the retention alone.
    expect(await settleOutboxBatch(db.pool, [], { retainSentMs: 60_000 })).toEqual({ settled: 0, purged: 0 });
    expect(await settleOutboxBatch(db.pool, [], { retainSentMs: 0 })).toEqual({ settled: 0, purged: 2 });
    expect(await outboxCount()).toBe(0);
  });
});
