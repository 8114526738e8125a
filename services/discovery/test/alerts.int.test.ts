import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CheckOnMissed,
  DisabilityCertified,
  discoveryAlertStream,
  EnrolmentGapsChanged,
  HouseholdRegistered,
  RiskFlagged,
  syntheticResidentId,
} from '@huimin/contracts';
import { createMetricsRegistry } from '@huimin/kit';
import { withTransaction } from '@huimin/pg';
import { readRecords, waitUntil } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_ACKNOWLEDGE } from '../src/alert-desk.ts';
import { createApp } from '../src/app.ts';
import { createRosterClient } from '../src/roster.ts';
import {
  bearer,
  CHANGSHENG,
  FUNAN,
  type Harness,
  LUDU_COMMUNITY,
  riskFlag,
  startHarness,
} from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('discovery_alerts');
}, 90_000);

afterAll(async () => {
  await h?.close();
});

const HOUR = 3_600_000;
const newHousehold = () => `HH-${randomUUID().slice(0, 8)}`;

async function alertsOf(householdId: string) {
  const { rows } = await h.env.pool.query(
    'select id, type, priority, status, assignee_user_id, acknowledge_due_at, reasons from alerts where household_id = $1 order by id',
    [householdId],
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

describe('signals become alerts', () => {
  it('opens a P1 alert for a severe risk flag, explains it in Chinese, routes it, and publishes AlertOpened', async () => {
    const hh = newHousehold();
    const eventId = await h.publish(RiskFlagged, riskFlag(hh, 'severe'));
    await h.handled(eventId);
    const [alert, ...rest] = await alertsOf(hh);
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({ type: 'medical-hardship', priority: 'P1', status: 'open' });
    expect(['u-li', 'u-wang']).toContain(alert.assignee_user_id);
    expect(alert.acknowledge_due_at.getTime() - h.clock.at.getTime()).toBeLessThanOrEqual(2 * HOUR);
    expect(alert.reasons.map((r: { summary: string }) => r.summary)).toEqual([
      '近12个月自付医疗费用 19,000 元，占家庭年收入 45.1%，超过 25% 标准',
      '近12个月自付医疗费用 19,000 元，占家庭支付能力 422.2%，达到 40% 标准',
      '扣除医疗自付后人均月收入 642.22 元，低于低保标准 1,045 元（自付前 1,170 元，因病跌破低保线）',
    ]);
    const records = await readRecords(h.env.kafka, discoveryAlertStream.name, {
      count: 1,
      timeoutMs: 20_000,
    });
    const opened = (await readRecords(h.env.kafka, discoveryAlertStream.name, { timeoutMs: 20_000 })).find(
      (r) => r.key === alert.id,
    );
    expect(records.length).toBeGreaterThan(0);
    expect(opened?.headers.ce_type).toBe('huimin.alert.raised.v2');
    expect(JSON.parse(opened?.value ?? '{}')).toMatchObject({
      alertId: alert.id,
      householdId: hh,
      communityCode: CHANGSHENG,
      townCode: '320585001',
      priority: 'P1',
      title: '因病致贫风险',
      assigneeUserId: alert.assignee_user_id,
      routedBy: 'roster',
    });
  });

  it('merges a later flag into the open alert, raising the priority and shortening the clock, never a twin', async () => {
    const hh = newHousehold();
    await h.handled(await h.publish(RiskFlagged, riskFlag(hh, 'watch')));
    const [before] = await alertsOf(hh);
    expect(before).toMatchObject({ priority: 'P3' });
    await h.handled(await h.publish(RiskFlagged, riskFlag(hh, 'severe')));
    const after = await alertsOf(hh);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: before.id, priority: 'P1' });
    expect(after[0].acknowledge_due_at.getTime()).toBeLessThan(before.acknowledge_due_at.getTime());
    expect(after[0].reasons.map((r: { code: string }) => r.code)).toEqual([
      'OOP_OVER_WATCH_SHARE',
      'OOP_OVER_CATASTROPHIC_SHARE',
      'OOP_OVER_CAPACITY_TO_PAY',
      'INCOME_AFTER_OOP_BELOW_DIBAO',
    ]);
    const { rows } = await h.env.pool.query(
      'select action from alert_history where alert_id = $1 order by id',
      [before.id],
    );
    expect(rows.map((r) => r.action)).toEqual(['raised', 'assigned', 'evidence-added']);
  });

  it('handles the same event twice as once', async () => {
    const hh = newHousehold();
    const flag = riskFlag(hh, 'catastrophic');
    const id = randomUUID();
    await h.publisher.publish(RiskFlagged, flag, { source: '/huimin/test', id });
    await h.publisher.publish(RiskFlagged, flag, { source: '/huimin/test', id });
    const marker = await h.publish(RiskFlagged, riskFlag(newHousehold(), 'watch', FUNAN));
    await h.handled(id);
    await h.handled(marker);
    const alerts = await alertsOf(hh);
    expect(alerts).toHaveLength(1);
    const { rows } = await h.env.pool.query(
      'select count(*)::int as n from alert_history where alert_id = $1',
      [alerts[0].id],
    );
    expect(rows[0].n).toBe(2); // raised, assigned
  });

  it('opens one alert when two replicas handle two signals for one household at the same moment', async () => {
    const other = await h.replica();
    for (let i = 0; i < 10; i++) {
      const hh = newHousehold();
      await Promise.all(
        [h.app, other].map((app, n) =>
          withTransaction(h.env.pool, (client) =>
            app.desk.handleSignal(client, {
              eventId: `race-${hh}-${n}`,
              eventType: RiskFlagged.type,
              code: n === 0 ? 'risk.catastrophic' : 'risk.severe',
              householdId: hh,
              communityCode: CHANGSHENG,
              reasons: [{ code: 'TEST', summary: `信号 ${n}` }],
            }),
          ),
        ),
      );
      const alerts = await alertsOf(hh);
      expect(alerts).toHaveLength(1);
      expect(alerts[0].priority).toBe('P1');
    }
  });

  it('places a disability certificate through the household feed, parking it until the person is known', async () => {
    const hh = newHousehold();
    const rid = syntheticResidentId({
      seq: Math.floor(Math.random() * 500),
      birthDate: `19${10 + Math.floor(Math.random() * 80)}-03-04`,
      sex: 'male',
    });
    const cert = await h.publish(DisabilityCertified, {
      residentId: rid,
      businessDate: '2026-11-20',
      grade: 1,
      category: 'physical',
      certificateNo: `${rid}41`,
    });
    await waitParked(cert);
    expect(await alertsOf(hh)).toEqual([]);
    const reg = await h.publish(HouseholdRegistered, {
      householdId: hh,
      businessDate: '2026-11-21',
      townCode: '320585001',
      communityCode: CHANGSHENG,
      address: { text: '娄东街道长胜社区1号', lng: 121.1, lat: 31.45 },
      members: [
        {
          residentId: rid,
          name: '测试',
          relationToHead: 'head',
          birthDate: `${rid.slice(6, 10)}-03-04`,
          sex: 'male',
          hukouLocal: true,
          workAbility: 'none',
          inInstitution: false,
        },
      ],
      legalSupporters: [],
    });
    await h.handled(cert);
    void reg;
    const [alert] = await alertsOf(hh);
    expect(alert).toMatchObject({ type: 'severe-disability', priority: 'P2' });
    expect(alert.reasons[0].summary).toBe('家庭成员新认定一级肢体残疾（2026-11-20），可能符合残疾人两项补贴');
  });

  it('turns enrolment gaps and repeated missed check-ons into their alerts', async () => {
    const hh = newHousehold();
    const gaps = await h.publish(EnrolmentGapsChanged, {
      householdId: hh,
      communityCode: CHANGSHENG,
      asOfDate: '2026-11-28',
      decisionId: 'ED-1',
      gaps: [
        {
          programme: 'dibao',
          kind: 'eligible-not-receiving',
          receivingMonthlyFen: 0,
          decidedMonthlyFen: 85_000,
        },
      ],
      detectedAt: new Date().toISOString(),
    });
    const missed = await h.publish(CheckOnMissed, {
      orderId: 'EO-1',
      elderResidentId: syntheticResidentId({ seq: 7, birthDate: '1940-01-01', sex: 'female' }),
      householdId: hh,
      communityCode: CHANGSHENG,
      providerId: 'PV-1',
      scheduledDate: '2026-11-27',
      cutoffAt: new Date().toISOString(),
      consecutiveMisses: 2,
    });
    await h.handled(gaps);
    await h.handled(missed);
    const alerts = await alertsOf(hh);
    expect(alerts.map((a) => [a.type, a.priority, a.reasons[0].summary])).toEqual(
      expect.arrayContaining([
        ['eligible-not-receiving', 'P2', '经筛查符合低保条件，但救助系统中未享受（应享 850 元/月）'],
        ['check-on-missed', 'P1', '独居老人 2026-11-27 日常关爱未完成，已连续 2 天'],
      ]),
    );
  });
});

async function waitParked(eventId: string) {
  for (let i = 0; i < 200; i++) {
    const { rows } = await h.env.pool.query('select 1 from parked_signals where event_id = $1', [eventId]);
    if (rows.length > 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the certificate was not parked');
}

describe('routing', () => {
  it('gives each new alert to the least loaded handler, round robin among equals', async () => {
    const { rows: before } = await h.env.pool.query(
      `select assignee_user_id, count(*)::int as n from alerts where community_code = $1 and status in ('open','acknowledged','visiting') group by 1`,
      [CHANGSHENG],
    );
    const load = new Map(before.map((r) => [r.assignee_user_id, r.n]));
    const picks: string[] = [];
    for (let i = 0; i < 4; i++) {
      const hh = newHousehold();
      await withTransaction(h.env.pool, (client) =>
        h.app.desk.handleSignal(client, {
          eventId: `rr-${hh}`,
          eventType: 'test',
          code: 'department.unemployment',
          householdId: hh,
          communityCode: CHANGSHENG,
          reasons: [{ code: 'T', summary: '测试' }],
        }),
      );
      picks.push((await alertsOf(hh))[0].assignee_user_id);
    }
    // Whoever had fewer gets alerts until they are level, then they alternate.
    const li = (load.get('u-li') ?? 0) + picks.filter((p) => p === 'u-li').length;
    const wang = (load.get('u-wang') ?? 0) + picks.filter((p) => p === 'u-wang').length;
    expect(Math.abs(li - wang)).toBeLessThanOrEqual(
      Math.max(1, Math.abs((load.get('u-li') ?? 0) - (load.get('u-wang') ?? 0)) - 4),
    );
    const levelled = picks.slice(-2);
    if (Math.abs((load.get('u-li') ?? 0) - (load.get('u-wang') ?? 0)) <= 2)
      expect(new Set(levelled).size).toBe(2);
  });

  it('routes to the delegate while a handler is on leave, and to the supervisor where nobody is rostered', async () => {
    await h.identity.app.rosters.replaceRoster(FUNAN, ['u-zhou'], 'u-sup', h.identity.clock.now);
    await h.identity.app.rosters.addLeave(
      {
        id: `LV-${randomUUID()}`,
        userId: 'u-zhou',
        delegateId: 'u-li',
        startsAt: new Date(Date.now() - HOUR),
        endsAt: new Date(Date.now() + 24 * HOUR),
        createdBy: 'u-sup',
      },
      h.identity.clock.now,
      () => undefined,
    );
    const hh = newHousehold();
    await h.handled(await h.publish(RiskFlagged, riskFlag(hh, 'catastrophic', FUNAN)));
    const { rows } = await h.env.pool.query(
      'select id, assignee_user_id, on_behalf_of from alerts where household_id = $1',
      [hh],
    );
    expect(rows[0]).toMatchObject({ assignee_user_id: 'u-li', on_behalf_of: 'u-zhou' });

    const xinhua = '320585001003';
    const hh2 = newHousehold();
    await h.handled(await h.publish(RiskFlagged, riskFlag(hh2, 'catastrophic', xinhua)));
    const { rows: r2 } = await h.env.pool.query(
      'select id, assignee_user_id from alerts where household_id = $1',
      [hh2],
    );
    expect(r2[0].assignee_user_id).toBe('u-sup');
    // The opening events say how each was chosen (the scorecard's #1 reads it).
    const stream = await readRecords(h.env.kafka, discoveryAlertStream.name, { timeoutMs: 20_000 });
    const routedBy = (id: string) => {
      const opened = stream.find((r) => r.key === id && r.headers.ce_type === 'huimin.alert.raised.v2');
      return (JSON.parse(opened?.value ?? '{}') as { routedBy?: string }).routedBy;
    };
    expect(routedBy(rows[0].id)).toBe('delegate');
    expect(routedBy(r2[0].id)).toBe('supervisors');
  });
});

describe('routing while identity is down', () => {
  it('opens the alert unassigned, then routes it when identity answers again', async () => {
    const down = await createApp({
      logger: h.env.logger,
      registry: createMetricsRegistry({ service: 'discovery' }),
      pool: h.env.pool,
      verifier: h.identity.remoteVerifier(),
      roster: createRosterClient({
        identityUrl: 'http://127.0.0.1:9',
        tokens: { token: async () => 'x', headers: async () => ({ authorization: 'Bearer x' }) },
        cacheMs: 0,
        timeoutMs: 300,
      }),
      now: () => h.clock.at,
      household: {
        eligibilityUrl: 'http://127.0.0.1:9',
        riskUrl: 'http://127.0.0.1:9',
        eldercareUrl: 'http://127.0.0.1:9',
        charityUrl: 'http://127.0.0.1:9',
      },
    });
    const hh = newHousehold();
    await withTransaction(h.env.pool, (client) =>
      down.desk.handleSignal(client, {
        eventId: `down-${hh}`,
        eventType: 'test',
        code: 'risk.severe',
        householdId: hh,
        communityCode: CHANGSHENG,
        reasons: [{ code: 'T', summary: '测试' }],
      }),
    );
    await down.close();
    const [alert] = await alertsOf(hh);
    expect(alert).toMatchObject({ status: 'open', assignee_user_id: null });
    const start = h.clock.at;
    try {
      h.clock.at = new Date(start.getTime() + 31_000);
      while (await h.scheduler.runOnce()) {}
    } finally {
      h.clock.at = start;
    }
    const [routed] = await alertsOf(hh);
    expect(['u-li', 'u-wang']).toContain(routed.assignee_user_id);
    await outboxDrained();
    const assigned = (
      await readRecords(h.env.kafka, discoveryAlertStream.name, { timeoutMs: 20_000 })
    ).filter((r) => r.key === alert.id && r.headers.ce_type === 'huimin.alert.assigned.v1');
    expect(assigned.map((r) => JSON.parse(r.value))).toEqual([
      expect.objectContaining({ assigneeUserId: routed.assignee_user_id, reason: 'routed', by: 'system' }),
    ]);
  });
});

describe('SLA', () => {
  it('escalates an unacknowledged alert to the town supervisor exactly once, even with two schedulers', async () => {
    const hh = newHousehold();
    await h.handled(await h.publish(RiskFlagged, riskFlag(hh, 'severe')));
    const [alert] = await alertsOf(hh);
    const start = h.clock.at;
    try {
      h.clock.at = new Date(alert.acknowledge_due_at.getTime() + 1000);
      const { createScheduler } = await import('@huimin/pg');
      const second = createScheduler({
        pool: h.env.pool,
        owner: 'test-2',
        handlers: h.app.desk.jobs,
        now: () => h.clock.at,
        logger: h.env.logger,
      });
      for (let i = 0; i < 20; i++) await Promise.all([h.scheduler.runOnce(), second.runOnce()]);
    } finally {
      h.clock.at = start;
    }
    const { rows } = await h.env.pool.query(
      `select action, detail from alert_history where alert_id = $1 and action = 'sla-breached'`,
      [alert.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].detail).toMatchObject({ clock: 'acknowledge', escalatedTo: ['u-sup'] });
    await outboxDrained();
    const escalations = (
      await readRecords(h.env.kafka, discoveryAlertStream.name, { timeoutMs: 20_000 })
    ).filter((r) => r.key === alert.id && r.headers.ce_type === 'huimin.alert.escalated.v2');
    expect(escalations).toHaveLength(1);
    expect(JSON.parse(escalations[0]?.value ?? '{}')).toMatchObject({
      clock: 'acknowledge',
      escalatedTo: { role: 'town-supervisor', townCode: '320585001', userIds: ['u-sup'] },
    });
  });

  it('does not escalate an alert acknowledged in time', async () => {
    const hh = newHousehold();
    await h.handled(await h.publish(RiskFlagged, riskFlag(hh, 'severe')));
    const [alert] = await alertsOf(hh);
    const res = await api('POST', `/v1/alerts/${alert.id}/acknowledge`, 'handler.li');
    expect(res.statusCode).toBe(200);
    const { rows: jobs } = await h.env.pool.query(
      'select 1 from scheduled_jobs where kind = $1 and key = $2',
      [JOB_ACKNOWLEDGE, alert.id],
    );
    expect(jobs).toEqual([]);
    const start = h.clock.at;
    try {
      h.clock.at = new Date(alert.acknowledge_due_at.getTime() + 1000);
      while (await h.scheduler.runOnce()) {}
    } finally {
      h.clock.at = start;
    }
    const { rows } = await h.env.pool.query(
      `select 1 from alert_history where alert_id = $1 and action = 'sla-breached'`,
      [alert.id],
    );
    expect(rows).toEqual([]);
  });
});

describe('working an alert', () => {
  it('acknowledge, visit, note with a photo, resolve: each step in the history with its actor', async () => {
    const hh = newHousehold();
    await h.handled(await h.publish(RiskFlagged, riskFlag(hh, 'catastrophic')));
    const [{ id }] = await alertsOf(hh);
    expect((await api('POST', `/v1/alerts/${id}/acknowledge`, 'handler.wang')).json()).toMatchObject({
      status: 'acknowledged',
    });
    expect((await api('POST', `/v1/alerts/${id}/acknowledge`, 'handler.wang')).json()).toMatchObject({
      code: 'INVALID_STATE',
    });
    expect((await api('POST', `/v1/alerts/${id}/visit`, 'handler.wang')).json()).toMatchObject({
      status: 'visiting',
    });
    // Real photos as a phone sends them: EXIF and XMP with the GPS position where they were taken.
    const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
    const png = fixture('visit-gps.png');
    const jpeg = fixture('visit-gps.jpg');
    const note = await api('POST', `/v1/alerts/${id}/notes`, 'handler.wang', {
      body: '已入户，家中老人住院，协助申请临时救助。',
      attachments: [
        { contentType: 'image/png', dataBase64: png.toString('base64') },
        { contentType: 'image/jpeg', dataBase64: jpeg.toString('base64') },
      ],
    });
    expect(note.statusCode).toBe(201);
    const fake = await api('POST', `/v1/alerts/${id}/notes`, 'handler.wang', {
      body: '假图片',
      attachments: [{ contentType: 'image/jpeg', dataBase64: png.toString('base64') }],
    });
    expect([fake.statusCode, fake.json().code]).toEqual([422, 'INVALID_ATTACHMENT']);
    const broken = await api('POST', `/v1/alerts/${id}/notes`, 'handler.wang', {
      body: '残缺图片',
      attachments: [{ contentType: 'image/png', dataBase64: png.subarray(0, 60).toString('base64') }],
    });
    expect([broken.statusCode, broken.json().code]).toEqual([422, 'INVALID_ATTACHMENT']);
    const photo = (position: number) =>
      api('GET', `/v1/alerts/${id}/notes/${note.json().noteId}/attachments/${position}`, 'handler.li');
    const served = [await photo(1), await photo(2)];
    for (const res of served) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      for (const trace of ['GPS', 'ns.adobe.com', '31,27'])
        expect(res.rawPayload.includes(Buffer.from(trace, 'latin1'))).toBe(false);
    }
    expect(served[0]?.headers['content-type']).toBe('image/png');
    expect(served[0]?.rawPayload.equals(fixture('visit.png'))).toBe(true);
    expect(served[1]?.headers['content-type']).toBe('image/jpeg');
    expect(served[1]?.rawPayload.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    const stored = await h.env.pool.query('select bytes from alert_attachments where note_id = $1', [
      note.json().noteId,
    ]);
    for (const row of stored.rows) expect((row.bytes as Buffer).includes(Buffer.from('GPS'))).toBe(false);
    expect(
      (
        await api('POST', `/v1/alerts/${id}/resolve`, 'handler.wang', { outcome: 'temporary-assistance' })
      ).json(),
    ).toMatchObject({
      status: 'resolved',
      outcome: 'temporary-assistance',
    });
    const detail = (await api('GET', `/v1/alerts/${id}`, 'handler.li')).json();
    expect(detail.history.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ['raised', 'system'],
      ['assigned', 'system'],
      ['acknowledged', 'u-wang'],
      ['visit-started', 'u-wang'],
      ['note-added', 'u-wang'],
      ['resolved', 'u-wang'],
    ]);
    expect(detail.notes).toMatchObject([
      {
        body: '已入户，家中老人住院，协助申请临时救助。',
        attachments: [
          { position: 1, contentType: 'image/png' },
          { position: 2, contentType: 'image/jpeg' },
        ],
      },
    ]);
  });

  it('a dismissal suppresses the same type for the household unless the priority rises', async () => {
    const hh = newHousehold();
    await h.handled(await h.publish(RiskFlagged, riskFlag(hh, 'catastrophic')));
    const [{ id }] = await alertsOf(hh);
    const res = await api('POST', `/v1/alerts/${id}/dismiss`, 'handler.li', {
      reasonCode: 'already-assisted',
      note: '已在临时救助中',
    });
    expect(res.json()).toMatchObject({ status: 'dismissed', dismissReason: 'already-assisted' });
    await h.handled(await h.publish(RiskFlagged, riskFlag(hh, 'catastrophic')));
    expect((await alertsOf(hh)).map((a) => a.status)).toEqual(['dismissed']);
    await h.handled(await h.publish(RiskFlagged, riskFlag(hh, 'severe')));
    expect((await alertsOf(hh)).map((a) => [a.status, a.priority])).toEqual([
      ['dismissed', 'P2'],
      ['open', 'P1'],
    ]);
  });

  it('opens an alert by hand for a walk-in, in the handler’s own community only', async () => {
    const hh = newHousehold();
    const res = await api('POST', '/v1/alerts', 'handler.li', {
      householdId: hh,
      communityCode: CHANGSHENG,
      channel: 'walk-in',
      summary: '居民来访，反映家中无收入来源',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ type: 'walk-in', priority: 'P3', origin: 'manual', householdId: hh });
    const outside = await api('POST', '/v1/alerts', 'handler.li', {
      householdId: newHousehold(),
      communityCode: LUDU_COMMUNITY,
      channel: 'hotline',
      summary: '热线来电',
    });
    expect([outside.statusCode, outside.json().code]).toEqual([422, 'INVALID_ALERT']);
  });

  it('lets nobody set what the desk decides: status, number, assignee, clocks and origin sent with a new alert or an action change nothing', async () => {
    const hh = newHousehold();
    const res = await api('POST', '/v1/alerts', 'handler.li', {
      householdId: hh,
      communityCode: CHANGSHENG,
      channel: 'hotline',
      summary: '热线来电，反映家中老人无人照料',
      id: 'ALR-2026-999999',
      status: 'resolved',
      origin: 'signal',
      type: 'medical-hardship',
      assigneeUserId: 'u-zhou',
      townCode: '320585002',
      acknowledgeDueAt: '2099-01-01T00:00:00Z',
      outcome: 'temporary-assistance',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ type: 'hotline', origin: 'manual', status: 'open', householdId: hh });
    const [alert, ...twins] = await alertsOf(hh);
    expect(twins).toEqual([]);
    expect(alert.id).not.toBe('ALR-2026-999999');
    expect(alert).toMatchObject({ type: 'hotline', status: 'open' });
    expect(['u-li', 'u-wang']).toContain(alert.assignee_user_id);
    expect(alert.acknowledge_due_at.getFullYear()).toBeLessThan(2099);
    const { rows } = await h.env.pool.query('select town_code from alerts where id = $1', [alert.id]);
    expect(rows[0].town_code).toBe('320585001');

    const acked = await api('POST', `/v1/alerts/${alert.id}/acknowledge`, 'handler.li', {
      status: 'resolved',
      assigneeUserId: 'u-zhou',
    });
    expect(acked.statusCode).toBe(200);
    expect((await alertsOf(hh)).map((a) => [a.status, a.assignee_user_id])).toEqual([
      ['acknowledged', alert.assignee_user_id],
    ]);
  });

  it('lets a supervisor reassign to a handler of the community, and nobody else', async () => {
    const hh = newHousehold();
    await h.handled(await h.publish(RiskFlagged, riskFlag(hh, 'catastrophic')));
    const [{ id }] = await alertsOf(hh);
    expect(
      (await api('POST', `/v1/alerts/${id}/reassign`, 'handler.li', { userId: 'u-wang' })).statusCode,
    ).toBe(403);
    const wrong = await api('POST', `/v1/alerts/${id}/reassign`, 'supervisor.loudong', { userId: 'u-zhou' });
    expect([wrong.statusCode, wrong.json().code]).toEqual([422, 'INVALID_ASSIGNEE']);
    const ok = await api('POST', `/v1/alerts/${id}/reassign`, 'supervisor.loudong', { userId: 'u-wang' });
    expect(ok.json()).toMatchObject({ assigneeUserId: 'u-wang' });
  });
});

describe('lists, statistics, export, policies', () => {
  it('pages with a cursor without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await api(
        'GET',
        `/v1/alerts?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        'supervisor.loudong',
      );
      const body = res.json();
      seen.push(...body.alerts.map((a: { id: string }) => a.id));
      cursor = body.next;
    } while (cursor);
    const { rows } = await h.env.pool.query(
      `select id from alerts where town_code = '320585001' order by raised_at desc, id desc`,
    );
    expect(seen).toEqual(rows.map((r) => r.id));
  });

  it('counts open alerts and breaches, and exports CSV without resident IDs', async () => {
    const stats = (await api('GET', '/v1/statistics', 'supervisor.loudong')).json();
    const { rows } = await h.env.pool.query(
      `select count(*)::int as n from alerts where town_code = '320585001' and status in ('open','acknowledged','visiting')`,
    );
    expect(Object.values(stats.openByPriority as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(
      rows[0].n,
    );
    expect(stats.slaBreaches.acknowledge).toBeGreaterThanOrEqual(1);
    const csv = await api('GET', '/v1/alerts/export.csv?status=open', 'supervisor.loudong');
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      '编号,类型,优先级,状态,社区,户编号,处理人,发起时间,确认期限,走访期限,确认时间,办结时间,办结结果,超时',
    );
    const { rows: open } = await h.env.pool.query(
      `select count(*)::int as n from alerts where town_code = '320585001' and status = 'open'`,
    );
    expect(lines).toHaveLength(open[0].n + 1);
    expect(csv.body).not.toMatch(/\d{17}[\dX]/);
  });

  it('takes a new rules version from an admin after checking it; alerts then follow it', async () => {
    const current = (await api('GET', '/v1/policies/rules', 'admin')).json().versions[0].body;
    const broken = await api('PUT', '/v1/policies/rules', 'admin', {
      body: { ...current, rules: current.rules.slice(1) },
      note: '缺一条',
    });
    expect([broken.statusCode, broken.json().code]).toEqual([422, 'INVALID_POLICY']);
    expect(
      (await api('PUT', '/v1/policies/rules', 'handler.li', { body: current, note: 'x' })).statusCode,
    ).toBe(403);
    const rules = current.rules.map((r: { signal: string }) =>
      r.signal === 'department.unemployment' ? { ...r, priority: 'P1' } : r,
    );
    const put = await api('PUT', '/v1/policies/rules', 'admin', {
      body: { ...current, rules },
      note: '失业升为P1',
    });
    expect(put.statusCode).toBe(201);
    const hh = newHousehold();
    await withTransaction(h.env.pool, (client) =>
      h.app.desk.handleSignal(client, {
        eventId: `rules-${hh}`,
        eventType: 'test',
        code: 'department.unemployment',
        householdId: hh,
        communityCode: CHANGSHENG,
        reasons: [{ code: 'T', summary: '测试' }],
      }),
    );
    expect((await alertsOf(hh))[0]).toMatchObject({ priority: 'P1' });
    const back = await api('PUT', '/v1/policies/rules', 'admin', { body: current, note: '恢复' });
    expect(back.statusCode).toBe(201);
  });
});

describe('routing load', () => {
  it('keeps each assignee’s live-alert count equal to their live alerts through opening, reassignment and closing', async () => {
    const { rows: kept } = await h.env.pool.query(
      'select user_id, live_alerts from handler_load where live_alerts > 0 order by user_id',
    );
    const { rows: actual } = await h.env.pool.query(
      `select assignee_user_id as user_id, count(*)::int as live_alerts from alerts
        where status in ('open', 'acknowledged', 'visiting') and assignee_user_id is not null
        group by 1 order by 1`,
    );
    expect(actual.length).toBeGreaterThan(2);
    expect(kept).toEqual(actual);
  });
});

/** The relay has published everything discovery wrote (readRecords reads up to the end it sees). */
async function outboxDrained() {
  await waitUntil(async () => {
    const { rows } = await h.env.pool.query<{ n: number }>(
      'select count(*)::int as n from outbox where sent_at is null',
    );
    return rows[0]?.n === 0;
  }, 'the outbox is published');
}
