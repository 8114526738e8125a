import * as grpc from '@grpc/grpc-js';
import {
  AssistanceEnrolmentChanged,
  CheckOnMissed,
  type HouseholdRegistered,
  OrderCreated,
} from '@huimin/contracts';
import { readRecords, waitUntil } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrderPackage, startOrderGrpcServer } from '../src/grpc/order-service.ts';
import { createOrderSimulator } from '../src/order-simulator.ts';
import { saveProvider } from '../src/store/provider-store.ts';
import { type Harness, member, startHarness } from './harness.ts';

// 2026-03-10 08:00 in Shanghai.
const START = new Date('2026-03-10T00:00:00Z');
const CHEN_TOWN = '320585109';
const CHEN_COMMUNITY = '320585109002';
const WANG_TOWN = '320585100';
const WANG_COMMUNITY = '320585100001';
const CHEN_HOME = { lng: 121.0496, lat: 31.5583 };
// About 55 m north of the home (0.0005° of latitude), and about 550 m.
const NEAR = { lng: 121.0496, lat: 31.5588 };
const FAR = { lng: 121.0496, lat: 31.5633 };

let h: Harness;
const elders: Record<string, string> = {};
let handlerToken: string;
let otherHandlerToken: string;
let adminToken: string;
let caregiverA: string;
let caregiverA2: string;
let caregiverB: string;

function household(
  id: string,
  townCode: string,
  communityCode: string,
  members: HouseholdRegistered['members'],
  address = CHEN_HOME,
): HouseholdRegistered {
  return {
    householdId: id,
    businessDate: '2026-01-01',
    townCode,
    communityCode,
    address: { text: '测试地址', ...address },
    members,
    legalSupporters: [],
  };
}

async function call(method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: unknown) {
  const res = await h.app.server.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> & { code?: string } };
}

function order(elder: string, serviceType: string, startIso: string, endIso: string) {
  return call('POST', '/v1/orders', handlerToken, {
    elderId: elders[elder],
    serviceType,
    windowStart: startIso,
    windowEnd: endIso,
    channel: 'family',
  });
}

async function counts() {
  const { rows } = await h.env.pool.query<{ orders: string; used: string; load: string }>(
    `select (select count(*) from orders) as orders,
            (select coalesce(sum(used_fen), 0) from quotas) as used,
            (select coalesce(sum(booked), 0) from provider_load) as load`,
  );
  return rows[0];
}

beforeAll(async () => {
  h = await startHarness('eldercare', START);
  await saveProvider(h.env.pool, {
    providerId: 'PV-A',
    name: '城厢居家服务中心',
    dailyCapacity: 1000,
    offerings: [
      {
        townCode: CHEN_TOWN,
        serviceTypes: ['personal-care', 'bathing', 'cleaning', 'daily-check-on', 'meal-help'],
      },
    ],
  });
  await saveProvider(h.env.pool, {
    providerId: 'PV-B',
    name: '沙溪护理站',
    dailyCapacity: 1000,
    offerings: [
      { townCode: CHEN_TOWN, serviceTypes: ['rehab-nursing'] },
      { townCode: WANG_TOWN, serviceTypes: ['personal-care', 'daily-check-on'] },
    ],
  });
  // 陈: 85, lives alone. 周: 72, lives alone. 王 household: 70-year-old with a 40-year-old son, on dibao.
  await h.household(household('HH-T-CHEN', CHEN_TOWN, CHEN_COMMUNITY, [member('1941-02-01', 'female', 1)]));
  await h.household(household('HH-T-ZHOU', CHEN_TOWN, CHEN_COMMUNITY, [member('1954-05-05', 'male', 2)]));
  await h.household(
    household('HH-T-WANG', WANG_TOWN, WANG_COMMUNITY, [
      member('1956-01-01', 'male', 3),
      member('1986-01-01', 'male', 4, 'child'),
    ]),
  );
  const enrolment = await h.publisher.publish(
    AssistanceEnrolmentChanged,
    {
      enrolmentId: 'CJ-T-1',
      householdId: 'HH-T-WANG',
      businessDate: '2026-01-01',
      programme: 'dibao',
      change: 'enrolled',
      monthlyAmountFen: 50_000,
    },
    { source: '/test' },
  );
  await waitUntil(
    async () =>
      (await h.env.pool.query('select 1 from inbox where event_id = $1', [enrolment.envelope.id]))
        .rowCount === 1,
    'enrolment handled',
  );
  const { rows } = await h.env.pool.query<{ elder_id: string; household_id: string }>(
    'select elder_id, household_id from elders',
  );
  for (const r of rows) elders[r.household_id.replace('HH-T-', '').toLowerCase()] = r.elder_id;
  handlerToken = await h.token({
    userId: 'u-handler',
    role: 'case-handler',
    jurisdictions: [CHEN_COMMUNITY, WANG_COMMUNITY],
  });
  otherHandlerToken = await h.token({
    userId: 'u-other',
    role: 'case-handler',
    jurisdictions: ['320585100002'],
  });
  adminToken = await h.token({ userId: 'u-admin', role: 'bureau-admin', jurisdictions: ['320585'] });
  caregiverA = await h.token({
    userId: 'cg-a1',
    role: 'provider-staff',
    jurisdictions: [],
    providerId: 'PV-A',
  });
  caregiverA2 = await h.token({
    userId: 'cg-a2',
    role: 'provider-staff',
    jurisdictions: [],
    providerId: 'PV-A',
  });
  caregiverB = await h.token({
    userId: 'cg-b1',
    role: 'provider-staff',
    jurisdictions: [],
    providerId: 'PV-B',
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('elders from the household feed', () => {
  it('registers only the 60+ and computes each one’s monthly entitlement from policy', async () => {
    expect(Object.keys(elders).sort()).toEqual(['chen', 'wang', 'zhou']);
    const chen = await call('GET', `/v1/elders/${elders.chen}`, handlerToken);
    expect(chen.status).toBe(200);
    // 80+ (100 yuan) and living alone (50 yuan), seed policy.
    expect(chen.body.quota).toMatchObject({ entitledFen: 15_000, usedFen: 0, remainingFen: 15_000 });
    expect(chen.body.residentId).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
    const wang = await call('GET', `/v1/elders/${elders.wang}`, handlerToken);
    // 60–79 (nothing) on dibao (200 yuan), not alone.
    expect(wang.body).toMatchObject({ dibao: true, livingAlone: false });
    expect(wang.body.quota).toMatchObject({ entitledFen: 20_000 });
  });
});

describe('household feed updates', () => {
  it('ignores a late older snapshot, follows a newer one, and retires members who left', async () => {
    const older = household('HH-T-LI', CHEN_TOWN, CHEN_COMMUNITY, [member('1950-01-01', 'female', 10)]);
    const newer = {
      ...household('HH-T-LI', CHEN_TOWN, CHEN_COMMUNITY, [
        member('1950-01-01', 'female', 10),
        member('1948-01-01', 'male', 11, 'spouse'),
      ]),
      businessDate: '2026-02-01',
    };
    await h.household(newer);
    await h.household({ ...older, businessDate: '2026-01-15' });
    const state = async () =>
      (
        await h.env.pool.query<{ resident_id: string; living_alone: boolean; active: boolean }>(
          `select resident_id, living_alone, active from elders where household_id = 'HH-T-LI' order by resident_id`,
        )
      ).rows;
    expect(await state()).toEqual(
      [
        { resident_id: newer.members[1]?.residentId, living_alone: false, active: true },
        { resident_id: newer.members[0]?.residentId, living_alone: false, active: true },
      ].sort((a, b) => String(a.resident_id).localeCompare(String(b.resident_id))),
    );
    // The spouse moves out: she now lives alone, he is no longer served from this household.
    await h.household({ ...older, businessDate: '2026-03-01' });
    expect(await state()).toEqual(
      [
        { resident_id: newer.members[1]?.residentId, living_alone: false, active: false },
        { resident_id: newer.members[0]?.residentId, living_alone: true, active: true },
      ].sort((a, b) => String(a.resident_id).localeCompare(String(b.resident_id))),
    );
    // Out of the way of the other tests (coverage counts active elders).
    await h.env.pool.query(`update elders set active = false where household_id = 'HH-T-LI'`);
  });
});

describe('quota', () => {
  it('100 concurrent orders on one elder: the subsidy adds up to the quota exactly and never beyond', async () => {
    // April: a fresh month of 150 yuan for 陈. Bathing costs 60 yuan.
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        order(
          'chen',
          'bathing',
          `2026-04-${String((i % 28) + 1).padStart(2, '0')}T01:00:00Z`,
          `2026-04-${String((i % 28) + 1).padStart(2, '0')}T03:00:00Z`,
        ),
      ),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const subsidies = results.map((r) => Number(r.body.subsidyFen));
    expect(subsidies.reduce((a, b) => a + b, 0)).toBe(15_000);
    expect(results.every((r) => Number(r.body.subsidyFen) + Number(r.body.selfPayFen) === 6_000)).toBe(true);
    expect(subsidies.filter((s) => s > 0).sort((a, b) => b - a)).toEqual([6_000, 6_000, 3_000]);
    const { rows } = await h.env.pool.query(
      `select entitled_fen::int, used_fen::int from quotas where elder_id = $1 and month = '2026-04'`,
      [elders.chen],
    );
    expect(rows).toEqual([{ entitled_fen: 15_000, used_fen: 15_000 }]);
  });

  it('a cancelled order gives its subsidy back to the month it came from', async () => {
    const placed = await order('wang', 'personal-care', '2026-05-02T01:00:00Z', '2026-05-02T03:00:00Z');
    expect(placed.body).toMatchObject({ subsidyFen: 4_000, selfPayFen: 0, providerId: 'PV-B' });
    const cancelled = await call('POST', `/v1/orders/${placed.body.orderId}/cancel`, handlerToken);
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    const again = await order('wang', 'personal-care', '2026-05-03T01:00:00Z', '2026-05-03T03:00:00Z');
    expect(again.body).toMatchObject({ subsidyFen: 4_000 });
    const { rows } = await h.env.pool.query(
      `select used_fen::int from quotas where elder_id = $1 and month = '2026-05'`,
      [elders.wang],
    );
    expect(rows).toEqual([{ used_fen: 4_000 }]);
  });
});

describe('bad input changes nothing', () => {
  it.each([
    ['unknown elder', { elderId: 'EL-nobody' }, 404, 'ELDER_NOT_FOUND'],
    ['service not offered in the town', { serviceType: 'night-care' }, 422, 'SERVICE_NOT_OFFERED'],
    [
      'window in the past',
      { windowStart: '2026-03-09T01:00:00Z', windowEnd: '2026-03-09T02:00:00Z' },
      422,
      'INVALID_WINDOW',
    ],
    [
      'window ending before it starts',
      { windowStart: '2026-03-12T03:00:00Z', windowEnd: '2026-03-12T02:00:00Z' },
      422,
      'INVALID_WINDOW',
    ],
    ['unknown service type', { serviceType: 'gardening' }, 400, 'VALIDATION_FAILED'],
  ])('%s → %s %s', async (_what, change, status, code) => {
    const before = await counts();
    const res = await call('POST', '/v1/orders', handlerToken, {
      elderId: elders.chen,
      serviceType: 'cleaning',
      windowStart: '2026-03-12T01:00:00Z',
      windowEnd: '2026-03-12T03:00:00Z',
      channel: 'hotline',
      ...change,
    });
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
    expect(await counts()).toEqual(before);
  });

  it('an elder outside the handler’s jurisdiction is not found for them', async () => {
    const res = await call('POST', '/v1/orders', otherHandlerToken, {
      elderId: elders.chen,
      serviceType: 'cleaning',
      windowStart: '2026-03-12T01:00:00Z',
      windowEnd: '2026-03-12T03:00:00Z',
      channel: 'hotline',
    });
    expect(res).toMatchObject({ status: 404, body: { code: 'ELDER_NOT_FOUND' } });
  });
});

describe('visit verification (EVV) and provider isolation', () => {
  it('checks in within the radius only, flags a too-short visit, refuses a double check-out', async () => {
    const placed = await order('chen', 'personal-care', '2026-03-10T01:00:00Z', '2026-03-10T04:00:00Z');
    expect(placed.body).toMatchObject({ status: 'assigned', providerId: 'PV-A' });
    const id = placed.body.orderId as string;

    const far = await call('POST', `/v1/orders/${id}/check-in`, caregiverA, FAR);
    expect(far).toMatchObject({ status: 422, body: { code: 'OUTSIDE_RADIUS' } });
    expect((await call('GET', `/v1/orders/${id}`, caregiverA)).body).toMatchObject({ status: 'assigned' });

    const wrongProvider = await call('POST', `/v1/orders/${id}/check-in`, caregiverB, NEAR);
    expect(wrongProvider).toMatchObject({ status: 404, body: { code: 'ORDER_NOT_FOUND' } });

    h.clock.at = new Date('2026-03-10T01:05:00Z');
    const checkedIn = await call('POST', `/v1/orders/${id}/check-in`, caregiverA, NEAR);
    expect(checkedIn.body).toMatchObject({ status: 'in_service', caregiverId: 'cg-a1' });
    expect(checkedIn.body.checkInDistanceM).toBeGreaterThan(40);
    expect(checkedIn.body.checkInDistanceM).toBeLessThan(70);

    h.clock.at = new Date('2026-03-10T01:15:00Z');
    const out = await call('POST', `/v1/orders/${id}/check-out`, caregiverA, CHEN_HOME);
    expect(out.body).toMatchObject({ status: 'completed', checkOutDistanceM: 0 });
    const twice = await call('POST', `/v1/orders/${id}/check-out`, caregiverA, CHEN_HOME);
    expect(twice).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });

    const seenByA = await call('GET', '/v1/anomalies', caregiverA);
    expect(seenByA.body.anomalies).toContainEqual(
      expect.objectContaining({ orderId: id, kind: 'too-short' }),
    );
    const seenByBureau = await call('GET', '/v1/anomalies', adminToken);
    expect(seenByBureau.body.anomalies).toContainEqual(
      expect.objectContaining({ orderId: id, kind: 'too-short' }),
    );
    const seenByB = await call('GET', '/v1/anomalies', caregiverB);
    expect(seenByB.body.anomalies).not.toContainEqual(expect.objectContaining({ orderId: id }));
    h.clock.at = START;
  });

  it('flags one caregiver in two places and a check-out without check-in', async () => {
    h.clock.at = new Date('2026-03-11T00:00:00Z');
    const first = await order('chen', 'cleaning', '2026-03-11T01:00:00Z', '2026-03-11T04:00:00Z');
    const second = await order('zhou', 'cleaning', '2026-03-11T01:00:00Z', '2026-03-11T04:00:00Z');
    const third = await order('zhou', 'meal-help', '2026-03-11T05:00:00Z', '2026-03-11T06:00:00Z');
    h.clock.at = new Date('2026-03-11T01:00:00Z');
    await call('POST', `/v1/orders/${first.body.orderId}/check-in`, caregiverA2, CHEN_HOME);
    const overlap = await call('POST', `/v1/orders/${second.body.orderId}/check-in`, caregiverA2, CHEN_HOME);
    expect(overlap.status).toBe(200);
    const noCheckIn = await call(
      'POST',
      `/v1/orders/${third.body.orderId}/check-out`,
      caregiverA2,
      CHEN_HOME,
    );
    expect(noCheckIn).toMatchObject({ status: 409, body: { code: 'CHECK_IN_MISSING' } });
    expect((await call('GET', `/v1/orders/${third.body.orderId}`, caregiverA2)).body).toMatchObject({
      status: 'assigned',
    });
    const { body } = await call('GET', '/v1/anomalies', adminToken);
    expect(body.anomalies).toContainEqual(
      expect.objectContaining({
        orderId: second.body.orderId,
        kind: 'caregiver-overlap',
        caregiverId: 'cg-a2',
      }),
    );
    expect(body.anomalies).toContainEqual(
      expect.objectContaining({ orderId: third.body.orderId, kind: 'check-out-without-check-in' }),
    );
    h.clock.at = START;
  });

  it('cancels only before check-in, records a no-show once the window began, rates a completed visit once', async () => {
    h.clock.at = new Date('2026-03-12T00:00:00Z');
    const a = await order('zhou', 'cleaning', '2026-03-12T01:00:00Z', '2026-03-12T03:00:00Z');
    const b = await order('zhou', 'cleaning', '2026-03-12T04:00:00Z', '2026-03-12T06:00:00Z');
    const early = await call('POST', `/v1/orders/${b.body.orderId}/no-show`, caregiverA);
    expect(early).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
    h.clock.at = new Date('2026-03-12T01:00:00Z');
    await call('POST', `/v1/orders/${a.body.orderId}/check-in`, caregiverA, CHEN_HOME);
    const late = await call('POST', `/v1/orders/${a.body.orderId}/cancel`, handlerToken);
    expect(late).toMatchObject({
      status: 409,
      body: { code: 'INVALID_STATE', details: { status: 'in_service' } },
    });
    h.clock.at = new Date('2026-03-12T02:00:00Z');
    await call('POST', `/v1/orders/${a.body.orderId}/check-out`, caregiverA, CHEN_HOME);
    expect(
      (await call('POST', `/v1/orders/${a.body.orderId}/rating`, handlerToken, { stars: 5 })).body,
    ).toMatchObject({
      status: 'rated',
      rating: 5,
    });
    expect(
      await call('POST', `/v1/orders/${a.body.orderId}/rating`, handlerToken, { stars: 1 }),
    ).toMatchObject({
      status: 409,
    });
    h.clock.at = new Date('2026-03-12T04:30:00Z');
    const noShow = await call('POST', `/v1/orders/${b.body.orderId}/no-show`, caregiverA);
    expect(noShow.body).toMatchObject({ status: 'no_show', cancelReason: 'no-show' });
    h.clock.at = START;
  });

  it('another provider neither sees nor lists the order', async () => {
    const placed = await order('chen', 'cleaning', '2026-03-13T01:00:00Z', '2026-03-13T03:00:00Z');
    const id = placed.body.orderId as string;
    expect(await call('GET', `/v1/orders/${id}`, caregiverB)).toMatchObject({
      status: 404,
      body: { code: 'ORDER_NOT_FOUND' },
    });
    const listed = await call('GET', '/v1/orders?limit=500', caregiverB);
    expect((listed.body.orders as { providerId: string }[]).every((o) => o.providerId === 'PV-B')).toBe(true);
    expect(await call('GET', `/v1/orders/${id}`, otherHandlerToken)).toMatchObject({ status: 404 });
    expect((await call('GET', '/v1/orders?limit=500', otherHandlerToken)).body.orders).toEqual([]);
    const mine = await call('GET', `/v1/orders?elderId=${elders.chen}&limit=500`, handlerToken);
    expect(mine.body.orders).toContainEqual(expect.objectContaining({ orderId: id }));
    // The household view asks by household: the Chens' orders, and no one else's.
    const household = await call('GET', '/v1/orders?householdId=HH-T-CHEN&limit=500', handlerToken);
    expect(household.body.orders).toContainEqual(expect.objectContaining({ orderId: id }));
    expect((household.body.orders as { elderId: string }[]).every((o) => o.elderId === elders.chen)).toBe(
      true,
    );
    expect(
      (await call('GET', '/v1/orders?householdId=HH-T-CHEN&limit=500', otherHandlerToken)).body.orders,
    ).toEqual([]);
    const address = await call('GET', `/v1/orders/${id}/visit-address`, caregiverA);
    expect(address.body).toMatchObject({ orderId: id, ...CHEN_HOME });
    expect(await call('GET', `/v1/orders/${id}/visit-address`, caregiverB)).toMatchObject({ status: 404 });
    // Acting on it answers as an order that does not exist, and changes nothing.
    const unknownId = 'EO-2026-999999999';
    for (const [action, body] of [
      ['check-in', CHEN_HOME],
      ['check-out', CHEN_HOME],
      ['decline', undefined],
    ] as const) {
      const theirs = await call('POST', `/v1/orders/${id}/${action}`, caregiverB, body);
      const nobodys = await call('POST', `/v1/orders/${unknownId}/${action}`, caregiverB, body);
      expect(theirs, action).toMatchObject({ status: 404, body: { code: 'ORDER_NOT_FOUND' } });
      expect(theirs.body, action).toEqual(nobodys.body);
    }
    expect((await call('GET', `/v1/orders/${id}`, caregiverA)).body).toMatchObject({
      status: 'assigned',
      providerId: 'PV-A',
    });
  });

  it('a declined order goes to the next provider, and is cancelled with its subsidy back when none is left', async () => {
    await saveProvider(h.env.pool, {
      providerId: 'PV-C',
      name: '第三家',
      dailyCapacity: 5,
      offerings: [{ townCode: WANG_TOWN, serviceTypes: ['personal-care'] }],
    });
    const placed = await order('wang', 'personal-care', '2026-03-20T01:00:00Z', '2026-03-20T03:00:00Z');
    const first = placed.body.providerId as string;
    const firstToken =
      first === 'PV-B'
        ? caregiverB
        : await h.token({ userId: 'cg-c', role: 'provider-staff', jurisdictions: [], providerId: 'PV-C' });
    const declined = await call('POST', `/v1/orders/${placed.body.orderId}/decline`, firstToken);
    const second = declined.body.providerId as string;
    expect(declined.body.status).toBe('assigned');
    expect(second).not.toBe(first);
    const secondToken =
      second === 'PV-B'
        ? caregiverB
        : await h.token({ userId: 'cg-c', role: 'provider-staff', jurisdictions: [], providerId: 'PV-C' });
    const none = await call('POST', `/v1/orders/${placed.body.orderId}/decline`, secondToken);
    expect(none.body).toMatchObject({ status: 'cancelled', cancelReason: 'no-provider' });
    const { rows } = await h.env.pool.query(
      `select used_fen::int from quotas where elder_id = $1 and month = '2026-03'`,
      [elders.wang],
    );
    expect(rows).toEqual([{ used_fen: 0 }]);
  });
});

describe('daily check-on', () => {
  it('places check-ons for elders living alone and reports a miss at the cut-off exactly once', async () => {
    // 2026-03-16 in Shanghai: open at 00:00, cut-off at 10:00 (02:00Z).
    h.clock.at = new Date('2026-03-15T16:30:00Z');
    const day = await h.app.checkOn.arm(h.env.pool);
    expect(day).toBe('2026-03-16');
    expect(await h.scheduler.runOnce()).toBe(true);
    const { rows } = await h.env.pool.query<{ order_id: string; elder_id: string }>(
      `select order_id, elder_id from orders where service_type = 'daily-check-on' and service_date = '2026-03-16'`,
    );
    expect(rows.map((r) => r.elder_id).sort()).toEqual([elders.chen, elders.zhou].sort());
    const chenCheckOn = rows.find((r) => r.elder_id === elders.chen)?.order_id as string;
    const zhouCheckOn = rows.find((r) => r.elder_id === elders.zhou)?.order_id as string;
    h.clock.at = new Date('2026-03-16T00:30:00Z');
    await call('POST', `/v1/orders/${chenCheckOn}/check-in`, caregiverA, CHEN_HOME);
    h.clock.at = new Date('2026-03-16T00:40:00Z');
    expect((await call('POST', `/v1/orders/${chenCheckOn}/check-out`, caregiverA, CHEN_HOME)).status).toBe(
      200,
    );

    expect(await h.scheduler.runOnce()).toBe(false); // before the cut-off nothing is due
    h.clock.at = new Date('2026-03-16T02:00:01Z');
    expect(await h.scheduler.runOnce()).toBe(true);
    expect(await h.scheduler.runOnce()).toBe(false);
    // A second run of the same cut-off (a replica taking over) adds nothing.
    const client = await h.env.pool.connect();
    try {
      await client.query('begin');
      expect(await h.app.checkOn.cutoffDay(client, '2026-03-16')).toBe(0);
    } finally {
      await client.query('rollback');
      client.release();
    }
    const records = await readRecords(h.env.kafka, CheckOnMissed.topic.name);
    const missed = records
      .filter((r) => r.headers.ce_type === CheckOnMissed.type)
      .map((r) => JSON.parse(r.value));
    expect(missed).toHaveLength(1);
    expect(missed[0]).toMatchObject({
      orderId: zhouCheckOn,
      scheduledDate: '2026-03-16',
      cutoffAt: '2026-03-16T02:00:00.000Z',
      consecutiveMisses: 1,
      providerId: 'PV-A',
      communityCode: CHEN_COMMUNITY,
    });
    h.clock.at = START;
  });
});

describe('indicator, events and gRPC', () => {
  it('home-visit coverage by town and county against the 20% target', async () => {
    const res = await call('GET', '/v1/indicators/home-visit-coverage?month=2026-03', adminToken);
    expect(res.status).toBe(200);
    // 陈 and 周 (沙溪) had completed visits in March; 王 (城厢) had none.
    expect(res.body).toMatchObject({
      target: 0.2,
      county: { registeredElders: 3, eldersVisited: 2, share: 0.6667, meetsTarget: true },
    });
    expect(res.body.towns).toEqual([
      expect.objectContaining({
        townCode: WANG_TOWN,
        registeredElders: 1,
        eldersVisited: 0,
        meetsTarget: false,
      }),
      expect.objectContaining({ townCode: CHEN_TOWN, registeredElders: 2, eldersVisited: 2, share: 1 }),
    ]);
    const april = await call('GET', '/v1/indicators/home-visit-coverage?month=2026-04', adminToken);
    expect(april.body.county).toMatchObject({
      registeredElders: 3,
      eldersVisited: 0,
      share: 0,
      meetsTarget: false,
    });
  });

  it('order events reach the order stream through the outbox, keyed by order id, with the household', async () => {
    const placed = await order('zhou', 'cleaning', '2026-03-14T01:00:00Z', '2026-03-14T03:00:00Z');
    const id = placed.body.orderId as string;
    let created: { elderId?: string; householdId?: string } | undefined;
    await waitUntil(async () => {
      const records = await readRecords(h.env.kafka, OrderCreated.topic.name);
      const record = records.find((r) => r.key === id && r.headers.ce_type === OrderCreated.type);
      created = record ? JSON.parse(record.value) : undefined;
      return created !== undefined;
    }, 'OrderCreated published');
    // The household travels with the order (the scorecard counts home adaptations by household).
    expect(created).toMatchObject({ elderId: elders.zhou, householdId: 'HH-T-ZHOU' });
  });

  it('serves GetOrder to a service with a token, refuses a call without one or from a service not listed, and reports health', async () => {
    const placed = await order('zhou', 'cleaning', '2026-03-15T01:00:00Z', '2026-03-15T03:00:00Z');
    const server = await startOrderGrpcServer({
      desk: h.app.desk,
      verifier: (await import('@huimin/auth')).createTokenVerifier({
        issuers: [{ issuer: h.issuer.issuer, jwksUrl: h.issuer.jwksUrl }],
      }),
      logger: h.env.logger,
      address: '127.0.0.1:0',
    });
    const Client = (
      grpc.loadPackageDefinition(loadOrderPackage()) as unknown as {
        huimin: { eldercare: { v1: { OrderService: grpc.ServiceClientConstructor } } };
      }
    ).huimin.eldercare.v1.OrderService;
    const client = new Client(
      `127.0.0.1:${server.port}`,
      grpc.credentials.createInsecure(),
    ) as unknown as grpc.Client & {
      GetOrder: (
        req: unknown,
        md: grpc.Metadata,
        cb: (err: grpc.ServiceError | null, res?: Record<string, unknown>) => void,
      ) => void;
    };
    const ask = (metadata: grpc.Metadata, orderId: string) =>
      new Promise<{ err: grpc.ServiceError | null; res?: Record<string, unknown> }>((resolve) =>
        client.GetOrder({ orderId }, metadata, (err, res) => resolve({ err, ...(res ? { res } : {}) })),
      );
    try {
      const md = new grpc.Metadata();
      md.set('authorization', `Bearer ${await h.issuer.serviceToken('discovery')}`);
      const ok = await ask(md, placed.body.orderId as string);
      expect(ok.err).toBeNull();
      expect(ok.res).toMatchObject({
        orderId: placed.body.orderId,
        status: 'assigned',
        providerId: 'PV-A',
        priceFen: '4000',
      });
      expect((await ask(md, 'EO-missing')).err?.code).toBe(grpc.status.NOT_FOUND);
      expect((await ask(new grpc.Metadata(), placed.body.orderId as string)).err?.code).toBe(
        grpc.status.UNAUTHENTICATED,
      );
      // Only the services its contract lists (callers.json beside the proto) may ask.
      const risk = new grpc.Metadata();
      risk.set('authorization', `Bearer ${await h.issuer.serviceToken('risk')}`);
      const refused = await ask(risk, placed.body.orderId as string);
      expect(refused.err?.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(refused.res).toBeUndefined();
      const healthDef = grpc.loadPackageDefinition(
        (await import('@grpc/proto-loader')).loadSync((await import('grpc-health-check')).protoPath, {
          enums: String,
        }),
      ) as unknown as { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } };
      const health = new healthDef.grpc.health.v1.Health(
        `127.0.0.1:${server.port}`,
        grpc.credentials.createInsecure(),
      ) as unknown as grpc.Client & {
        Check: (req: unknown, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void) => void;
      };
      const status = await new Promise<string | undefined>((resolve, reject) =>
        health.Check({ service: 'huimin.eldercare.v1.OrderService' }, (err, res) =>
          err ? reject(err) : resolve(res?.status),
        ),
      );
      expect(status).toBe('SERVING');
      health.close();
    } finally {
      client.close();
      await server.close();
    }
  });

  it('the order simulator places orders and works a provider’s visits through the API', async () => {
    await h.app.server.listen({ port: 0, host: '127.0.0.1' });
    const address = h.app.server.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    h.clock.at = new Date('2026-03-21T00:00:00Z');
    const listed = await call('GET', '/v1/elders?limit=200', adminToken);
    const ids = listed.body.elderIds as string[];
    const draws = [(ids.indexOf(elders.chen as string) + 0.5) / ids.length];
    const simulator = createOrderSimulator({
      url: `http://127.0.0.1:${port}`,
      tokens: async () => ({ admin: adminToken, caregiver: caregiverA }),
      // The first draw picks 陈 from the elder list; every later one gives the first choice
      // (meal help, which PV-A offers in 陈's town).
      random: () => draws.shift() ?? 0,
      now: () => new Date('2026-03-21T00:00:00Z'),
    });
    const before = await h.env.pool.query(`select count(*)::int as n from orders where status = 'completed'`);
    const first = await simulator.tick();
    expect(first.placed).toBe(1);
    expect(first.checkedIn).toBeGreaterThanOrEqual(1);
    const second = await simulator.tick();
    expect(second.checkedOut).toBeGreaterThanOrEqual(1);
    const after = await h.env.pool.query(`select count(*)::int as n from orders where status = 'completed'`);
    expect(after.rows[0].n).toBeGreaterThan(before.rows[0].n);
    h.clock.at = START;
  });
});
