import { randomUUID } from 'node:crypto';
import {
  HouseholdRegistered,
  RiskFlagged,
  syntheticResidentId,
  TemporaryAssistancePaid,
} from '@huimin/contracts';
import { createMetricsRegistry } from '@huimin/kit';
import { waitUntil } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAssistance, proposal as taProposal } from '../../assistance/test/harness.ts';
import { createApp } from '../src/app.ts';
import { bearer, CHANGSHENG, FUNAN, type Harness, riskFlag, startHarness } from './harness.ts';

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

describe('the household view', () => {
  it('shows the household’s temporary-assistance applications from the assistance service, asked with the reader’s token', async () => {
    const householdId = `HH-${randomUUID().slice(0, 8)}`;
    const head = syntheticResidentId({ seq: 91, birthDate: '1962-02-03', sex: 'male' });
    await h.publish(HouseholdRegistered, {
      householdId,
      businessDate: '2026-11-01',
      townCode: '320585001',
      communityCode: CHANGSHENG,
      address: { text: '娄东街道长胜社区9号', lng: 121.1, lat: 31.45 },
      members: [
        {
          residentId: head,
          name: '测试',
          relationToHead: 'head',
          birthDate: '1962-02-03',
          sex: 'male',
          hukouLocal: true,
          workAbility: 'full',
          inInstitution: false,
        },
      ],
      legalSupporters: [],
    });
    await waitUntil(async () => {
      const { rows } = await h.env.pool.query('select 1 from people where household_id = $1', [householdId]);
      return rows.length === 1;
    }, 'the household in discovery');
    // The real assistance service, trusting the same identity; its gRPC neighbours speak their contracts.
    const assistance = await startAssistance({
      name: 'discovery_view_ta',
      verifier: h.identity.remoteVerifier(),
    });
    try {
      assistance.alerts.set('ALR-2026-000501', {
        alertId: 'ALR-2026-000501',
        householdId,
        communityCode: CHANGSHENG,
        status: 'acknowledged',
        type: 'walk-in',
        title: '来访求助',
        priority: 'P3',
        reasons: ['户主突发重病住院'],
      });
      assistance.proposals.set(householdId, taProposal(householdId));
      const opened = await assistance.app.server.inject({
        method: 'POST',
        url: '/v1/applications',
        headers: bearer(await h.token('handler.li')),
        payload: { alertId: 'ALR-2026-000501', cause: 'major-illness' },
      });
      expect(opened.statusCode).toBe(201);
      await assistance.app.server.listen({ port: 0, host: '127.0.0.1' });
      const address = assistance.app.server.server.address();
      const viewer = await createApp({
        logger: h.env.logger,
        registry: createMetricsRegistry({ service: 'discovery' }),
        pool: h.env.pool,
        verifier: h.identity.remoteVerifier(),
        roster: h.roster,
        household: {
          eligibilityUrl: 'http://127.0.0.1:9',
          riskUrl: 'http://127.0.0.1:9',
          eldercareUrl: 'http://127.0.0.1:9',
          charityUrl: 'http://127.0.0.1:9',
          assistanceUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
          timeoutMs: 2000,
        },
      });
      try {
        const view = await viewer.server.inject({
          method: 'GET',
          url: `/v1/households/${householdId}/view`,
          headers: bearer(await h.token('handler.li')),
        });
        expect(view.json().assistance).toMatchObject({
          status: 'ok',
          data: {
            applications: [
              {
                applicationId: opened.json().applicationId,
                householdId,
                amountFen: 1_254_000,
                status: 'pending',
              },
            ],
          },
        });
        // A handler of another community sees no view at all.
        const outsider = await viewer.server.inject({
          method: 'GET',
          url: `/v1/households/${householdId}/view`,
          headers: bearer(await h.token('handler.zhou')),
        });
        expect(outsider.statusCode).toBe(404);
      } finally {
        await viewer.close();
      }
    } finally {
      await assistance.close();
    }
  });
});
