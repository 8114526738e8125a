import { randomUUID } from 'node:crypto';
import { HouseholdRegistered, PersonRecordRead, RiskFlagged, syntheticResidentId } from '@huimin/contracts';
import { waitUntil } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, CHANGSHENG, type Harness, riskFlag, startHarness } from './harness.ts';

// The console shows resident IDs masked; a handler or supervisor of the alert's jurisdiction may
// ask for the full view, giving a reason, and every such read is audited as `view: 'full'`.

let h: Harness;
let alertId: string;
const householdId = `HH-${randomUUID().slice(0, 8)}`;
const head = syntheticResidentId({ seq: 41, birthDate: '1961-03-09', sex: 'male' });
const spouse = syntheticResidentId({ seq: 42, birthDate: '1963-07-21', sex: 'female' });

beforeAll(async () => {
  h = await startHarness('discovery_full_view');
  await h.publish(HouseholdRegistered, {
    householdId,
    businessDate: '2026-11-01',
    townCode: '320585001',
    communityCode: CHANGSHENG,
    address: { text: '娄东街道长胜社区8号', lng: 121.1, lat: 31.45 },
    members: [head, spouse].map((residentId, i) => ({
      residentId,
      name: '测试',
      relationToHead: i === 0 ? ('head' as const) : ('spouse' as const),
      birthDate: i === 0 ? '1961-03-09' : '1963-07-21',
      sex: i === 0 ? ('male' as const) : ('female' as const),
      hukouLocal: true,
      workAbility: 'full' as const,
      inInstitution: false,
    })),
    legalSupporters: [],
  });
  await h.handled(await h.publish(RiskFlagged, riskFlag(householdId, 'catastrophic', CHANGSHENG)));
  await waitUntil(async () => {
    const { rows } = await h.env.pool.query('select 1 from people where household_id = $1', [householdId]);
    return rows.length === 2;
  }, 'the household’s members in discovery’s person map');
  const { rows } = await h.env.pool.query('select id from alerts where household_id = $1', [householdId]);
  alertId = rows[0].id;
}, 90_000);

afterAll(async () => {
  await h?.close();
});

const fullView = async (username: string, id = alertId, purpose = '入户核实身份') =>
  h.app.server.inject({
    method: 'GET',
    url: `/v1/alerts/${id}/subject?view=full&purpose=${encodeURIComponent(purpose)}`,
    headers: bearer(await h.token(username)),
  });

const fullReads = async () => {
  const { rows } = await h.env.pool.query('select payload from outbox where type = $1', [
    PersonRecordRead.type,
  ]);
  return rows
    .map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload))
    .filter((p) => p.view === 'full');
};

describe('the full view of an alert’s subject', () => {
  it('shows the household’s resident IDs unmasked to its handler and audits the read with the reason', async () => {
    const res = await fullView('handler.li');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.json()).toEqual({
      alertId,
      householdId,
      residentId: null,
      members: [head, spouse].sort().map((residentId) => ({ residentId })),
    });
    expect(await fullReads()).toEqual([
      expect.objectContaining({
        actorId: 'u-li',
        service: 'discovery',
        subjectType: 'household',
        subjectId: householdId,
        view: 'full',
        purpose: `${alertId}: 入户核实身份`,
      }),
    ]);
    // The ordinary detail stays masked.
    const detail = await h.app.server.inject({
      method: 'GET',
      url: `/v1/households/${householdId}/view`,
      headers: bearer(await h.token('handler.li')),
    });
    expect(detail.body).not.toContain(head);
  });

  it('lets the town’s supervisor see it too, and nobody outside the jurisdiction or without the role', async () => {
    expect((await fullView('supervisor.loudong')).statusCode).toBe(200);
    const before = (await fullReads()).length;
    for (const [user, status] of [
      ['handler.zhou', 404], // another community of the same town
      ['handler.ludu', 404],
      ['supervisor.ludu', 404],
      ['auditor', 403],
      ['admin', 403],
    ] as const) {
      const res = await fullView(user);
      expect([user, res.statusCode]).toEqual([user, status]);
      expect(res.body).not.toContain(head);
    }
    expect(await fullReads()).toHaveLength(before);
  });

  it('asks for a reason and the explicit full view', async () => {
    const noReason = await h.app.server.inject({
      method: 'GET',
      url: `/v1/alerts/${alertId}/subject?view=full`,
      headers: bearer(await h.token('handler.li')),
    });
    expect(noReason.statusCode).toBe(400);
    const masked = await h.app.server.inject({
      method: 'GET',
      url: `/v1/alerts/${alertId}/subject?view=masked&purpose=x1`,
      headers: bearer(await h.token('handler.li')),
    });
    expect(masked.statusCode).toBe(400);
  });
});
