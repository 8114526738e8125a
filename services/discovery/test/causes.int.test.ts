import { randomUUID } from 'node:crypto';
import {
  DisabilityCertificationRetracted,
  DisabilityCertified,
  discoveryAlertStream,
  EligibilityDecided,
  EnrolmentGapsChanged,
  HouseholdRegistered,
  RiskCleared,
  RiskFlagged,
  syntheticResidentId,
} from '@huimin/contracts';
import { readRecords, waitUntil } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRuleSet } from '../src/domain/rules.ts';
import { appendRulesForNewSignals } from '../src/rules-upgrade.ts';
import { addPolicyVersion, currentPolicy } from '../src/store/policy-store.ts';
import { bearer, CHANGSHENG, type Harness, riskFlag, startHarness } from './harness.ts';

// Alerts whose cause goes away upstream, the severe flag's two kinds, grade 3–4 intellectual and
// mental disability, and households eligibility cannot decide: each through discovery's consumers.

let h: Harness;

beforeAll(async () => {
  h = await startHarness('discovery_causes');
}, 90_000);

afterAll(async () => {
  await h?.close();
});

const newHousehold = () => `HH-${randomUUID().slice(0, 8)}`;

interface Row {
  id: string;
  type: string;
  priority: string;
  status: string;
  outcome: string | null;
  reasons: { code: string; summary: string; withdrawnAt?: string }[];
}

async function alertsOf(householdId: string): Promise<Row[]> {
  const { rows } = await h.env.pool.query(
    'select id, type, priority, status, outcome, reasons from alerts where household_id = $1 order by id',
    [householdId],
  );
  return rows;
}

async function historyOf(alertId: string) {
  const { rows } = await h.env.pool.query<{ action: string; detail: Record<string, unknown> }>(
    'select action, detail from alert_history where alert_id = $1 order by id',
    [alertId],
  );
  return rows;
}

async function api(method: 'GET' | 'POST' | 'PUT', url: string, username: string, payload?: unknown) {
  return h.app.server.inject({
    method,
    url,
    headers: bearer(await h.token(username)),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

/** Waits for the alert to reach a state a user would see. */
async function until(householdId: string, what: string, test: (alerts: Row[]) => boolean): Promise<Row[]> {
  let seen: Row[] = [];
  await waitUntil(async () => {
    seen = await alertsOf(householdId);
    return test(seen);
  }, what);
  return seen;
}

async function withdrawnEvents(alertId: string) {
  await waitUntil(
    async () =>
      Number(
        (await h.env.pool.query('select count(*) as n from outbox where sent_at is null')).rows[0]?.n,
      ) === 0,
    'the outbox is drained',
  );
  return (await readRecords(h.env.kafka, discoveryAlertStream.name, { timeoutMs: 20_000 }))
    .filter((r) => r.key === alertId && r.headers.ce_type === 'huimin.alert.cause-withdrawn.v1')
    .map((r) => JSON.parse(r.value));
}

const cleared = (householdId: string, reason: RiskCleared['reason'] = 'claim-reversed'): RiskCleared => ({
  flagId: 'RF-T-clear',
  householdId,
  communityCode: CHANGSHENG,
  level: 'watch',
  asOfDate: '2026-11-29',
  reason,
  outOfPocketFen: 0,
  clearedAt: new Date().toISOString(),
});

const gap = (programme: 'dibao' | 'edge' | 'disability-nursing') => ({
  programme,
  kind: 'eligible-not-receiving' as const,
  receivingMonthlyFen: 0,
  decidedMonthlyFen: programme === 'dibao' ? 85_000 : 0,
});

const gaps = (householdId: string, list: ReturnType<typeof gap>[], receiving?: string[]) =>
  ({
    householdId,
    communityCode: CHANGSHENG,
    asOfDate: '2026-11-28',
    decisionId: `ED-${randomUUID().slice(0, 8)}`,
    gaps: list,
    ...(receiving ? { receiving } : {}),
    detectedAt: new Date().toISOString(),
  }) as EnrolmentGapsChanged;

describe('an alert whose cause goes away', () => {
  it('nobody acknowledged it: a cleared risk closes it with outcome cause-withdrawn and the reason in Chinese', async () => {
    const hh = newHousehold();
    await h.handled(await h.publish(RiskFlagged, riskFlag(hh, 'watch')));
    const [alert] = await alertsOf(hh);
    expect(alert).toMatchObject({ type: 'medical-hardship', priority: 'P3', status: 'open' });
    await h.publish(RiskCleared, cleared(hh));
    const [closed] = await until(hh, 'the alert closes itself', (a) => a[0]?.status === 'resolved');
    expect(closed).toMatchObject({ id: alert?.id, outcome: 'cause-withdrawn' });
    expect(closed?.reasons.every((r) => r.withdrawnAt)).toBe(true);
    const detail = (await api('GET', `/v1/alerts/${alert?.id}`, 'handler.li')).json();
    expect(detail).toMatchObject({ status: 'resolved', outcome: 'cause-withdrawn' });
    expect(detail.history.at(-1)).toMatchObject({
      action: 'cause-withdrawn',
      actor: 'system',
      detail: {
        closed: true,
        summary: '医疗支出风险已解除（医疗费用单据已冲销，2026-11-29），预警原因已全部撤销，自动关闭',
      },
    });
    expect(await withdrawnEvents(alert?.id ?? '')).toEqual([
      expect.objectContaining({ closed: true, outcome: 'cause-withdrawn', by: 'system' }),
    ]);
    // Closed by its cause, not dismissed: the next flag opens a new alert at once.
    await h.handled(await h.publish(RiskFlagged, riskFlag(hh, 'watch')));
    expect((await alertsOf(hh)).map((a) => a.status)).toEqual(['resolved', 'open']);
  });

  it('a cleared 大病 flag closes the 大病 alert and leaves the medical-hardship one alone', async () => {
    const hh = newHousehold();
    await h.handled(await h.publish(RiskFlagged, riskFlag(hh, 'watch')));
    await h.handled(await h.publish(RiskFlagged, riskFlag(hh, 'major-illness')));
    expect((await alertsOf(hh)).map((a) => a.type).sort()).toEqual(['major-illness', 'medical-hardship']);
    await h.publish(RiskCleared, { ...cleared(hh), level: 'major-illness' });
    const after = await until(hh, 'the 大病 alert closes', (a) =>
      a.some((x) => x.type === 'major-illness' && x.status === 'resolved'),
    );
    expect(after.find((a) => a.type === 'medical-hardship')).toMatchObject({ status: 'open' });
  });

  it('an acknowledged alert stays open and says what changed, in its history and on the alert stream', async () => {
    const hh = newHousehold();
    await h.handled(await h.publish(RiskFlagged, riskFlag(hh, 'catastrophic')));
    const [alert] = await alertsOf(hh);
    const ack = await api('POST', `/v1/alerts/${alert?.id}/acknowledge`, 'handler.li');
    expect([ack.statusCode, ack.json().status]).toEqual([200, 'acknowledged']);
    await h.publish(RiskCleared, cleared(hh, 'income-updated'));
    const history = await (async () => {
      let rows: Awaited<ReturnType<typeof historyOf>> = [];
      await waitUntil(async () => {
        rows = await historyOf(alert?.id ?? '');
        return rows.some((r) => r.action === 'cause-withdrawn');
      }, 'the change is in the history');
      return rows;
    })();
    expect(history.at(-1)).toMatchObject({
      action: 'cause-withdrawn',
      detail: {
        closed: false,
        remaining: 0,
        summary:
          '医疗支出风险已解除（家庭收入更新后已不构成风险，2026-11-29），预警原因已全部撤销，请核实后办结',
      },
    });
    expect((await alertsOf(hh))[0]).toMatchObject({ status: 'acknowledged', outcome: null });
    expect(await withdrawnEvents(alert?.id ?? '')).toEqual([
      expect.objectContaining({ closed: false, assigneeUserId: expect.any(String) }),
    ]);
    // Its handler closes it when they have looked.
    const resolved = await api('POST', `/v1/alerts/${alert?.id}/resolve`, 'handler.li', {
      outcome: 'no-need',
    });
    expect(resolved.statusCode).toBe(200);
  });

  it('closes only when every merged gap has closed; each closing is in the history', async () => {
    const hh = newHousehold();
    await h.handled(
      await h.publish(EnrolmentGapsChanged, gaps(hh, [gap('dibao'), gap('disability-nursing')])),
    );
    const [alert] = await alertsOf(hh);
    expect(alert?.reasons).toHaveLength(2);
    // The nursing subsidy starts: its gap closes, the dibao one stays.
    await h.publish(EnrolmentGapsChanged, gaps(hh, [gap('dibao')], ['disability-nursing']));
    const [half] = await until(hh, 'one reason withdrawn', (a) =>
      Boolean(a[0]?.reasons.some((r) => r.withdrawnAt)),
    );
    expect(half).toMatchObject({ status: 'open' });
    expect(half?.reasons.map((r) => Boolean(r.withdrawnAt))).toEqual([false, true]);
    expect((await historyOf(alert?.id ?? '')).at(-1)?.detail).toMatchObject({
      summary: '重度残疾人护理补贴缺口已消除（已享受，或最新筛查已不符合条件）',
      closed: false,
      remaining: 1,
    });
    // Dibao enrolled too: nothing left.
    await h.publish(EnrolmentGapsChanged, gaps(hh, [], ['dibao', 'disability-nursing']));
    const [done] = await until(hh, 'the alert closes', (a) => a[0]?.status === 'resolved');
    expect(done).toMatchObject({ outcome: 'cause-withdrawn' });
  });

  it('a reason a person opened by hand never withdraws by itself', async () => {
    const current = (await api('GET', '/v1/policies/rules', 'admin')).json().versions[0].body;
    const rules = current.rules.map((r: { signal: string }) =>
      r.signal === 'manual.hotline' ? { ...r, type: 'medical-hardship' } : r,
    );
    expect(
      (await api('PUT', '/v1/policies/rules', 'admin', { body: { ...current, rules }, note: '热线并入医疗' }))
        .statusCode,
    ).toBe(201);
    h.app.desk.reloadPolicies();
    try {
      const hh = newHousehold();
      await h.handled(await h.publish(RiskFlagged, riskFlag(hh, 'watch')));
      const byHand = await api('POST', '/v1/alerts', 'handler.li', {
        householdId: hh,
        communityCode: CHANGSHENG,
        channel: 'hotline',
        summary: '邻居来电：老人住院后无人照料',
      });
      expect(byHand.statusCode).toBeLessThan(300);
      const [alert] = await alertsOf(hh);
      expect(alert?.reasons.map((r) => r.code)).toEqual(['OOP_OVER_WATCH_SHARE', 'MANUAL_HOTLINE']);
      await h.publish(RiskCleared, cleared(hh));
      const [after] = await until(hh, 'the risk reason withdrawn', (a) =>
        Boolean(a[0]?.reasons[0]?.withdrawnAt),
      );
      expect(after).toMatchObject({ status: 'open', outcome: null });
      expect(after?.reasons[1]?.withdrawnAt).toBeUndefined();
    } finally {
      expect(
        (await api('PUT', '/v1/policies/rules', 'admin', { body: current, note: '恢复' })).statusCode,
      ).toBe(201);
      h.app.desk.reloadPolicies();
    }
  });
});

let personSeq = 300;

describe('disability certificates', () => {
  async function household(): Promise<{ hh: string; person: string }> {
    const hh = newHousehold();
    const person = syntheticResidentId({
      birthDate: '1990-05-05',
      sex: 'female',
      seq: personSeq++,
    });
    const snapshot = structuredClone(HouseholdRegistered.example);
    snapshot.householdId = hh;
    snapshot.communityCode = CHANGSHENG;
    snapshot.townCode = '320585001';
    snapshot.members = [
      {
        ...(snapshot.members[0] as HouseholdRegistered['members'][number]),
        residentId: person,
        birthDate: '1990-05-05',
        sex: 'female',
      },
    ];
    snapshot.legalSupporters = [];
    const id = await h.publish(HouseholdRegistered, snapshot);
    await waitUntil(
      async () => (await h.env.pool.query('select 1 from inbox where event_id = $1', [id])).rowCount === 1,
      'the household is placed',
    );
    return { hh, person };
  }
  const certificate = (residentId: string, grade: number, category: DisabilityCertified['category']) => {
    const digit = {
      visual: '1',
      hearing: '2',
      speech: '3',
      physical: '4',
      intellectual: '5',
      mental: '6',
      multiple: '7',
    };
    return {
      ...DisabilityCertified.example,
      residentId,
      grade,
      category,
      certificateNo: `${residentId}${digit[category]}${grade}`,
      businessDate: '2026-11-20',
    } as DisabilityCertified;
  };

  it('grade 3 mental and grade 4 intellectual reach a handler like grade 1–2; grade 3 physical does not', async () => {
    for (const [grade, category, expected] of [
      [3, 'mental', 'P2'],
      [4, 'intellectual', 'P2'],
      [3, 'physical', undefined],
    ] as const) {
      const { hh, person } = await household();
      await h.handled(await h.publish(DisabilityCertified, certificate(person, grade, category)));
      const alerts = await alertsOf(hh);
      expect(alerts.map((a) => a.priority)).toEqual(expected ? [expected] : []);
      if (expected) expect(alerts[0]?.reasons[0]?.summary).toContain(`${grade === 3 ? '三' : '四'}级`);
    }
  });

  it('a household already receiving the nursing subsidy raises none', async () => {
    const { hh, person } = await household();
    await h.publish(EnrolmentGapsChanged, gaps(hh, [], ['disability-nursing']));
    await waitUntil(
      async () =>
        (await h.env.pool.query('select 1 from household_programmes where household_id = $1', [hh]))
          .rowCount === 1,
      'what the household receives is known',
    );
    const id = await h.publish(DisabilityCertified, certificate(person, 1, 'physical'));
    await h.handled(id);
    const { rows } = await h.env.pool.query('select outcome from signal_log where event_id = $1', [id]);
    expect(rows[0]?.outcome).toBe('ignored');
    expect(await alertsOf(hh)).toEqual([]);
  });

  it('the nursing-subsidy enrolment arriving after the certificate closes its alert', async () => {
    const { hh, person } = await household();
    await h.handled(await h.publish(DisabilityCertified, certificate(person, 3, 'intellectual')));
    expect((await alertsOf(hh)).map((a) => a.status)).toEqual(['open']);
    await h.publish(EnrolmentGapsChanged, gaps(hh, [], ['disability-nursing']));
    const [closed] = await until(hh, 'the alert closes', (a) => a[0]?.status === 'resolved');
    expect(closed?.outcome).toBe('cause-withdrawn');
  });

  it('a retracted certificate closes the alert it opened', async () => {
    const { hh, person } = await household();
    await h.handled(await h.publish(DisabilityCertified, certificate(person, 2, 'visual')));
    expect((await alertsOf(hh)).map((a) => a.status)).toEqual(['open']);
    await h.publish(DisabilityCertificationRetracted, {
      residentId: person,
      businessDate: '2026-11-20',
      reason: 'entered-in-error',
    });
    const [closed] = await until(hh, 'the alert closes', (a) => a[0]?.status === 'resolved');
    expect(closed?.outcome).toBe('cause-withdrawn');
    expect((await historyOf(closed?.id ?? '')).at(-1)?.detail.summary).toBe(
      '残联已撤回 2026-11-20 的残疾认定，预警原因已全部撤销，自动关闭',
    );
  });
});

describe('severe: pushed below the line, or already below it', () => {
  // One person with 1,000 yuan a month (below 1,045) and 1,000 yuan of care.
  const belowLine = (householdId: string): RiskFlagged => ({
    ...riskFlag(householdId, 'severe'),
    annualIncomeFen: 1_200_000,
    householdSize: 1,
    outOfPocketFen: 100_000,
    capacityToPayFen: 0,
    outOfPocketShareBp: 833,
    perCapitaMonthlyIncomeBeforeFen: 100_000,
    perCapitaMonthlyIncomeAfterFen: 91_666,
    severeCause: 'already-below',
  });

  it('pushed below by medical costs: P1 因病致贫', async () => {
    const hh = newHousehold();
    await h.handled(await h.publish(RiskFlagged, { ...riskFlag(hh, 'severe'), severeCause: 'pushed-below' }));
    const [alert] = await alertsOf(hh);
    expect(alert?.priority).toBe('P1');
    expect(alert?.reasons.map((r) => r.code)).toContain('INCOME_AFTER_OOP_BELOW_DIBAO');
  });

  it('already below and receiving dibao: P2 medical-assistance follow-up', async () => {
    const hh = newHousehold();
    await h.publish(EnrolmentGapsChanged, gaps(hh, [], ['dibao']));
    await waitUntil(
      async () =>
        (await h.env.pool.query('select 1 from household_programmes where household_id = $1', [hh]))
          .rowCount === 1,
      'the enrolment is known',
    );
    await h.handled(await h.publish(RiskFlagged, belowLine(hh)));
    const [alert] = await alertsOf(hh);
    expect(alert?.priority).toBe('P2');
    expect(alert?.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['INCOME_ALREADY_BELOW_DIBAO', 'ASSISTED_MEDICAL_FOLLOW_UP']),
    );
  });

  it('already below and not assisted: P1 with the eligibility gap; an enrolment arriving after takes that reason back', async () => {
    const hh = newHousehold();
    await h.handled(await h.publish(RiskFlagged, belowLine(hh)));
    const [alert] = await alertsOf(hh);
    expect(alert?.priority).toBe('P1');
    expect(alert?.reasons.map((r) => r.code)).toContain('BELOW_DIBAO_NOT_ASSISTED');
    await h.publish(EnrolmentGapsChanged, gaps(hh, [], ['dibao']));
    const [after] = await until(hh, 'the not-assisted reason withdrawn', (a) =>
      Boolean(a[0]?.reasons.find((r) => r.code === 'BELOW_DIBAO_NOT_ASSISTED')?.withdrawnAt),
    );
    // The medical reasons stay: the alert stays open, its priority never lowered.
    expect(after).toMatchObject({ status: 'open', priority: 'P1' });
    expect((await historyOf(after?.id ?? '')).at(-1)?.detail.summary).toBe(
      '救助系统显示该户已享受低保或特困供养，转为跟进医疗救助',
    );
  });
});

describe('a household eligibility cannot decide', () => {
  const decided = (householdId: string, missing: ('income' | 'assets')[]): EligibilityDecided => ({
    ...EligibilityDecided.example,
    decisionId: `ED-${randomUUID().slice(0, 8)}`,
    householdId,
    communityCode: CHANGSHENG,
    programmes: [
      missing.length > 0
        ? { programme: 'dibao', eligible: false, status: 'needs_review', missing, reasons: [] }
        : { programme: 'dibao', eligible: false, status: 'ineligible', reasons: ['INCOME_BELOW_STANDARD'] },
    ],
    decidedAt: h.clock.at.toISOString(),
  });
  const pending = async (hh: string) =>
    (await h.env.pool.query('select 1 from data_missing where household_id = $1', [hh])).rowCount === 1;

  async function afterGrace<T>(run: () => Promise<T>): Promise<T> {
    const start = h.clock.at;
    try {
      h.clock.at = new Date(start.getTime() + 73 * 3_600_000);
      // Every job due by then (other alerts' SLA clocks too), until none is left.
      for (let i = 0; i < 500 && (await h.scheduler.runOnce()); i++);
      return await run();
    } finally {
      h.clock.at = start;
    }
  }

  it('becomes a P4 数据缺失 alert only when the income is still missing after the grace; the income closes it', async () => {
    const hh = newHousehold();
    await h.publish(EligibilityDecided, decided(hh, ['income']));
    await waitUntil(() => pending(hh), 'the missing income is noted');
    expect(await alertsOf(hh)).toEqual([]);
    await afterGrace(async () => undefined);
    const [alert] = await alertsOf(hh);
    expect(alert).toMatchObject({ type: 'data-missing', priority: 'P4', status: 'open' });
    expect(alert?.reasons[0]?.summary).toBe('缺少家庭收入申报，低保资格无法判定，需核实补报');
    await h.publish(EligibilityDecided, decided(hh, []));
    const [closed] = await until(hh, 'the alert closes', (a) => a[0]?.status === 'resolved');
    expect(closed?.outcome).toBe('cause-withdrawn');
  });

  it('a fact that arrives within the grace leaves nobody a case', async () => {
    const hh = newHousehold();
    await h.publish(EligibilityDecided, decided(hh, ['income', 'assets']));
    await waitUntil(() => pending(hh), 'the missing facts are noted');
    await h.publish(EligibilityDecided, decided(hh, []));
    await waitUntil(async () => !(await pending(hh)), 'the facts arrived');
    await afterGrace(async () => undefined);
    expect(await alertsOf(hh)).toEqual([]);
  });
});

describe('rules versions stored before the new signals', () => {
  it('gain a next version with the new signals’ defaults; the stored ones stay as they were', async () => {
    const older = {
      types: defaultRuleSet.types,
      rules: defaultRuleSet.rules.filter((r) => r.signal !== 'disability.certified-severe-mental'),
    };
    const version = await addPolicyVersion(h.env.pool, 'rules', older, 'u-admin', '旧版', h.clock.at);
    const next = await appendRulesForNewSignals(h.env.pool, h.clock.at);
    expect(next).toBe(version + 1);
    const current = await currentPolicy<typeof defaultRuleSet>(h.env.pool, 'rules');
    expect(current?.body.rules.find((r) => r.signal === 'disability.certified-severe-mental')).toEqual({
      signal: 'disability.certified-severe-mental',
      type: 'severe-disability',
      priority: 'P2',
    });
    expect(await appendRulesForNewSignals(h.env.pool, h.clock.at)).toBeUndefined();
    h.app.desk.reloadPolicies();
  });
});
