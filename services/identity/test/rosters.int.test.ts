import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  CHANGSHENG,
  FUNAN,
  type Identity,
  LOUDONG,
  LUDU,
  LUDU_COMMUNITY,
  startIdentity,
  XINHUA,
} from './harness.ts';

let id: Identity;
let t0: Date;

beforeAll(async () => {
  id = await startIdentity({ name: 'identity_rosters' });
  await id.addPeople([
    { id: 'u-li', username: 'handler.li', role: 'case-handler', jurisdictions: [CHANGSHENG] },
    { id: 'u-zhou', username: 'handler.zhou', role: 'case-handler', jurisdictions: [FUNAN] },
    { id: 'u-chen', username: 'handler.chen', role: 'case-handler', jurisdictions: [XINHUA] },
    { id: 'u-wu', username: 'handler.wu', role: 'case-handler', jurisdictions: [LUDU_COMMUNITY] },
    { id: 'u-sup', username: 'supervisor.loudong', role: 'town-supervisor', jurisdictions: [LOUDONG] },
    { id: 'u-sup2', username: 'supervisor.ludu', role: 'town-supervisor', jurisdictions: [LUDU] },
  ]);
  t0 = id.clock.now;
});

afterAll(async () => {
  await id?.close();
});

// The clock only moves forward in this file; instants are hours after the suite's start.
const hours = (n: number) => new Date(t0.getTime() + n * 3_600_000);
const supervisor = () => id.tokenOf('supervisor.loudong');
const roster = async (code: string, userIds: string[], token?: string) =>
  id.inject({
    method: 'PUT',
    url: `/v1/rosters/communities/${code}`,
    headers: bearer(token ?? (await supervisor())),
    payload: { userIds },
  });
const leave = async (payload: Record<string, string>, token?: string) =>
  id.inject({ method: 'POST', url: '/v1/leaves', headers: bearer(token ?? (await supervisor())), payload });
const routing = async (code: string, at: Date) =>
  (
    await id.inject({
      url: `/v1/rosters/communities/${code}/handlers?at=${at.toISOString()}`,
      headers: bearer(await supervisor()),
    })
  ).json();
const jurOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).jur;

describe('rosters', () => {
  it('lets the town’s supervisor set a community’s handlers and shows them', async () => {
    expect((await roster(CHANGSHENG, ['u-li'])).statusCode).toBe(200);
    expect((await roster(FUNAN, ['u-zhou'])).statusCode).toBe(200);
    expect((await roster(XINHUA, ['u-chen'])).statusCode).toBe(200);
    const view = await id.inject({
      url: `/v1/rosters/communities/${CHANGSHENG}`,
      headers: bearer(await supervisor()),
    });
    expect(view.json()).toMatchObject({
      communityCode: CHANGSHENG,
      townCode: LOUDONG,
      handlers: [{ userId: 'u-li', username: 'handler.li' }],
    });
  });

  it('refuses edits by another town’s supervisor and by handlers, and a handler who does not cover the community', async () => {
    expect((await roster(CHANGSHENG, ['u-li'], await id.tokenOf('supervisor.ludu'))).statusCode).toBe(403);
    expect((await roster(CHANGSHENG, ['u-li'], await id.tokenOf('handler.li'))).statusCode).toBe(403);
    const outside = await roster(CHANGSHENG, ['u-zhou']);
    expect([outside.statusCode, outside.json().code]).toEqual([422, 'INVALID_ASSIGNMENT']);
    const supervisorAsHandler = await roster(CHANGSHENG, ['u-sup']);
    expect(supervisorAsHandler.json().code).toBe('INVALID_ASSIGNMENT');
  });
});

describe('leave and delegation', () => {
  it('routes the community’s alerts to the delegate only while the handler is on leave', async () => {
    const created = await leave({
      userId: 'u-li',
      delegateId: 'u-zhou',
      startsAt: hours(24).toISOString(),
      endsAt: hours(24 * 8).toISOString(),
    });
    expect(created.statusCode).toBe(201);
    expect((await routing(CHANGSHENG, hours(23))).recipients).toEqual(['u-li']);
    expect(await routing(CHANGSHENG, hours(24))).toMatchObject({
      handlers: [{ userId: 'u-zhou', onBehalfOf: 'u-li' }],
      recipients: ['u-zhou'],
      supervisors: ['u-sup'],
    });
    expect((await routing(CHANGSHENG, hours(24 * 8))).recipients).toEqual(['u-li']);
    // The delegate's own community is unaffected.
    expect((await routing(FUNAN, hours(48))).recipients).toEqual(['u-zhou']);
  });

  it('gives the delegate the absent handler’s community in their token during the leave only', async () => {
    expect(jurOf(await id.tokenOf('handler.zhou'))).toEqual([FUNAN]);
    id.clock.now = hours(25);
    expect(jurOf(await id.tokenOf('handler.zhou'))).toEqual([FUNAN, CHANGSHENG]);
    expect(jurOf(await id.tokenOf('handler.li'))).toEqual([CHANGSHENG]);
  });

  it('refuses an overlapping leave, a delegate who is not a handler, and another town’s handler', async () => {
    const overlapping = await leave({
      userId: 'u-li',
      delegateId: 'u-chen',
      startsAt: hours(24 * 7).toISOString(),
      endsAt: hours(24 * 10).toISOString(),
    });
    expect([overlapping.statusCode, overlapping.json().code]).toEqual([409, 'LEAVE_OVERLAPS']);
    const toSupervisor = await leave({
      userId: 'u-chen',
      delegateId: 'u-sup',
      startsAt: hours(100).toISOString(),
      endsAt: hours(101).toISOString(),
    });
    expect(toSupervisor.json().code).toBe('INVALID_ASSIGNMENT');
    const otherTown = await leave({
      userId: 'u-wu',
      delegateId: 'u-chen',
      startsAt: hours(100).toISOString(),
      endsAt: hours(101).toISOString(),
    });
    expect(otherTown.statusCode).toBe(403);
  });

  it('follows the chain when the delegate is away too, and ends delegation when the leave is cancelled', async () => {
    const zhouAway = await leave({
      userId: 'u-zhou',
      delegateId: 'u-chen',
      startsAt: hours(48).toISOString(),
      endsAt: hours(72).toISOString(),
    });
    expect(zhouAway.statusCode).toBe(201);
    expect((await routing(CHANGSHENG, hours(50))).handlers).toEqual([
      { userId: 'u-chen', onBehalfOf: 'u-li' },
    ]);
    id.clock.now = hours(49);
    expect(jurOf(await id.tokenOf('handler.chen'))).toEqual([XINHUA, CHANGSHENG, FUNAN]);
    const cancelled = await id.inject({
      method: 'POST',
      url: `/v1/leaves/${zhouAway.json().id}/cancel`,
      headers: bearer(await supervisor()),
    });
    expect(cancelled.statusCode).toBe(200);
    expect((await routing(CHANGSHENG, hours(50))).handlers).toEqual([
      { userId: 'u-zhou', onBehalfOf: 'u-li' },
    ]);
    // History keeps the chain as it was before the cancellation.
    expect((await routing(CHANGSHENG, hours(48.5))).handlers).toEqual([
      { userId: 'u-chen', onBehalfOf: 'u-li' },
    ]);
    expect(jurOf(await id.tokenOf('handler.chen'))).toEqual([XINHUA]);
  });

  it('sends alerts to the town’s supervisors when no handler is available', async () => {
    await id.app.users.setDisabled('u-chen', true, id.clock.now);
    expect(await routing(XINHUA, hours(50))).toMatchObject({
      handlers: [],
      uncovered: ['u-chen'],
      recipients: ['u-sup'],
    });
    await id.app.users.setDisabled('u-chen', false, id.clock.now);
  });

  it('lists the leave a supervisor manages', async () => {
    const since = encodeURIComponent(t0.toISOString());
    const res = await id.inject({ url: `/v1/leaves?from=${since}`, headers: bearer(await supervisor()) });
    expect(
      res
        .json()
        .leaves.map((l: { userId: string }) => l.userId)
        .sort(),
    ).toEqual(['u-li', 'u-zhou']);
    // From now on, only Li's leave is still to run: Zhou's was cancelled.
    const current = await id.inject({ url: '/v1/leaves', headers: bearer(await supervisor()) });
    expect(current.json().leaves.map((l: { userId: string }) => l.userId)).toEqual(['u-li']);
    const other = await id.inject({
      url: `/v1/leaves?from=${since}`,
      headers: bearer(await id.tokenOf('supervisor.ludu')),
    });
    expect(other.json().leaves).toEqual([]);
  });
});
