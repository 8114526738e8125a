import { randomUUID } from 'node:crypto';
import { HouseholdRegistered, HouseholdUpdated, syntheticResidentId } from '@huimin/contracts';
import { createProducer, createPublisher } from '@huimin/kafka';
import { readRecords, waitUntil } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, bookkeeping, type Charity, startCharity } from './harness.ts';

// Help out of a fund: applied for by a case handler, approved by someone else, paid through the
// ledger and announced through the outbox; restricted money only for its purpose; concurrent
// payments never overdraw a fund or a restricted pot.

let charity: Charity;
beforeAll(async () => {
  charity = await startCharity({ name: 'charity_disb', broker: true });
});
afterAll(async () => {
  await charity?.close();
});

const weiyang = '320585100001'; // 伟阳社区, 城厢镇

function householdReport(householdId: string, communityCode: string) {
  return {
    householdId,
    businessDate: '2026-02-15',
    townCode: communityCode.slice(0, 9),
    communityCode,
    address: { text: '城厢镇测试路2号', lng: 121.1, lat: 31.4 },
    members: [
      {
        residentId: syntheticResidentId({ seq: 61, birthDate: '1950-06-01', sex: 'male' }),
        name: '测试',
        relationToHead: 'head' as const,
        birthDate: '1950-06-01',
        sex: 'male' as const,
        hukouLocal: true,
        workAbility: 'none' as const,
        inInstitution: false,
      },
    ],
    legalSupporters: [],
  };
}

/** Publishes a household report as the registry's feed does. */
async function publishHousehold(
  event: typeof HouseholdRegistered | typeof HouseholdUpdated,
  payload: ReturnType<typeof householdReport>,
) {
  const producer = createProducer(charity.env.kafka);
  await producer.connect();
  try {
    await createPublisher({ producer }).publish(event, payload, { source: '/huimin/test', id: randomUUID() });
  } finally {
    await producer.disconnect();
  }
}

async function donate(fundId: string, amountFen: number, restriction: Record<string, unknown> = {}) {
  const res = await charity.app.server.inject({
    method: 'POST',
    url: '/v1/donations',
    headers: { ...bearer(charity.tokens.approver), 'idempotency-key': randomUUID() },
    payload: { fundId, amountFen, channel: 'bank-transfer', restriction, donor: { kind: 'anonymous' } },
  });
  expect(res.statusCode).toBe(201);
}

/** Applies for a household the registry places in `communityCode` (伟阳 unless given). */
async function apply(
  { communityCode = weiyang, ...payload }: Record<string, unknown>,
  token = charity.tokens.handler,
) {
  const householdId = (payload.householdId as string) ?? `HH-320585100001-${randomUUID().slice(0, 4)}`;
  await charity.registerHousehold(householdId, communityCode as string);
  return post({ householdId, ...payload }, token);
}

function post(payload: Record<string, unknown>, token = charity.tokens.handler) {
  return charity.app.server.inject({
    method: 'POST',
    url: '/v1/disbursements',
    headers: bearer(token),
    payload: {
      fundId: 'fund-320585100',
      purpose: 'medical',
      amountFen: 10_000,
      reason: '住院自付费用高，家庭收入低',
      ...payload,
    },
  });
}

function act(
  id: string,
  step: 'approval' | 'payment' | 'rejection',
  token: string,
  payload?: Record<string, unknown>,
) {
  return charity.app.server.inject({
    method: 'POST',
    url: `/v1/disbursements/${id}/${step}`,
    headers: bearer(token),
    ...(payload ? { payload } : {}),
  });
}

async function fundBalance(fundId: string): Promise<{ total: number; pots: Record<string, number> }> {
  const { rows } = await charity.env.pool.query<{ purpose: string | null; balance_fen: string }>(
    `select purpose, balance_fen from accounts where fund_id = $1 and kind = 'net-assets'`,
    [fundId],
  );
  const pots = Object.fromEntries(rows.map((r) => [r.purpose ?? 'unrestricted', Number(r.balance_fen)]));
  return { total: Object.values(pots).reduce((a, b) => a + b, 0), pots };
}

describe('a disbursement', () => {
  it('is applied for, approved by another person, paid, booked and announced', async () => {
    await donate('fund-320585100', 300_000, { purpose: 'medical' });
    const applied = await apply({ amountFen: 120_000, fundedFrom: { purpose: 'medical' } });
    expect(applied.statusCode).toBe(201);
    const { disbursementId, householdId } = applied.json<{ disbursementId: string; householdId: string }>();
    expect(applied.json()).toMatchObject({ status: 'applied', applicantId: 'u-handler-0107' });

    const approved = await act(disbursementId, 'approval', charity.tokens.approver);
    expect(approved.json()).toMatchObject({ status: 'approved', approverId: 'u-charity-approver-01' });
    const before = await bookkeeping(charity);
    const paid = await act(disbursementId, 'payment', charity.tokens.approver2);
    expect(paid.statusCode).toBe(200);
    expect(paid.json()).toMatchObject({
      status: 'paid',
      paidBy: 'u-charity-approver-02',
      fundBalanceAfterFen: 180_000,
    });
    const after = await bookkeeping(charity);
    expect(after.ledger_entries - before.ledger_entries).toBe(2);
    expect((await fundBalance('fund-320585100')).pots.medical).toBe(180_000);

    await charity.drainOutbox();
    const events = (await readRecords(charity.env.kafka, 'huimin.charity.fund'))
      .filter((r) => JSON.parse(r.value).disbursementId === disbursementId)
      .map((r) => ({ type: r.headers.ce_type, key: r.key }));
    expect(events).toEqual([
      { type: 'huimin.charity.disbursement.requested.v1', key: 'fund-320585100' },
      { type: 'huimin.charity.disbursement.approved.v1', key: 'fund-320585100' },
      { type: 'huimin.charity.disbursement.paid.v1', key: 'fund-320585100' },
    ]);
    expect(householdId).toMatch(/^HH-/);
  });

  it('cannot be approved (or rejected) by the person who applied, and nothing changes', async () => {
    const applied = await apply({}, charity.tokens.approver);
    const { disbursementId } = applied.json<{ disbursementId: string }>();
    const before = await bookkeeping(charity);
    const selfApproval = await act(disbursementId, 'approval', charity.tokens.approver);
    expect(selfApproval.statusCode).toBe(403);
    expect(selfApproval.json()).toMatchObject({ code: 'SELF_APPROVAL' });
    const selfRejection = await act(disbursementId, 'rejection', charity.tokens.approver, {
      reason: '不符合条件',
    });
    expect(selfRejection.json()).toMatchObject({ code: 'SELF_APPROVAL' });
    expect(await bookkeeping(charity)).toEqual(before);
    const { rows } = await charity.env.pool.query(
      'select status, approver_id from disbursements where disbursement_id = $1',
      [disbursementId],
    );
    expect(rows).toEqual([{ status: 'applied', approver_id: null }]);
  });

  it('is paid only once approved, and a case handler may neither approve nor pay', async () => {
    const { disbursementId } = (await apply({})).json<{ disbursementId: string }>();
    const before = await bookkeeping(charity);
    expect((await act(disbursementId, 'payment', charity.tokens.approver)).json()).toMatchObject({
      code: 'INVALID_STATE',
    });
    expect((await act(disbursementId, 'approval', charity.tokens.handler)).statusCode).toBe(403);
    expect(await bookkeeping(charity)).toEqual(before);
    const rejected = await act(disbursementId, 'rejection', charity.tokens.approver, {
      reason: '已由医疗救助全额覆盖',
    });
    expect(rejected.json()).toMatchObject({ status: 'rejected', rejectionReason: '已由医疗救助全额覆盖' });
    expect((await act(disbursementId, 'approval', charity.tokens.approver2)).json()).toMatchObject({
      code: 'INVALID_STATE',
    });
  });

  it('may not spend restricted money on another purpose or community, nor help outside the fund’s area', async () => {
    const before = await bookkeeping(charity);
    const wrongPurpose = await apply({ purpose: 'education', fundedFrom: { purpose: 'medical' } });
    expect(wrongPurpose.statusCode).toBe(422);
    expect(wrongPurpose.json()).toMatchObject({
      code: 'RESTRICTION_VIOLATED',
      details: { pointer: '/fundedFrom/purpose' },
    });
    const wrongCommunity = await apply({ fundedFrom: { communityCode: '320585100002' } });
    expect(wrongCommunity.json()).toMatchObject({ code: 'RESTRICTION_VIOLATED' });
    const otherTown = await apply({ fundId: 'fund-320585109', communityCode: weiyang });
    expect(otherTown.json()).toMatchObject({
      code: 'RESTRICTION_VIOLATED',
      details: { pointer: '/communityCode' },
    });
    const zero = await apply({ amountFen: 0 });
    expect(zero.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    const unknownFund = await apply({ fundId: 'fund-000000' });
    expect(unknownFund.statusCode).toBe(404);
    expect(await bookkeeping(charity)).toEqual(before);
  });

  it('takes the household’s community from the registry: one outside the handler’s communities, or unknown, answers 404 whatever community is sent', async () => {
    const before = await bookkeeping(charity);
    const elsewhere = `HH-320585100002-${randomUUID().slice(0, 4)}`;
    await charity.registerHousehold(elsewhere, '320585100002');
    for (const householdId of [elsewhere, `HH-unknown-${randomUUID().slice(0, 4)}`]) {
      const res = await post({ householdId, communityCode: weiyang });
      expect([res.statusCode, res.json().code]).toEqual([404, 'HOUSEHOLD_NOT_FOUND']);
    }
    expect(await charity.count(`disbursements where household_id = '${elsewhere}'`)).toBe(0);
    expect(await bookkeeping(charity)).toEqual(before);
  });

  it('follows the household feed: the latest report by business date says where a household lives', async () => {
    const householdId = `HH-feed-${randomUUID().slice(0, 6)}`;
    const report = (communityCode: string, businessDate: string) =>
      publishHousehold(HouseholdUpdated, { ...householdReport(householdId, communityCode), businessDate });
    await publishHousehold(HouseholdRegistered, householdReport(householdId, weiyang));
    await waitUntil(async () => (await post({ householdId })).statusCode === 201, 'the household registered');
    // A late, older report changes nothing; a newer one moves the household out of reach.
    await report('320585100002', '2026-03-01');
    await report(weiyang, '2026-02-01');
    await waitUntil(
      async () => (await post({ householdId })).statusCode === 404,
      'the household moved to another community',
    );
    expect((await post({ householdId })).json().code).toBe('HOUSEHOLD_NOT_FOUND');
  });

  it('is read with its household only by those who may, and each read is audited', async () => {
    const { disbursementId } = (await apply({})).json<{ disbursementId: string }>();
    const outboxBefore = await charity.count(`outbox where type = 'huimin.identity.record-read.v1'`);
    const read = await charity.app.server.inject({
      method: 'GET',
      url: `/v1/disbursements/${disbursementId}`,
      headers: bearer(charity.tokens.auditor),
    });
    expect(read.statusCode).toBe(200);
    expect(await charity.count(`outbox where type = 'huimin.identity.record-read.v1'`)).toBe(
      outboxBefore + 1,
    );
  });
});

describe('a household’s help, for the household view', () => {
  it('lists the household’s applications to those who may see them, audited; others get an empty list', async () => {
    const householdId = `HH-320585100001-${randomUUID().slice(0, 4)}`;
    const first = (await apply({ householdId })).json<{ disbursementId: string }>();
    const second = (await apply({ householdId, amountFen: 20_000 })).json<{ disbursementId: string }>();
    await apply({}); // another household
    const outboxBefore = await charity.count(`outbox where type = 'huimin.identity.record-read.v1'`);
    const list = await charity.app.server.inject({
      method: 'GET',
      url: `/v1/disbursements?householdId=${householdId}`,
      headers: bearer(charity.tokens.handler),
    });
    expect(list.statusCode).toBe(200);
    expect(
      list
        .json()
        .disbursements.map((d: { disbursementId: string }) => d.disbursementId)
        .sort(),
    ).toEqual([first.disbursementId, second.disbursementId].sort());
    expect(await charity.count(`outbox where type = 'huimin.identity.record-read.v1'`)).toBe(
      outboxBefore + 1,
    );
    const outsider = await charity.app.server.inject({
      method: 'GET',
      url: `/v1/disbursements?householdId=${householdId}`,
      headers: bearer(
        await charity.issuer.userToken({
          userId: 'u-ludu',
          role: 'case-handler',
          jurisdictions: ['320585002001'],
        }),
      ),
    });
    expect(outsider.json()).toEqual({ householdId, disbursements: [] });
  });
});

describe('concurrent payments', () => {
  it('never overdraw a restricted pot: of 20 approved payments worth twice what it holds, exactly half are paid', async () => {
    const fundId = 'fund-320585001'; // 娄东街道慈善分会
    await donate(fundId, 100_000, { purpose: 'hardship' });
    await donate(fundId, 50_000); // unrestricted money must not be touched by hardship payments
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await apply(
        {
          fundId,
          communityCode: '320585001001',
          purpose: 'hardship',
          amountFen: 10_000,
          fundedFrom: { purpose: 'hardship' },
        },
        charity.tokens.handler,
      );
      const { disbursementId } = res.json<{ disbursementId: string }>();
      expect((await act(disbursementId, 'approval', charity.tokens.approver)).statusCode).toBe(200);
      ids.push(disbursementId);
    }
    const results = await Promise.all(ids.map((id) => act(id, 'payment', charity.tokens.approver2)));
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(10);
    expect(
      results.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'INSUFFICIENT_FUNDS'),
    ).toBe(true);
    expect(await fundBalance(fundId)).toEqual({ total: 50_000, pots: { hardship: 0, unrestricted: 50_000 } });
    const { rows } = await charity.env.pool.query<{ n: string }>(
      `select count(*) as n from disbursements where fund_id = $1 and status = 'paid'`,
      [fundId],
    );
    expect(Number(rows[0]?.n)).toBe(10);
  });

  it('never overdraw a fund’s unrestricted money either, whoever pays', async () => {
    const fundId = 'fund-320585002'; // 陆渡街道慈善分会
    await donate(fundId, 25_000);
    const approvers = [charity.tokens.approver, charity.tokens.approver2];
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await apply(
        { fundId, communityCode: '320585002001', purpose: 'education', amountFen: 5_000 },
        charity.tokens.approver,
      );
      expect(res.statusCode).toBe(201);
      const { disbursementId } = res.json<{ disbursementId: string }>();
      expect((await act(disbursementId, 'approval', charity.tokens.approver2)).statusCode).toBe(200);
      ids.push(disbursementId);
    }
    const results = await Promise.all(ids.map((id, i) => act(id, 'payment', approvers[i % 2] ?? '')));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(5);
    expect((await fundBalance(fundId)).total).toBe(0);
  });
});
