import { createTestIssuer, verifierFromConfig } from '@huimin/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  CHANGSHENG,
  FUNAN,
  type Identity,
  ISSUER,
  LOUDONG,
  PASSWORD,
  startIdentity,
} from './harness.ts';

let id: Identity;

beforeAll(async () => {
  id = await startIdentity({ name: 'identity_sessions' });
  await id.addPeople([
    { id: 'u-li', username: 'handler.li', role: 'case-handler', jurisdictions: [CHANGSHENG] },
    { id: 'u-zhou', username: 'handler.zhou', role: 'case-handler', jurisdictions: [FUNAN] },
    { id: 'u-sup', username: 'supervisor.loudong', role: 'town-supervisor', jurisdictions: [LOUDONG] },
    { id: 'u-unlucky', username: 'handler.unlucky', role: 'case-handler', jurisdictions: [CHANGSHENG] },
    { id: 'u-racer', username: 'handler.racer', role: 'case-handler', jurisdictions: [CHANGSHENG] },
    { id: 'u-gone', username: 'handler.gone', role: 'case-handler', jurisdictions: [CHANGSHENG] },
  ]);
});

afterAll(async () => {
  await id?.close();
});

const refresh = (refreshToken: string) =>
  id.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } });

describe('login', () => {
  it('issues a short-lived token another service verifies locally from the published JWKS', async () => {
    const res = await id.login('handler.li');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 600,
      user: { id: 'u-li', role: 'case-handler' },
    });
    expect(body.user).not.toHaveProperty('passwordHash');
    // A second "service": only config, identity's JWKS over HTTP, no shared state.
    const verifier = verifierFromConfig({
      AUTH_ISSUER: ISSUER,
      AUTH_JWKS_URL: `${id.baseUrl}/.well-known/jwks.json`,
    });
    const remote = id.remoteVerifier();
    expect(await remote.verifyUser(body.accessToken)).toEqual({
      kind: 'user',
      userId: 'u-li',
      role: 'case-handler',
      jurisdictions: [CHANGSHENG],
    });
    expect(await verifier.verifyUser(body.accessToken)).toMatchObject({ userId: 'u-li' });
  });

  it('refuses a wrong password and an unknown username alike', async () => {
    const wrong = await id.login('handler.li', 'not the password');
    const unknown = await id.login('nobody.here', 'not the password');
    expect([wrong.statusCode, wrong.json().code]).toEqual([401, 'INVALID_CREDENTIALS']);
    expect([unknown.statusCode, unknown.json().code, unknown.json().message]).toEqual([
      401,
      'INVALID_CREDENTIALS',
      wrong.json().message,
    ]);
  });

  it('slows one address’s guessing at a username with a doubling wait, and never another address’s login', async () => {
    const from = (remoteAddress: string, password = PASSWORD) =>
      id.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { username: 'handler.unlucky', password },
        remoteAddress,
      });
    for (let i = 0; i < 5; i++) expect((await from('198.51.100.7', 'wrong password')).statusCode).toBe(401);
    const slowed = await from('198.51.100.7');
    expect([slowed.statusCode, slowed.json().code]).toEqual([429, 'TOO_MANY_REQUESTS']);
    expect(Number(slowed.headers['retry-after'])).toBe(30);
    // The person at their own desk is not locked out by the guesses.
    expect((await from('198.51.100.8')).statusCode).toBe(200);
    id.clock.advance(30_000);
    expect((await from('198.51.100.7', 'wrong password')).statusCode).toBe(401);
    expect(Number((await from('198.51.100.7')).headers['retry-after'])).toBe(60);
    id.clock.advance(60_000);
    expect((await from('198.51.100.7')).statusCode).toBe(200);
    // A password that works clears the count: the next wrong one is free again.
    expect((await from('198.51.100.7', 'wrong password')).statusCode).toBe(401);
    expect((await from('198.51.100.7')).statusCode).toBe(200);
  });

  it('locks the account only at the per-username ceiling of wrong passwords in a row, from however many addresses', async () => {
    const from = (remoteAddress: string, password = PASSWORD) =>
      id.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { username: 'handler.racer', password },
        remoteAddress,
      });
    expect(id.config.LOCKOUT_THRESHOLD).toBe(100);
    for (let a = 0; a < 20; a++)
      for (let i = 0; i < 5; i++)
        expect((await from(`203.0.113.${a}`, 'wrong password')).statusCode).toBe(401);
    const locked = await from('203.0.113.200');
    expect([locked.statusCode, locked.json().code]).toEqual([423, 'ACCOUNT_LOCKED']);
    expect(Number(locked.headers['retry-after'])).toBe(15 * 60);
    id.clock.advance(15 * 60_000);
    expect((await from('203.0.113.200')).statusCode).toBe(200);
  });

  it('counts wrong passwords sent in parallel, so a burst cannot slip past the delay', async () => {
    const from = (password: string) =>
      id.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { username: 'handler.zhou', password },
        remoteAddress: '192.0.2.44',
      });
    const burst = await Promise.all(Array.from({ length: 8 }, () => from('wrong password')));
    expect(burst.every((res) => res.statusCode === 401 || res.statusCode === 429)).toBe(true);
    const counted = burst.filter((res) => res.statusCode === 401).length;
    expect(counted).toBeGreaterThanOrEqual(5);
    // Every wrong password checked was counted: the wait is the one for exactly that many.
    const after = await from(PASSWORD);
    expect([after.statusCode, Number(after.headers['retry-after'])]).toEqual([429, 30 * 2 ** (counted - 5)]);
    id.clock.advance(30_000 * 2 ** (counted - 5));
    expect((await from(PASSWORD)).statusCode).toBe(200);
  });

  it('refuses a disabled account', async () => {
    await id.app.users.setDisabled('u-gone', true, id.clock.now);
    expect((await id.login('handler.gone')).json().code).toBe('INVALID_CREDENTIALS');
  });
});

describe('tokens other services refuse', () => {
  it('refuses an expired, a tampered and a foreign token', async () => {
    const remote = id.remoteVerifier();
    const token = await id.tokenOf('handler.zhou');
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, jur: ['320585'] })).toString('base64url')}.${signature}`;
    await expect(remote.verifyUser(tampered)).rejects.toMatchObject({ failure: 'INVALID_TOKEN' });

    const stranger = await createTestIssuer();
    try {
      const foreign = await stranger.userToken({
        userId: 'u-zhou',
        role: 'bureau-admin',
        jurisdictions: ['320585'],
      });
      await expect(remote.verifyUser(foreign)).rejects.toMatchObject({ failure: 'UNKNOWN_ISSUER' });
    } finally {
      await stranger.close();
    }

    await expect(remote.verifyUser(token)).resolves.toMatchObject({ userId: 'u-zhou' });
    id.clock.advance(10 * 60_000 + 31_000); // past the lifetime and the 30 s clock tolerance
    await expect(remote.verifyUser(token)).rejects.toMatchObject({ failure: 'EXPIRED_TOKEN' });
    const me = await id.inject({ url: '/v1/me', headers: bearer(token) });
    expect([me.statusCode, me.json().details?.reason]).toEqual([401, 'EXPIRED_TOKEN']);
  });
});

describe('refresh tokens', () => {
  it('rotates: the new pair works, and a reused old token revokes the whole session', async () => {
    const first = (await id.login('handler.zhou')).json().refreshToken;
    const refreshed = await refresh(first);
    expect(refreshed.statusCode).toBe(200);
    const second = refreshed.json().refreshToken;
    expect(second).not.toBe(first);
    expect(await id.remoteVerifier().verifyUser(refreshed.json().accessToken)).toMatchObject({
      userId: 'u-zhou',
    });
    const replay = await refresh(first);
    expect([replay.statusCode, replay.json().code]).toEqual([401, 'INVALID_REFRESH_TOKEN']);
    // The replay ended the session: the legitimate newer token is dead too.
    expect((await refresh(second)).statusCode).toBe(401);
  });

  it('refuses a refresh token revoked by logout, and leaves other sessions alone', async () => {
    const revoked = (await id.login('handler.zhou')).json().refreshToken;
    const other = (await id.login('handler.zhou')).json().refreshToken;
    const logout = await id.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      payload: { refreshToken: revoked },
    });
    expect(logout.statusCode).toBe(204);
    expect((await refresh(revoked)).json().code).toBe('INVALID_REFRESH_TOKEN');
    expect((await refresh(other)).statusCode).toBe(200);
  });

  it('refuses an expired refresh token and an unknown one', async () => {
    const token = (await id.login('handler.zhou')).json().refreshToken;
    id.clock.advance(7 * 24 * 3_600_000);
    expect((await refresh(token)).json().code).toBe('INVALID_REFRESH_TOKEN');
    expect((await refresh('hrt_made-up')).json().code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('ends every session when the password changes', async () => {
    const token = (await id.login('handler.li')).json();
    const changed = await id.inject({
      method: 'POST',
      url: '/v1/me/password',
      headers: bearer(token.accessToken),
      payload: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
    });
    expect(changed.statusCode).toBe(204);
    expect((await refresh(token.refreshToken)).statusCode).toBe(401);
    expect((await id.login('handler.li')).statusCode).toBe(401);
    expect((await id.login('handler.li', 'a brand new passphrase')).statusCode).toBe(200);
  });
});

describe('login rate limit', () => {
  it('answers 429 past the per-address limit, counted in Redis so it holds across replicas', async () => {
    const config = { ...id.config, LOGIN_RATE_PER_MINUTE: 3 };
    const [a, b] = [(await id.makeApp({ config })).server, (await id.makeApp({ config })).server];
    id.clock.advance(60_000); // a fresh window
    const attempt = (server: typeof a, remoteAddress = '192.0.2.1') =>
      server.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { username: 'handler.zhou', password: PASSWORD },
        remoteAddress,
      });
    expect([
      (await attempt(a)).statusCode,
      (await attempt(b)).statusCode,
      (await attempt(a)).statusCode,
    ]).toEqual([200, 200, 200]);
    const limited = await attempt(b);
    expect([limited.statusCode, limited.json().code]).toEqual([429, 'TOO_MANY_REQUESTS']);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // The flood from one client leaves everyone else's login working.
    expect((await attempt(a, '192.0.2.2')).statusCode).toBe(200);
    await a.close();
    await b.close();
  });
});
