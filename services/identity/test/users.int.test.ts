import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  CHANGSHENG,
  FUNAN,
  type Identity,
  LOUDONG,
  LUDU,
  LUDU_COMMUNITY,
  PASSWORD,
  startIdentity,
} from './harness.ts';

let id: Identity;

beforeAll(async () => {
  id = await startIdentity({ name: 'identity_users' });
  await id.addPeople([
    { id: 'u-admin', username: 'admin', role: 'bureau-admin', jurisdictions: ['320585'] },
    { id: 'u-auditor', username: 'auditor', role: 'auditor', jurisdictions: ['320585'] },
    { id: 'u-sup', username: 'supervisor.loudong', role: 'town-supervisor', jurisdictions: [LOUDONG] },
    { id: 'u-li', username: 'handler.li', role: 'case-handler', jurisdictions: [CHANGSHENG] },
    { id: 'u-wu', username: 'handler.wu', role: 'case-handler', jurisdictions: [LUDU_COMMUNITY] },
  ]);
});

afterAll(async () => {
  await id?.close();
});

const asAdmin = async () => bearer(await id.tokenOf('admin'));
const newHandler = {
  username: 'handler.new',
  displayName: '新经办人',
  password: 'a long enough password',
  role: 'case-handler',
  jurisdictions: [FUNAN],
};

describe('accounts', () => {
  it('lets a bureau admin create a user who can then log in', async () => {
    const res = await id.inject({
      method: 'POST',
      url: '/v1/users',
      headers: await asAdmin(),
      payload: newHandler,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      username: 'handler.new',
      role: 'case-handler',
      jurisdictions: [FUNAN],
    });
    expect((await id.login('handler.new', 'a long enough password')).statusCode).toBe(200);
    const again = await id.inject({
      method: 'POST',
      url: '/v1/users',
      headers: await asAdmin(),
      payload: newHandler,
    });
    expect([again.statusCode, again.json().code]).toEqual([409, 'USERNAME_TAKEN']);
  });

  it('answers 400, never 500, to text Postgres cannot store, in a path or in a body', async () => {
    const path = await id.inject({ method: 'GET', url: '/v1/users/%00%E2%80%AE', headers: await asAdmin() });
    expect([path.statusCode, path.json().code]).toEqual([400, 'VALIDATION_FAILED']);
    const body = await id.inject({
      method: 'POST',
      url: '/v1/users',
      headers: await asAdmin(),
      payload: { ...newHandler, username: 'handler.nul', displayName: 'nul\u0000here' },
    });
    expect([body.statusCode, body.json().code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await id.login('handler.nul', 'a long enough password')).statusCode).toBe(401);
  });

  it('refuses a role over the wrong kind of division, and anyone but an admin creating users', async () => {
    const wrong = await id.inject({
      method: 'POST',
      url: '/v1/users',
      headers: await asAdmin(),
      payload: {
        ...newHandler,
        username: 'supervisor.bad',
        role: 'town-supervisor',
        jurisdictions: [CHANGSHENG],
      },
    });
    expect([wrong.statusCode, wrong.json().code]).toEqual([422, 'INVALID_ASSIGNMENT']);
    const bySupervisor = await id.inject({
      method: 'POST',
      url: '/v1/users',
      headers: bearer(await id.tokenOf('supervisor.loudong')),
      payload: { ...newHandler, username: 'handler.other' },
    });
    expect(bySupervisor.statusCode).toBe(403);
  });

  it('shows a supervisor only the people of their town, and admins and auditors everyone', async () => {
    const names = async (token: string) =>
      ((await id.inject({ url: '/v1/users', headers: bearer(token) })).json().users as { username: string }[])
        .map((u) => u.username)
        .sort();
    expect(await names(await id.tokenOf('supervisor.loudong'))).toEqual([
      'handler.li',
      'handler.new',
      'supervisor.loudong',
    ]);
    expect(await names(await id.tokenOf('auditor'))).toContain('handler.wu');
    const hidden = await id.inject({
      url: '/v1/users/u-wu',
      headers: bearer(await id.tokenOf('supervisor.loudong')),
    });
    expect(hidden.statusCode).toBe(404);
    expect(
      (await id.inject({ url: '/v1/users', headers: bearer(await id.tokenOf('handler.li')) })).statusCode,
    ).toBe(403);
  });

  it('moves a handler to another town, checked like a new assignment', async () => {
    const moved = await id.inject({
      method: 'PATCH',
      url: '/v1/users/u-wu',
      headers: await asAdmin(),
      payload: { jurisdictions: [LUDU_COMMUNITY, '320585002002'] },
    });
    expect([moved.statusCode, moved.json().jurisdictions]).toEqual([200, [LUDU_COMMUNITY, '320585002002']]);
    const bad = await id.inject({
      method: 'PATCH',
      url: '/v1/users/u-wu',
      headers: await asAdmin(),
      payload: { jurisdictions: [LUDU] },
    });
    expect(bad.json().code).toBe('INVALID_ASSIGNMENT');
  });

  it('disabling a user ends their sessions and their logins', async () => {
    const session = (await id.login('handler.li')).json();
    const res = await id.inject({ method: 'POST', url: '/v1/users/u-li/disable', headers: await asAdmin() });
    expect([res.statusCode, res.json().disabled]).toEqual([200, true]);
    expect((await id.login('handler.li')).statusCode).toBe(401);
    const refreshed = await id.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refreshToken: session.refreshToken },
    });
    expect(refreshed.statusCode).toBe(401);
    await id.inject({ method: 'POST', url: '/v1/users/u-li/enable', headers: await asAdmin() });
    expect((await id.login('handler.li')).statusCode).toBe(200);
  });

  it('an admin’s password reset lifts a lockout', async () => {
    // The account lock is the per-username ceiling: failures in a row from many addresses.
    for (let i = 0; i < id.config.LOCKOUT_THRESHOLD; i++)
      await id.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { username: 'handler.wu', password: 'wrong password' },
        remoteAddress: `198.18.${Math.floor(i / 4)}.${i % 4}`,
      });
    expect((await id.login('handler.wu')).statusCode).toBe(423);
    const reset = await id.inject({
      method: 'POST',
      url: '/v1/users/u-wu/password',
      headers: await asAdmin(),
      payload: { password: 'reset by the bureau' },
    });
    expect([reset.statusCode, reset.json().locked]).toEqual([200, false]);
    expect((await id.login('handler.wu', PASSWORD)).statusCode).toBe(401);
    expect((await id.login('handler.wu', 'reset by the bureau')).statusCode).toBe(200);
  });
});
