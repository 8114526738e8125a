import { pageText } from '@huimin/pdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scorecard } from '../src/scorecard.ts';
import type { RecordedFact } from '../src/store/fact-store.ts';
import { type Harness, startHarness } from './harness.ts';

const LOUDONG = '320585001';
const LUDU = '320585002';

let h: Harness;
const tokens: Record<string, string> = {};

async function call(who: string, method: 'GET' | 'POST', url: string, payload?: object) {
  return h.app.server.inject({
    method,
    url,
    headers: { authorization: `Bearer ${tokens[who]}` },
    ...(payload ? { payload } : {}),
  });
}

beforeAll(async () => {
  h = await startHarness('scorecard_facts', new Date('2026-04-10T02:00:00.000Z'));
  tokens.admin = await h.token({ userId: 'u-admin', role: 'bureau-admin', jurisdictions: ['320585'] });
  tokens.leader = await h.token({ userId: 'u-leader', role: 'bureau-leader', jurisdictions: ['320585'] });
  tokens.supervisor = await h.token({
    userId: 'u-supervisor-loudong',
    role: 'town-supervisor',
    jurisdictions: [LOUDONG],
  });
  tokens.handler = await h.token({
    userId: 'u-handler',
    role: 'case-handler',
    jurisdictions: ['320585001001'],
  });
  tokens.auditor = await h.token({ userId: 'u-auditor', role: 'auditor', jurisdictions: ['320585'] });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('recorded indicators', () => {
  it('records a dated fact with its source document and reads it back with who recorded it and when', async () => {
    h.clock.at = new Date('2026-04-10T02:00:00.000Z');
    const first = await call('admin', 'POST', '/v1/scorecard/facts', {
      indicator: 8,
      asOf: '2026-02-15',
      value: 5,
      sourceDocument: '太民发〔2026〕3号',
      note: '璜泾、沙溪、浏河升级完成',
    });
    expect(first.statusCode).toBe(201);
    // A correction for the same date, recorded later: it is in force, the first stays visible.
    h.clock.at = new Date('2026-04-10T03:00:00.000Z');
    const correction = await call('admin', 'POST', '/v1/scorecard/facts', {
      indicator: 8,
      asOf: '2026-02-15',
      value: 6,
      sourceDocument: '太民发〔2026〕5号',
    });
    expect(correction.statusCode).toBe(201);
    const town = await call('admin', 'POST', '/v1/scorecard/facts', {
      indicator: 9,
      townCode: LUDU,
      asOf: '2026-03-01',
      value: 1,
      sourceDocument: '太民发〔2026〕7号',
    });
    expect(town.statusCode).toBe(201);

    const listed = await call('leader', 'GET', '/v1/scorecard/facts?indicator=8');
    expect(listed.statusCode).toBe(200);
    const facts = (listed.json() as { facts: RecordedFact[] }).facts;
    expect(facts.map((f) => [f.value, f.sourceDocument, f.recordedBy, f.recordedAt])).toEqual([
      [6, '太民发〔2026〕5号', 'u-admin', '2026-04-10T03:00:00.000Z'],
      [5, '太民发〔2026〕3号', 'u-admin', '2026-04-10T02:00:00.000Z'],
    ]);

    const card = (
      await call('leader', 'GET', '/v1/scorecard?month=2026-03&from=2026-01')
    ).json() as Scorecard;
    const eight = card.indicators.find((i) => i.number === 8);
    // 2 in 2020, 9 by the end of 2025: in March 2026 the line asks for all 9, so 6 is behind.
    expect(eight?.measures[0]).toMatchObject({ value: 6, baseline: 2, target: 9, progress: 'behind' });
    expect(eight?.measures[0]?.trend.map((p) => p.value)).toEqual([null, 6, 6]);
    expect(eight?.facts?.[0]).toMatchObject({ recordedBy: 'u-admin', sourceDocument: '太民发〔2026〕5号' });
    const nine = card.indicators.find((i) => i.number === 9);
    expect(nine?.measures[0]?.byTown).toEqual([
      expect.objectContaining({ townCode: LUDU, townName: '陆渡街道', value: 1 }),
    ]);
  });

  it('keeps the facts append-only, even for the service’s own database user', async () => {
    await expect(h.env.pool.query(`update recorded_facts set value = 0`)).rejects.toThrow(/append-only/);
    await expect(h.env.pool.query(`delete from recorded_facts`)).rejects.toThrow(/append-only/);
  });

  it('refuses facts for computed indicators, unknown towns, future dates, percentages over 100', async () => {
    const post = (body: object) => call('admin', 'POST', '/v1/scorecard/facts', body);
    const base = { asOf: '2026-03-01', value: 50, sourceDocument: '太民发〔2026〕9号' };
    const computed = await post({ ...base, indicator: 12 });
    expect(computed.statusCode).toBe(422);
    expect(computed.json()).toMatchObject({ code: 'INDICATOR_IS_COMPUTED' });
    expect((await post({ ...base, indicator: 6, townCode: '999999999' })).json()).toMatchObject({
      code: 'UNKNOWN_TOWN',
    });
    expect((await post({ ...base, indicator: 6, asOf: '2027-01-01' })).statusCode).toBe(400);
    expect((await post({ ...base, indicator: 6, value: 101 })).statusCode).toBe(400);
    expect((await post({ ...base, indicator: 4, measure: 'town' })).json()).toMatchObject({
      code: 'INDICATOR_NOT_FOUND',
    });
    expect((await post({ ...base, indicator: 4, measure: 'village', value: 9.5 })).statusCode).toBe(201);
  });
});

describe('who sees the scorecard', () => {
  it('lets a bureau leader read but not record', async () => {
    expect((await call('leader', 'GET', '/v1/scorecard?month=2026-03')).statusCode).toBe(200);
    const refused = await call('leader', 'POST', '/v1/scorecard/facts', {
      indicator: 8,
      asOf: '2026-03-01',
      value: 7,
      sourceDocument: '太民发〔2026〕11号',
    });
    expect(refused.statusCode).toBe(403);
  });

  it('refuses case handlers (and auditors) everything', async () => {
    for (const who of ['handler', 'auditor']) {
      expect((await call(who, 'GET', '/v1/scorecard?month=2026-03')).statusCode).toBe(403);
      expect((await call(who, 'GET', '/v1/scorecard/facts')).statusCode).toBe(403);
      expect((await call(who, 'GET', '/v1/scorecard.csv?month=2026-03')).statusCode).toBe(403);
    }
  });

  it('shows a town supervisor the county totals and only their own town', async () => {
    await call('admin', 'POST', '/v1/scorecard/facts', {
      indicator: 9,
      townCode: LOUDONG,
      asOf: '2026-03-01',
      value: 1,
      sourceDocument: '太民发〔2026〕8号',
    });
    const leaderView = (await call('leader', 'GET', '/v1/scorecard?month=2026-03')).json() as Scorecard;
    const supervisorView = (
      await call('supervisor', 'GET', '/v1/scorecard?month=2026-03')
    ).json() as Scorecard;
    const nine = (s: Scorecard) => s.indicators.find((i) => i.number === 9)?.measures[0];
    expect(nine(leaderView)?.byTown.map((t) => t.townCode)).toEqual([LOUDONG, LUDU]);
    expect(nine(supervisorView)?.byTown.map((t) => t.townCode)).toEqual([LOUDONG]);
    // Both see the county's total: 1 + 1 recorded town by town.
    expect(nine(supervisorView)?.value).toBe(2);
    expect(nine(leaderView)?.value).toBe(2);
    const supervisorFacts = (await call('supervisor', 'GET', '/v1/scorecard/facts?indicator=9')).json() as {
      facts: RecordedFact[];
    };
    expect(supervisorFacts.facts.map((f) => f.townCode)).toEqual([LOUDONG]);
    // The 1–19 of the county, every time.
    expect(supervisorView.indicators).toHaveLength(19);
  });
});

describe('exports', () => {
  it('gives the month as CSV, one row per measure and town', async () => {
    const res = await call('leader', 'GET', '/v1/scorecard.csv?month=2026-03');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('月份,序号,指标,分项,属性,范围,数值,分子,分母,2020年基数,2025年目标,进度');
    expect(lines).toContain('2026-03,8,提档升级的镇级儿童“关爱之家”,,约束性,全市,6,,,2,9,滞后');
    expect(lines).toContain('2026-03,9,镇级殡仪服务中心,,预期性,陆渡街道,1,,,,,');
  });

  it('prints the month as a Chinese PDF with the font embedded', async () => {
    const res = await call('leader', 'GET', '/v1/scorecard.pdf?month=2026-03');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = pageText(res.rawPayload);
    expect(text).toContain('民政事业发展规划主要指标完成情况');
    expect(text).toContain('提档升级的镇级儿童');
  });
});
