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

  it('locks the account after five wrong passwords in a row, even against the right one, for 15 minutes', async () => {
    for (let i = 0; i < 4; i++)
      expect((await id.login('handler.unlucky', 'wrong password')).statusCode).toBe(401);
    expect((await id.login('handler.unlucky', 'wrong password')).statusCode).toBe(401);
    const locked = await id.login('handler.unlucky');
    expect([locked.statusCode, locked.json().code]).toEqual([423, 'ACCOUNT_LOCKED']);
    expect(Number(locked.headers['retry-after'])).toBe(15 * 60);
    id.clock.advance(14 * 60_000);
    expect((await id.login('handler.unlucky')).statusCode).toBe(423);
    id.clock.advance(60_000);
    expect((await id.login('handler.unlucky')).statusCode).toBe(200);
  });

  it('counts wrong passwords sent in parallel, so a burst cannot slip past the threshold', async () => {
    const burst = await Promise.all(
      Array.from({ length: 8 }, () => id.login('handler.racer', 'wrong password')),
    );
    expect(burst.every((res) => res.statusCode === 401 || res.statusCode === 423)).toBe(true);
    expect((await id.login('handler.racer')).json().code).toBe('ACCOUNT_LOCKED');
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
    const attempt = (server: typeof a) =>
      server.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { username: 'handler.zhou', password: PASSWORD },
      });
    expect([
      (await attempt(a)).statusCode,
      (await attempt(b)).statusCode,
      (await attempt(a)).statusCode,
    ]).toEqual([200, 200, 200]);
    const limited = await attempt(b);
    expect([limited.statusCode, limited.json().code]).toEqual([429, 'TOO_MANY_REQUESTS']);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await a.close();
    await b.close();
  });
});
