import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgLibError } from '../src/errors.ts';
import { purgeInbox, recordInbox } from '../src/inbox.ts';
import { migrate } from '../src/migrate.ts';
import { withTransaction } from '../src/with-transaction.ts';
import { freshSchema } from './fresh-schema.ts';

const db = freshSchema('inbox');

beforeAll(async () => {
  await migrate(db.pool, { schema: db.schema });
  await db.pool.query('create table alerts (household_id text not null)');
});

afterAll(async () => {
  await db.drop();
});

async function alertCount(): Promise<number> {
  const { rows } = await db.pool.query('select count(*)::int as n from alerts');
  return rows[0].n;
}

// What a consumer does with each delivery: record the event, apply it only if it is new.
function handleRiskFlagged(eventId: string, options: { failAfterEffects?: boolean } = {}) {
  return withTransaction(db.pool, async (client) => {
    const isNew = await recordInbox(client, 'discovery.risk-flagged', eventId);
    if (isNew) await client.query("insert into alerts values ('hh-1')");
    if (options.failAfterEffects === true) throw new Error('handler crashed');
    return isNew;
  });
}

describe('inbox', () => {
  it('says new the first time and redelivery after that, so effects apply once', async () => {
    expect(await handleRiskFlagged('evt-1')).toBe(true);
    expect(await handleRiskFlagged('evt-1')).toBe(false);
    expect(await alertCount()).toBe(1);
  });

  it('keeps consumers apart: the same event is new to each consumer', async () => {
    await withTransaction(db.pool, async (client) => {
      expect(await recordInbox(client, 'notify.alerts', 'evt-2')).toBe(true);
      expect(await recordInbox(client, 'discovery.alerts', 'evt-2')).toBe(true);
    });
  });

  it('forgets a delivery whose transaction rolled back, so the redelivery is handled', async () => {
    const before = await alertCount();

    await expect(handleRiskFlagged('evt-3', { failAfterEffects: true })).rejects.toThrow('handler crashed');
    const { rows } = await db.pool.query('select count(*)::int as n from inbox where event_id = $1', [
      'evt-3',
    ]);
    expect(rows[0].n).toBe(0);
    expect(await alertCount()).toBe(before);

    expect(await handleRiskFlagged('evt-3')).toBe(true);
    expect(await alertCount()).toBe(before + 1);
  });

  it('refuses to record outside a transaction', async () => {
    const client = await db.pool.connect();
    try {
      await expect(recordInbox(client, 'discovery.risk-flagged', 'evt-4')).rejects.toThrow(PgLibError);
    } finally {
      client.release();
    }
    const { rows } = await db.pool.query('select count(*)::int as n from inbox where event_id = $1', [
      'evt-4',
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('purges records received before the cut-off', async () => {
    await handleRiskFlagged('evt-5');
    const { rows } = await db.pool.query('select count(*)::int as n from inbox');

    expect(await purgeInbox(db.pool, { receivedBefore: new Date(Date.now() - 60_000) })).toBe(0);
    expect(await purgeInbox(db.pool, { receivedBefore: new Date(Date.now() + 60_000) })).toBe(rows[0].n);
    expect(await handleRiskFlagged('evt-5')).toBe(true);
  });
});
