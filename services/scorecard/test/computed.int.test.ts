import {
  AlertAssigned,
  AlertOpened,
  AlertTaken,
  AssistanceEnrolmentChanged,
  AssistanceEnrolmentRetracted,
  CaregiverRecorded,
  FundClosed,
  FundOpened,
  HouseholdDissolved,
  HouseholdRecordRetracted,
  HouseholdRegistered,
  HouseholdUpdated,
  OrderCancelled,
  OrderCompleted,
  OrderCreated,
  taicang,
  VisitAnomalyFlagged,
} from '@huimin/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorCard, Scorecard } from '../src/scorecard.ts';
import { type Harness, household, person, startHarness } from './harness.ts';

// A hand-built history for March 2026 (Asia/Shanghai), read back through the scorecard's API after
// the real consumers have handled it from the embedded broker into Postgres. Each expected value is
// worked out below from the events, not taken from the code.

const LOUDONG = '320585001'; // 娄东街道: communities 001–005
const LUDU = '320585002'; // 陆渡街道: communities 001–003, 201
const C_CHANGSHENG = '320585001001';
const C_FUNAN = '320585001002';
const C_LUDU = '320585002001';
const C_LUDU_2 = '320585002002';
const C_LUDU_3 = '320585002003';

let h: Harness;
let card: Scorecard;
const byNumber = (n: number): IndicatorCard => {
  const found = card.indicators.find((i) => i.number === n);
  if (!found) throw new Error(`no card ${n}`);
  return found;
};
const town = (c: IndicatorCard, code: string) => c.measures[0]?.byTown.find((t) => t.townCode === code);

/** An order's life: created, then (optionally) completed at `startedAt`. */
async function order(
  orderId: string,
  o: { elderId: string; communityCode: string; householdId?: string; type?: string; startedAt?: string },
) {
  await h.publish(OrderCreated, {
    orderId,
    elderId: o.elderId,
    ...(o.householdId ? { householdId: o.householdId } : {}),
    townCode: o.communityCode.slice(0, 9),
    communityCode: o.communityCode,
    serviceType: (o.type ?? 'meal-help') as OrderCreated['serviceType'],
    windowStart: '2026-01-01T01:00:00.000Z',
    windowEnd: '2026-01-01T03:00:00.000Z',
    channel: 'family',
    priceFen: 3000,
    subsidyFen: 3000,
    selfPayFen: 0,
    quotaMonth: '2026-01',
    policyVersion: 'eldercare-2026-01-01',
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  if (o.startedAt === undefined) return;
  const ended = new Date(new Date(o.startedAt).getTime() + 40 * 60_000).toISOString();
  await h.publish(OrderCompleted, {
    orderId,
    providerId: 'PV-0001',
    caregiverId: 'CG-0001',
    serviceType: (o.type ?? 'meal-help') as OrderCreated['serviceType'],
    startedAt: o.startedAt,
    endedAt: ended,
    location: { lng: 121.1, lat: 31.45 },
    distanceM: 10,
    subsidyFen: 3000,
    selfPayFen: 0,
  });
}

function tekun(
  enrolmentId: string,
  householdId: string,
  businessDate: string,
  programme: 'tekun-centralised' | 'tekun-dispersed',
  residentId: string,
  flags: { wantsCentralisedCare?: boolean; cannotSelfCare?: boolean } = {},
  change: AssistanceEnrolmentChanged['change'] = 'enrolled',
): AssistanceEnrolmentChanged {
  return {
    enrolmentId,
    householdId,
    businessDate,
    programme,
    change,
    monthlyAmountFen: change === 'exited' ? 0 : 146_300,
    beneficiaryResidentIds: [residentId],
    ...flags,
  };
}

beforeAll(async () => {
  h = await startHarness('scorecard_computed', new Date('2026-04-10T00:00:00.000Z'));

  // #12 registered elders on 2026-03-31 (60+, registered locally, household not dissolved).
  const a1 = person('1950-05-10');
  const a2 = person('1966-03-15'); // turns 60 on 15 March: counts at the month's end
  const a3 = person('1966-04-15'); // turns 60 in April: does not
  const a4 = person('1940-01-01', { hukouLocal: false }); // registered elsewhere: does not
  await h.publish(HouseholdRegistered, household('HH-A', '2025-01-01', C_CHANGSHENG, [a1, a2, a3, a4]));
  const b1 = person('1955-01-01');
  await h.publish(HouseholdRegistered, household('HH-B', '2025-01-01', C_FUNAN, [b1]));
  // HH-B moves from 娄东 to 陆渡 on 10 March: it counts in 陆渡 at the month's end.
  await h.publish(HouseholdUpdated, household('HH-B', '2026-03-10', C_LUDU, [b1]));
  const c1 = person('1945-02-02');
  await h.publish(HouseholdRegistered, household('HH-C', '2025-06-01', C_LUDU, [c1]));
  // A report that HH-C moved to 娄东, withdrawn as entered in error: it stays in 陆渡.
  const wrongMove = await h.publish(HouseholdUpdated, household('HH-C', '2026-03-05', C_CHANGSHENG, [c1]));
  await h.publish(HouseholdRecordRetracted, {
    householdId: 'HH-C',
    businessDate: '2026-03-05',
    retractsEventId: wrongMove,
    reason: 'entered-in-error',
  });
  const d1 = person('1950-07-07');
  await h.publish(HouseholdRegistered, household('HH-D', '2025-01-01', C_LUDU, [d1]));
  await h.publish(HouseholdDissolved, {
    householdId: 'HH-D',
    businessDate: '2026-03-20',
    reason: 'moved-away',
  });
  // Registered after the period: not counted for March.
  await h.publish(HouseholdRegistered, household('HH-E', '2026-04-02', C_LUDU, [person('1950-01-01')]));
  // Elders on 2026-03-31: 娄东 a1, a2 (2); 陆渡 b1, c1 (2); county 4.

  // #12 visits.
  await order('O-1', {
    elderId: 'EL-a1',
    householdId: 'HH-A',
    communityCode: C_CHANGSHENG,
    startedAt: '2026-03-05T02:00:00.000Z',
  });
  await order('O-2', {
    elderId: 'EL-a1',
    householdId: 'HH-A',
    communityCode: C_CHANGSHENG,
    startedAt: '2026-03-20T02:00:00.000Z',
  });
  // 31 March 17:00 UTC is 1 April in Shanghai: not a March visit.
  await order('O-3', {
    elderId: 'EL-b1',
    householdId: 'HH-B',
    communityCode: C_LUDU,
    startedAt: '2026-03-31T17:00:00.000Z',
  });
  // Completed but flagged by visit verification: not a verified visit.
  await order('O-4', {
    elderId: 'EL-c1',
    householdId: 'HH-C',
    communityCode: C_LUDU,
    startedAt: '2026-03-12T02:00:00.000Z',
  });
  await h.publish(VisitAnomalyFlagged, {
    orderId: 'O-4',
    providerId: 'PV-0001',
    caregiverId: 'CG-0001',
    kind: 'too-short',
    detail: 'visit lasted 4 min, minimum 15 min',
    flaggedAt: '2026-03-12T02:45:00.000Z',
  });
  await order('O-5', { elderId: 'EL-a2', householdId: 'HH-A', communityCode: C_CHANGSHENG });
  await h.publish(OrderCancelled, {
    orderId: 'O-5',
    reason: 'requested',
    refundedSubsidyFen: 3000,
    cancelledAt: '2026-03-02T00:00:00.000Z',
  });
  // January: inside the rolling 12 months, not the month.
  await order('O-6', {
    elderId: 'EL-b1',
    householdId: 'HH-B',
    communityCode: C_LUDU,
    startedAt: '2026-01-15T02:00:00.000Z',
  });
  // HH-B has one registered elder (b1) but two eldercare elders (b1 enrolled twice, or a spouse
  // under 60): both visited in March, one of them in 娄东 before the household moved.
  await order('O-7', {
    elderId: 'EL-b1',
    householdId: 'HH-B',
    communityCode: C_FUNAN,
    startedAt: '2026-03-05T02:00:00.000Z',
  });
  await order('O-8', {
    elderId: 'EL-b1-spouse',
    householdId: 'HH-B',
    communityCode: C_LUDU,
    startedAt: '2026-03-25T02:00:00.000Z',
  });
  // d1 visited on 10 March, before HH-D was dissolved: no registered elder at the month's end.
  await order('O-9', {
    elderId: 'EL-d1',
    householdId: 'HH-D',
    communityCode: C_LUDU,
    startedAt: '2026-03-10T02:00:00.000Z',
  });
  // Home-adaptation visits below are home visits too (H-2: EL-a2 of HH-A in March; H-3 flagged;
  // H-4 names no household, so EL-x is nobody's registered elder). Per household registered on
  // 31 March, distinct visited eldercare elders capped at its registered elders, in its town then:
  // HH-A (娄东) a1, a2 → 2 of 2; HH-B (陆渡) EL-b1, EL-b1-spouse → 2, capped at 1; HH-C (陆渡)
  // flagged only → 0; HH-D dissolved and EL-x nowhere → nothing. March: 娄东 2 of 2, 陆渡 1 of 2,
  // county 3 of 4 = 75%. Counted by order town and elder id, 陆渡 would have EL-x, EL-b1-spouse
  // and EL-d1, 3 of 2 (150%), and 娄东 EL-b1 too, 3 of 2.
  // Rolling 12 months: HH-A 2 (H-1 in February too), HH-B 1 (O-6 in January too), HH-C 0 →
  // 3 of 4 = 75%.

  // #13 home adaptation (completed, verified home-adaptation orders; one household once).
  const adaptation = 'home-adaptation-assessment';
  await order('H-1', {
    elderId: 'EL-a1',
    householdId: 'HH-A',
    communityCode: C_CHANGSHENG,
    type: adaptation,
    startedAt: '2026-02-10T02:00:00.000Z',
  });
  await order('H-2', {
    elderId: 'EL-a2',
    householdId: 'HH-A',
    communityCode: C_CHANGSHENG,
    type: adaptation,
    startedAt: '2026-03-02T02:00:00.000Z',
  });
  await order('H-3', {
    elderId: 'EL-c1',
    householdId: 'HH-C',
    communityCode: C_LUDU,
    type: adaptation,
    startedAt: '2026-03-03T02:00:00.000Z',
  });
  await h.publish(VisitAnomalyFlagged, {
    orderId: 'H-3',
    providerId: 'PV-0001',
    caregiverId: 'CG-0001',
    kind: 'outside-radius',
    detail: 'checked out 2.3 km from the address',
    flaggedAt: '2026-03-03T03:00:00.000Z',
  });
  await order('H-4', {
    elderId: 'EL-x',
    communityCode: C_LUDU,
    type: adaptation,
    startedAt: '2026-03-04T02:00:00.000Z',
  });
  await order('H-5', {
    elderId: 'EL-b1',
    householdId: 'HH-B',
    communityCode: C_LUDU,
    type: adaptation,
    startedAt: '2026-04-03T02:00:00.000Z',
  });
  // Adapted in 2020: already among the 250 of the baseline.
  await order('H-6', {
    elderId: 'EL-d1',
    householdId: 'HH-D',
    communityCode: C_LUDU,
    type: adaptation,
    startedAt: '2020-10-10T02:00:00.000Z',
  });
  // By 31 March: HH-A (娄东) and EL-x's home (陆渡) → 250 + 2 = 252.

  // #2 tekun members (young disabled adults, so #12's elders stay as counted above).
  const t = Array.from({ length: 6 }, () => person('1990-06-01'));
  const [t1, t2, t3, t4, t5, t6] = t as [typeof a1, typeof a1, typeof a1, typeof a1, typeof a1, typeof a1];
  await h.publish(HouseholdRegistered, household('HH-T1', '2025-01-01', C_CHANGSHENG, [t1]));
  await h.publish(HouseholdRegistered, household('HH-T2', '2025-01-01', C_FUNAN, [t2]));
  await h.publish(HouseholdRegistered, household('HH-T3', '2025-01-01', C_LUDU, [t3]));
  await h.publish(HouseholdRegistered, household('HH-T4', '2025-01-01', C_LUDU, [t4]));
  await h.publish(HouseholdRegistered, household('HH-T5', '2025-01-01', C_LUDU, [t5]));
  await h.publish(HouseholdRegistered, household('HH-T6', '2025-01-01', C_LUDU, [t6]));
  // t1 centralised, no flag: counted as wanting it (assumption).
  await h.publish(
    AssistanceEnrolmentChanged,
    tekun('TK-1', 'HH-T1', '2025-06-01', 'tekun-centralised', t1.residentId),
  );
  // t2 dispersed, wants centralised care: in the denominator only.
  await h.publish(
    AssistanceEnrolmentChanged,
    tekun('TK-2', 'HH-T2', '2025-06-01', 'tekun-dispersed', t2.residentId, { wantsCentralisedCare: true }),
  );
  // t3 moves from dispersed to centralised on 1 March, cannot care for themselves.
  await h.publish(
    AssistanceEnrolmentChanged,
    tekun('TK-3', 'HH-T3', '2025-06-01', 'tekun-dispersed', t3.residentId, { cannotSelfCare: true }),
  );
  await h.publish(
    AssistanceEnrolmentChanged,
    tekun(
      'TK-3',
      'HH-T3',
      '2026-03-01',
      'tekun-dispersed',
      t3.residentId,
      { cannotSelfCare: true },
      'exited',
    ),
  );
  await h.publish(
    AssistanceEnrolmentChanged,
    tekun('TK-4', 'HH-T3', '2026-03-01', 'tekun-centralised', t3.residentId, { cannotSelfCare: true }),
  );
  // t4 dispersed, no flag: counted as not wanting it (assumption).
  await h.publish(
    AssistanceEnrolmentChanged,
    tekun('TK-5', 'HH-T4', '2025-06-01', 'tekun-dispersed', t4.residentId),
  );
  // t5's centralised enrolment is withdrawn as entered in error: not a tekun member at all.
  await h.publish(
    AssistanceEnrolmentChanged,
    tekun('TK-6', 'HH-T5', '2026-03-10', 'tekun-centralised', t5.residentId, { wantsCentralisedCare: true }),
  );
  await h.publish(AssistanceEnrolmentRetracted, {
    enrolmentId: 'TK-6',
    householdId: 'HH-T5',
    businessDate: '2026-03-10',
    reason: 'entered-in-error',
  });
  // t6 dispersed, neither wants it nor needs it: outside the indicator.
  await h.publish(
    AssistanceEnrolmentChanged,
    tekun('TK-7', 'HH-T6', '2025-06-01', 'tekun-dispersed', t6.residentId, {
      wantsCentralisedCare: false,
      cannotSelfCare: false,
    }),
  );
  // Centralised t1, t3 (2) ÷ t1, t2, t3 (3) = 66.67%; 娄东 1 of 2 = 50%, 陆渡 1 of 1 = 100%; 2 without a flag.

  // #11 community charity funds open on 31 March.
  const fund = (fundId: string, kind: FundOpened['kind'], code: string, openedOn: string) =>
    h.publish(FundOpened, { fundId, name: '测试基金', kind, jurisdictionCode: code, openedOn });
  await fund('fund-a', 'community-fund', C_CHANGSHENG, '2025-01-01');
  await fund('fund-b', 'community-fund', C_LUDU, '2026-03-15');
  await fund('fund-c', 'town-association', LOUDONG, '2020-01-01');
  await fund('fund-d', 'community-fund', C_FUNAN, '2025-01-01');
  await h.publish(FundClosed, { fundId: 'fund-d', closedOn: '2026-02-10' });
  await fund('fund-e', 'community-fund', C_LUDU_2, '2026-04-05');
  // January: a, d (2); February: a (1); March: a, b (2) — 娄东 1, 陆渡 1.

  // #16 / #17 caregivers at work on 31 March.
  const caregiver = (p: Omit<CaregiverRecorded, 'providerId'>) =>
    h.publish(CaregiverRecorded, { providerId: 'PV-0001', ...p });
  await caregiver({
    caregiverId: 'CG-1',
    businessDate: '2025-06-01',
    startedOn: '2025-01-01',
    trainedOn: '2024-12-20',
    certifiedOn: '2025-06-01',
    certificateNumber: 'YLHL-2025-0001',
  });
  await caregiver({
    caregiverId: 'CG-2',
    businessDate: '2026-03-25',
    startedOn: '2025-03-01',
    trainedOn: '2025-03-05',
    certifiedOn: '2026-03-20',
    certificateNumber: 'YLHL-2026-0002',
  });
  // A late, older report about CG-2 (no certificate yet) changes nothing.
  await caregiver({
    caregiverId: 'CG-2',
    businessDate: '2026-03-01',
    startedOn: '2025-03-01',
    trainedOn: '2025-03-05',
  });
  await caregiver({ caregiverId: 'CG-3', businessDate: '2025-05-01', startedOn: '2025-05-01' });
  await caregiver({
    caregiverId: 'CG-4',
    businessDate: '2026-02-28',
    startedOn: '2024-01-01',
    trainedOn: '2023-12-01',
    leftOn: '2026-02-28',
  });
  await caregiver({
    caregiverId: 'CG-5',
    businessDate: '2026-04-01',
    startedOn: '2026-04-01',
    trainedOn: '2026-03-25',
  });
  // At work: CG-1, CG-2, CG-3. Trained before starting: CG-1 → 33.33%. Certified: CG-1, CG-2 → 66.67%.

  // #1 communities covered in March.
  const alert = (
    alertId: string,
    communityCode: string,
    raisedAt: string,
    assignee?: string,
    routedBy?: AlertOpened['routedBy'],
  ) =>
    h.publish(AlertOpened, {
      alertId,
      communityCode,
      townCode: communityCode.slice(0, 9),
      ...(assignee ? { assigneeUserId: assignee } : {}),
      ...(routedBy ? { routedBy } : {}),
      householdId: 'HH-A',
      type: 'medical-hardship',
      title: '因病致贫风险',
      priority: 'P1',
      origin: 'signal',
      reasons: [{ code: 'OOP_OVER_25_PERCENT', summary: '测试' }],
      sourceEventIds: [],
      raisedAt,
      acknowledgeDueAt: new Date(new Date(raisedAt).getTime() + 2 * 3_600_000).toISOString(),
      visitDueAt: new Date(new Date(raisedAt).getTime() + 24 * 3_600_000).toISOString(),
    });
  const taken = (alertId: string, communityCode: string, acknowledgedAt: string) =>
    h.publish(AlertTaken, {
      alertId,
      communityCode,
      townCode: communityCode.slice(0, 9),
      assigneeUserId: 'u-handler',
      by: 'u-handler',
      acknowledgedAt,
    });
  // 常胜: acknowledged within two hours → covered.
  await alert('ALR-2026-000001', C_CHANGSHENG, '2026-03-03T02:00:00.000Z', 'u-handler', 'roster');
  await taken('ALR-2026-000001', C_CHANGSHENG, '2026-03-03T03:00:00.000Z');
  // 府南: acknowledged three hours late → not covered.
  await alert('ALR-2026-000002', C_FUNAN, '2026-03-05T02:00:00.000Z', 'u-handler');
  await taken('ALR-2026-000002', C_FUNAN, '2026-03-05T07:00:00.000Z');
  // 陆渡社区: a handler seen in February (an event from before `routedBy`), no alert in March → covered.
  await alert('ALR-2026-000003', C_LUDU, '2026-02-10T02:00:00.000Z', 'u-handler');
  await taken('ALR-2026-000003', C_LUDU, '2026-02-10T02:30:00.000Z');
  // Another 陆渡 community: nobody on the roster, handed to the supervisor → not covered.
  await alert('ALR-2026-000004', C_LUDU_2, '2026-03-06T02:00:00.000Z');
  await h.publish(AlertAssigned, {
    alertId: 'ALR-2026-000004',
    communityCode: C_LUDU_2,
    townCode: LUDU,
    assigneeUserId: 'u-supervisor',
    reason: 'no-roster',
    by: 'system',
    assignedAt: '2026-03-06T02:00:01.000Z',
  });
  // A third 陆渡 community: opened straight to the town's supervisor for want of a roster, taken
  // in time → not covered (without `routedBy` it would pass for rostered).
  await alert('ALR-2026-000005', C_LUDU_3, '2026-03-07T02:00:00.000Z', 'u-supervisor', 'supervisors');
  await taken('ALR-2026-000005', C_LUDU_3, '2026-03-07T02:30:00.000Z');
  // Covered: 常胜, 陆渡社区 → 2 of the county's 41 communities; 娄东 1 of 5, 陆渡 1 of 4.

  await h.settle();
  const leader = await h.token({ userId: 'u-leader', role: 'bureau-leader', jurisdictions: ['320585'] });
  const res = await h.app.server.inject({
    method: 'GET',
    url: '/v1/scorecard?month=2026-03&from=2026-01',
    headers: { authorization: `Bearer ${leader}` },
  });
  expect(res.statusCode).toBe(200);
  card = res.json() as Scorecard;
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('the computed indicators, from a hand-built history', () => {
  it('lists all 19 indicators, each computed or recorded', () => {
    expect(card.indicators.map((i) => i.number)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
    expect(card.indicators.filter((i) => i.source === 'computed').map((i) => i.number)).toEqual([
      1, 2, 11, 12, 13, 16, 17,
    ]);
  });

  it('#12: visited elders per registered household, at most its registered elders, where it lives at the month end', () => {
    const c = byNumber(12);
    expect(c.measures[0]).toMatchObject({
      numerator: 3,
      denominator: 4,
      value: 75,
      baseline: 16.4,
      target: 20,
    });
    expect(c.measures[0]?.progress).toBe('met');
    expect(town(c, LOUDONG)).toMatchObject({ numerator: 2, denominator: 2, value: 100 });
    expect(town(c, LUDU)).toMatchObject({ numerator: 1, denominator: 2, value: 50 });
    expect(c.rolling12).toMatchObject({ numerator: 3, denominator: 4, value: 75 });
  });

  it('#13: households with a completed home adaptation, once each, on top of the 250 of 2020', () => {
    const c = byNumber(13);
    expect(c.measures[0]?.value).toBe(252);
    expect(town(c, LOUDONG)?.value).toBe(1);
    expect(town(c, LUDU)?.value).toBe(1);
    // The trend: January only the baseline, February HH-A, March EL-x's home too.
    expect(c.measures[0]?.trend).toEqual([
      { month: '2026-01', value: 250 },
      { month: '2026-02', value: 251 },
      { month: '2026-03', value: 252 },
    ]);
  });

  it('#2: centralised tekun members among those who want it or cannot care for themselves, the assumption said', () => {
    const c = byNumber(2);
    expect(c.measures[0]).toMatchObject({ numerator: 2, denominator: 3, value: 66.67, progress: 'behind' });
    expect(town(c, LOUDONG)).toMatchObject({ numerator: 1, denominator: 2, value: 50 });
    expect(town(c, LUDU)).toMatchObject({ numerator: 1, denominator: 1, value: 100 });
    expect(c.assumption).toContain('2名特困人员');
  });

  it('#11: open community charity funds, month by month', () => {
    const c = byNumber(11);
    expect(c.measures[0]?.value).toBe(2);
    expect(town(c, LOUDONG)?.value).toBe(1);
    expect(town(c, LUDU)?.value).toBe(1);
    expect(c.measures[0]?.trend.map((p) => p.value)).toEqual([2, 1, 2]);
  });

  it('#16 / #17: caregivers at work trained before starting, and certified', () => {
    expect(byNumber(16).measures[0]).toMatchObject({ numerator: 1, denominator: 3, value: 33.33 });
    expect(byNumber(17).measures[0]).toMatchObject({ numerator: 2, denominator: 3, value: 66.67 });
  });

  it('#1: communities with a handler where every alert of the month was acknowledged in time', () => {
    const c = byNumber(1);
    const communities = taicang.communities().length;
    expect(c.measures[0]).toMatchObject({ numerator: 2, denominator: communities });
    expect(town(c, LOUDONG)).toMatchObject({ numerator: 1, denominator: taicang.children(LOUDONG).length });
    expect(town(c, LUDU)).toMatchObject({ numerator: 1, denominator: taicang.children(LUDU).length });
    expect(c.definition).toContain('签收时限');
  });
});
