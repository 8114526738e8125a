import { randomUUID } from 'node:crypto';
import { createScheduler } from '@huimin/pg';
import { readRecords } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECONCILE_JOB, reconciliationDueAt } from '../src/reconciliation.ts';
import { bearer, type Charity, startCharity } from './harness.ts';

// The daily reconciliation: the ledger balances and matches the funds' balances, or each fund
// that does not gets a ReconciliationFailed event and a non-zero difference metric.

let charity: Charity;
beforeAll(async () => {
  charity = await startCharity({ name: 'charity_rec', broker: true });
  for (const fundId of ['fund-320585', 'fund-320585109']) {
    const res = await charity.app.server.inject({
      method: 'POST',
      url: '/v1/donations',
      headers: { ...bearer(charity.tokens.approver), 'idempotency-key': randomUUID() },
      payload: { fundId, amountFen: 80_000, channel: 'cash', donor: { kind: 'anonymous' } },
    });
    expect(res.statusCode).toBe(201);
  }
});
afterAll(async () => {
  await charity?.close();
});

async function metric(name: string, fundId: string): Promise<number | undefined> {
  const text = await charity.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`fund_id="${fundId}"`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

async function failures(): Promise<
  { fundId: string; problems: { check: string; expected: number; found: number }[] }[]
> {
  await charity.drainOutbox();
  return (await readRecords(charity.env.kafka, 'huimin.charity.fund'))
    .filter((r) => r.headers.ce_type === 'huimin.charity.reconciliation.failed.v1')
    .map((r) => JSON.parse(r.value));
}

describe('reconciliation', () => {
  it('finds balanced books balanced: no event, a zero difference for every fund', async () => {
    const res = await charity.app.server.inject({
      method: 'POST',
      url: '/v1/reconciliations',
      headers: bearer(charity.tokens.approver),
    });
    expect(res.json()).toMatchObject({ ok: true, findings: [] });
    expect(await metric('huimin_charity_reconciliation_difference_fen', 'fund-320585109')).toBe(0);
    expect(await failures()).toEqual([]);
  });

  it('runs daily from the scheduler, reports a balance that drifted from its entries, and arms the next day', async () => {
    // Someone changes a stored balance behind the ledger's back (the entries themselves cannot be changed).
    await charity.env.pool.query(
      `update accounts set balance_fen = balance_fen - 1000 where fund_id = 'fund-320585109' and kind = 'net-assets'`,
    );
    const businessDate = '2026-03-04';
    await charity.app.reconciliation.arm(charity.env.pool); // today's, as main.ts does
    await charity.env.pool.query(
      `insert into scheduled_jobs (kind, key, due_at, run_after) values ($1, $2, $3, $3)`,
      [RECONCILE_JOB, businessDate, reconciliationDueAt(businessDate)],
    );
    const scheduler = createScheduler({
      pool: charity.env.pool,
      owner: 'test',
      handlers: { [RECONCILE_JOB]: charity.app.reconciliation.handler },
      now: () => new Date('2026-03-05T01:00:00+08:00'),
    });
    expect(await scheduler.runOnce()).toBe(true);

    const [failure, ...more] = await failures();
    expect(more).toEqual([]);
    expect(failure).toMatchObject({
      fundId: 'fund-320585109',
      businessDate,
      // The net-asset account lost 1,000 fen its entries still hold; cash and net assets per entries agree.
      problems: [{ check: 'account-balance', expected: 80_000, found: 79_000 }],
    });
    expect(await metric('huimin_charity_reconciliation_difference_fen', 'fund-320585109')).toBe(1000);
    expect(await metric('huimin_charity_reconciliation_difference_fen', 'fund-320585')).toBe(0);
    const { rows } = await charity.env.pool.query(
      `select key, due_at from scheduled_jobs where kind = $1 and done_at is null order by key`,
      [RECONCILE_JOB],
    );
    expect(rows.map((r) => r.key)).toContain('2026-03-05');
    expect(rows.find((r) => r.key === '2026-03-05')?.due_at.toISOString()).toBe('2026-03-05T17:00:00.000Z');
  });

  it('reports a transaction whose entries do not balance', async () => {
    // Only a superuser disabling the guards could write this; reconciliation must still see it.
    const client = await charity.env.pool.connect();
    try {
      await client.query('begin');
      await client.query('alter table ledger_entries disable trigger ledger_entries_balance');
      const { rows } = await client.query<{ account_id: string }>(
        `select account_id from accounts where fund_id = 'fund-320585' and kind = 'cash'`,
      );
      const id = randomUUID();
      await client.query(
        `insert into ledger_transactions (transaction_id, kind, reference_id, booked_at, recorded_by) values ($1, 'donation', $1, now(), 'intruder')`,
        [id],
      );
      await client.query(
        'insert into ledger_entries (transaction_id, account_id, amount_fen, balance_after_fen) values ($1, $2, 500, 0)',
        [id, rows[0]?.account_id],
      );
      await client.query('alter table ledger_entries enable trigger ledger_entries_balance');
      await client.query('commit');
    } finally {
      client.release();
    }
    const res = await charity.app.server.inject({
      method: 'POST',
      url: '/v1/reconciliations',
      headers: bearer(charity.tokens.approver),
    });
    const body = res.json<{ ok: boolean; findings: { check: string; fundId: string }[] }>();
    expect(body.ok).toBe(false);
    expect(
      body.findings
        .filter((f) => f.fundId === 'fund-320585')
        .map((f) => f.check)
        .sort(),
    ).toEqual(['account-balance', 'fund-identity', 'unbalanced-transaction']);
    expect((await failures()).map((f) => f.fundId).sort()).toEqual([
      'fund-320585',
      'fund-320585109',
      'fund-320585109',
    ]);
  });
});
