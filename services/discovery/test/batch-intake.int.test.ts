import { randomUUID } from 'node:crypto';
import { withTransaction } from '@huimin/pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signal } from '../src/alert-desk.ts';
import { bearer, CHANGSHENG, FUNAN, type Harness, startHarness } from './harness.ts';

// The desk takes a consumer's run of signals as one batch: the result must be what taking them one
// at a time, in order, gives (numbers, merging, suppression, routing), and a batch that rolls back
// gives its alert numbers back.

let h: Harness;
beforeAll(async () => {
  h = await startHarness('discovery_batch', { consume: false });
});
afterAll(async () => {
  await h?.close();
});

const newHousehold = () => `HB-${randomUUID().slice(0, 8)}`;
const flag = (householdId: string, level: 'catastrophic' | 'severe', communityCode = CHANGSHENG): Signal => ({
  eventId: randomUUID(),
  eventType: 'huimin.risk.flagged',
  code: `risk.${level}`,
  householdId,
  communityCode,
  reasons: [{ code: `OOP_${level.toUpperCase()}`, summary: `${level} 自付医疗费用`, cause: 'risk:medical' }],
});

const take = (signals: Signal[]) =>
  withTransaction(h.env.pool, (client) => h.app.desk.handleSignals(client, signals));

async function alertOf(id: string) {
  const res = await h.app.server.inject({
    method: 'GET',
    url: `/v1/alerts/${id}`,
    headers: bearer(await h.token('supervisor.loudong')),
  });
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function logged(eventIds: string[]) {
  const { rows } = await h.env.pool.query<{ event_id: string; outcome: string; alert_id: string | null }>(
    'select event_id, outcome, alert_id from signal_log where event_id = any($1)',
    [eventIds],
  );
  const byId = new Map(rows.map((r) => [r.event_id, r]));
  return eventIds.map((id) => byId.get(id));
}

const numberOf = (alertId: string) => Number(alertId.split('-')[2]);

describe('a batch of signals', () => {
  it('opens, merges and routes as one at a time would, with consecutive numbers', async () => {
    const [a, b, c] = [newHousehold(), newHousehold(), newHousehold()];
    const signals = [
      flag(a, 'catastrophic'),
      flag(b, 'catastrophic'),
      flag(a, 'severe'),
      flag(c, 'catastrophic', FUNAN),
    ];
    expect(await take(signals)).toEqual(['opened', 'opened', 'merged', 'opened']);
    const log = await logged(signals.map((s) => s.eventId));
    expect(log.map((l) => l?.outcome)).toEqual(['opened', 'opened', 'merged', 'opened']);
    const [ida, idb, , idc] = log.map((l) => l?.alert_id as string);
    // The second flag of household a went into the alert the first one opened in the same batch.
    expect(log[2]?.alert_id).toBe(ida);
    expect([
      numberOf(idb as string) - numberOf(ida as string),
      numberOf(idc as string) - numberOf(ida as string),
    ]).toEqual([1, 2]);

    const first = await alertOf(ida as string);
    // Raised at P2 by the catastrophic flag, raised to P1 by the severe one; both reasons kept.
    expect(first.priority).toBe('P1');
    expect(first.reasons.map((r: { code: string }) => r.code)).toEqual(['OOP_CATASTROPHIC', 'OOP_SEVERE']);
    expect(first.history.map((e: { action: string }) => e.action)).toEqual([
      'raised',
      'assigned',
      'evidence-added',
    ]);
    // Least load, round robin among equals: the batch's two 长胜 alerts go to the two handlers.
    const second = await alertOf(idb as string);
    expect([first.assigneeUserId, second.assigneeUserId].sort()).toEqual(['u-li', 'u-wang']);
    expect((await alertOf(idc as string)).assigneeUserId).toBe('u-zhou');
  });

  it('gives its numbers back when it rolls back: the next batch continues without a gap', async () => {
    const before = newHousehold();
    await take([flag(before, 'catastrophic')]);
    const { rows } = await h.env.pool.query<{ id: string }>('select id from alerts where household_id = $1', [
      before,
    ]);
    const start = numberOf(rows[0]?.id as string);

    await expect(
      withTransaction(h.env.pool, async (client) => {
        await h.app.desk.handleSignals(client, [
          flag(newHousehold(), 'catastrophic'),
          flag(newHousehold(), 'catastrophic'),
        ]);
        throw new Error('the consumer lost its connection before the commit');
      }),
    ).rejects.toThrow('lost its connection');

    const after = [flag(newHousehold(), 'catastrophic'), flag(newHousehold(), 'catastrophic')];
    await take(after);
    const ids = (await logged(after.map((s) => s.eventId))).map((l) => numberOf(l?.alert_id as string));
    expect(ids).toEqual([start + 1, start + 2]);
  });

  it('keeps a dismissed type away within a batch unless the priority rises', async () => {
    const hh = newHousehold();
    expect(await take([flag(hh, 'catastrophic')])).toEqual(['opened']);
    const { rows } = await h.env.pool.query<{ id: string }>('select id from alerts where household_id = $1', [
      hh,
    ]);
    const dismissed = await h.app.server.inject({
      method: 'POST',
      url: `/v1/alerts/${rows[0]?.id}/dismiss`,
      headers: bearer(await h.token('handler.li')),
      payload: { reasonCode: 'already-assisted', note: '已在救助中' },
    });
    expect(dismissed.statusCode).toBe(200);

    // Same priority: suppressed. Higher: opens, and the next one in the batch merges into it.
    expect(await take([flag(hh, 'catastrophic'), flag(hh, 'severe'), flag(hh, 'catastrophic')])).toEqual([
      'suppressed',
      'opened',
      'merged',
    ]);
  });
});
