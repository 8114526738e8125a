import { randomUUID } from 'node:crypto';
import { taicang } from '@huimin/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Charity, startCharity } from './harness.ts';

// The public disclosure: each fund's monthly income, spending, balance and households helped,
// reachable without a token; donors named only with their consent; no beneficiary's data at all.

let charity: Charity;
// A household of 南郊社区, which has no community fund of its own (so its code and name appear nowhere).
const householdId = 'HH-320585100003-0107';
const community = '320585100003';
const reason = '户主患尿毒症长期透析，家庭无稳定收入';

beforeAll(async () => {
  charity = await startCharity({ name: 'charity_disc' });
  const donate = (payload: Record<string, unknown>) =>
    charity.app.server.inject({
      method: 'POST',
      url: '/v1/donations',
      headers: { ...bearer(charity.tokens.approver), 'idempotency-key': randomUUID() },
      payload: { fundId: 'fund-320585100', channel: 'bank-transfer', ...payload },
    });
  await donate({
    amountFen: 500_000,
    donor: { kind: 'organisation', name: '太仓港某物流有限公司', publishName: true },
  });
  await donate({ amountFen: 30_000, donor: { kind: 'person', name: '李秀英', publishName: true } });
  await donate({ amountFen: 20_000, donor: { kind: 'person', name: '王不愿具名', publishName: false } });
  await donate({ amountFen: 10_000, donor: { kind: 'anonymous', publishName: false } });

  await charity.registerHousehold(householdId, community);
  const applied = await charity.app.server.inject({
    method: 'POST',
    url: '/v1/disbursements',
    headers: bearer(charity.tokens.approver),
    payload: {
      fundId: 'fund-320585100',
      householdId,
      purpose: 'medical',
      amountFen: 200_000,
      reason,
    },
  });
  const { disbursementId } = applied.json<{ disbursementId: string }>();
  for (const [step, token] of [
    ['approval', charity.tokens.approver2],
    ['payment', charity.tokens.approver],
  ] as const) {
    const res = await charity.app.server.inject({
      method: 'POST',
      url: `/v1/disbursements/${disbursementId}/${step}`,
      headers: bearer(token),
    });
    expect(res.statusCode).toBe(200);
  }
});
afterAll(async () => {
  await charity?.close();
});

describe('the disclosure', () => {
  it('shows each fund’s month: income, spending, balance and households helped, without a token', async () => {
    const res = await charity.app.server.inject({ method: 'GET', url: '/public/v1/disclosure' });
    expect(res.statusCode).toBe(200);
    const disclosure = res.json();
    const chengxiang = disclosure.funds.find((f: { fundId: string }) => f.fundId === 'fund-320585100');
    const thisMonth = chengxiang.months.at(-1);
    expect(thisMonth).toEqual({
      month: expect.stringMatching(/^\d{4}-\d{2}$/),
      incomeFen: 560_000,
      spendingFen: 200_000,
      balanceFen: 360_000,
      householdsHelped: 1,
    });
    expect(chengxiang).toMatchObject({
      name: '城厢镇慈善分会',
      closingBalanceFen: 360_000,
      householdsHelped: 1,
      spendingByPurpose: [{ purpose: 'medical', label: '医疗救助', amountFen: 200_000 }],
    });
    expect(disclosure.funds).toHaveLength(18);
  });

  it('names donors only with their consent', async () => {
    const disclosure = (
      await charity.app.server.inject({ method: 'GET', url: '/public/v1/disclosure' })
    ).json();
    const chengxiang = disclosure.funds.find((f: { fundId: string }) => f.fundId === 'fund-320585100');
    expect(chengxiang.donors).toEqual({
      named: [
        { name: '太仓港某物流有限公司', amountFen: 500_000, donations: 1 },
        { name: '李秀英', amountFen: 30_000, donations: 1 },
      ],
      others: { amountFen: 30_000, donations: 2 },
    });
    expect(JSON.stringify(disclosure)).not.toContain('王不愿具名');
  });

  it('never shows a beneficiary’s household, community or circumstances, in the JSON or on the page', async () => {
    const json = (await charity.app.server.inject({ method: 'GET', url: '/public/v1/disclosure' })).body;
    const page = await charity.app.server.inject({ method: 'GET', url: '/public/disclosure' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    for (const text of [json, page.body]) {
      expect(text).not.toContain(householdId);
      expect(text).not.toContain('0107');
      expect(text).not.toContain(reason);
      expect(text).not.toContain(community);
      expect(text).not.toContain(taicang.nameOf(community));
      expect(text).not.toContain('王不愿具名');
    }
  });

  it('is a zh-CN page with the fund’s figures in yuan and the consenting donors', async () => {
    const page = (await charity.app.server.inject({ method: 'GET', url: '/public/disclosure' })).body;
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('<h2>城厢镇慈善分会</h2>');
    expect(page).toContain('当前余额 3,600.00 元');
    expect(page).toContain('太仓港某物流有限公司：5,000.00 元（1 笔）');
    expect(page).toContain('其他爱心人士：300.00 元（2 笔）');
    expect(page).toContain('医疗救助：2,000.00 元');
  });

  it('refuses a year that has not begun', async () => {
    const res = await charity.app.server.inject({ method: 'GET', url: '/public/v1/disclosure?year=2099' });
    expect(res.statusCode).toBe(400);
  });
});

describe('the funds', () => {
  it('are the county federation, a charity association per town and nine community funds', async () => {
    const { funds } = (await charity.app.server.inject({ method: 'GET', url: '/public/v1/funds' })).json();
    const kinds = funds.map((f: { kind: string }) => f.kind);
    expect(kinds.filter((k: string) => k === 'county-federation')).toHaveLength(1);
    expect(kinds.filter((k: string) => k === 'town-association')).toHaveLength(8);
    expect(kinds.filter((k: string) => k === 'community-fund')).toHaveLength(9);
    expect(funds.find((f: { fundId: string }) => f.fundId === 'fund-320585')?.name).toBe('太仓市慈善总会');
  });
});
