import { randomUUID } from 'node:crypto';
import { RiskFlagged, TemporaryAssistancePaid } from '@huimin/contracts';
import { waitUntil } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, FUNAN, type Harness, riskFlag, startHarness } from './harness.ts';

// The assistance service's payment, as it publishes it, resolves the alert the application came
// from: outcome temporary-assistance, the amount and the payment reference in the history.

let h: Harness;

beforeAll(async () => {
  h = await startHarness('discovery_ta_grants');
}, 90_000);

afterAll(async () => {
  await h?.close();
});

async function alertOf(householdId: string) {
  const { rows } = await h.env.pool.query<{ id: string; status: string; community_code: string }>(
    'select id, status, community_code from alerts where household_id = $1',
    [householdId],
  );
  return rows[0];
}

const paid = (alertId: string, householdId: string, communityCode: string): TemporaryAssistancePaid => ({
  applicationId: 'TA-2026-000042',
  alertId,
  householdId,
  communityCode,
  amountFen: 1_254_000,
  paymentReference: 'GK-20261207-0001',
  paidOn: '2026-12-07',
  recordedBy: 'u-admin-2',
  recordedAt: new Date().toISOString(),
});

describe('a temporary-assistance payment', () => {
  it('resolves its alert with the outcome and the amount; a second delivery changes nothing', async () => {
    const hh = `HH-${randomUUID().slice(0, 8)}`;
    await h.handled(await h.publish(RiskFlagged, riskFlag(hh, 'severe')));
    const alert = await alertOf(hh);
    if (!alert) throw new Error('no alert raised');
    await h.publish(TemporaryAssistancePaid, paid(alert.id, hh, alert.community_code));
    await waitUntil(async () => (await alertOf(hh))?.status === 'resolved', 'alert resolved');
    const detail = (
      await h.app.server.inject({
        method: 'GET',
        url: `/v1/alerts/${alert.id}`,
        headers: bearer(await h.token('handler.li')),
      })
    ).json();
    expect(detail).toMatchObject({ status: 'resolved', outcome: 'temporary-assistance' });
    expect(detail.history.at(-1)).toMatchObject({
      action: 'resolved',
      actor: 'u-admin-2',
      detail: {
        outcome: 'temporary-assistance',
        note: '临时救助已发放 12,540.00 元（申请 TA-2026-000042，支付凭证 GK-20261207-0001）',
      },
    });
    // Redelivered, or paid for a closed alert: the consumer moves on instead of retrying forever.
    const again = await h.publish(TemporaryAssistancePaid, {
      ...paid(alert.id, hh, alert.community_code),
      applicationId: 'TA-2026-000043',
    });
    // A grant naming another community's alert leaves that alert alone.
    const other = `HH-${randomUUID().slice(0, 8)}`;
    await h.handled(await h.publish(RiskFlagged, riskFlag(other, 'severe')));
    const otherAlert = await alertOf(other);
    if (!otherAlert) throw new Error('no alert raised');
    const wrong = await h.publish(TemporaryAssistancePaid, paid(otherAlert.id, other, FUNAN));
    await waitUntil(async () => {
      const { rows } = await h.env.pool.query('select 1 from inbox where event_id = any($1)', [
        [again, wrong],
      ]);
      return rows.length === 2;
    }, 'both handled');
    expect((await alertOf(other))?.status).toBe('open');
    const history = (
      await h.app.server.inject({
        method: 'GET',
        url: `/v1/alerts/${alert.id}`,
        headers: bearer(await h.token('handler.li')),
      })
    ).json().history;
    expect(history.filter((e: { action: string }) => e.action === 'resolved')).toHaveLength(1);
  });
});
