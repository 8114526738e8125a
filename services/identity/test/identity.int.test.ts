import { fileURLToPath } from 'node:url';
import { createTokenVerifier, devServiceCredentials } from '@huimin/auth';
import { PersonRecordRead } from '@huimin/contracts';
import { createConsumerRunner, createProducer, createPublisher, ensureTopics } from '@huimin/kafka';
import { createMetricsRegistry, loadConfig } from '@huimin/kit';
import { startTestEnv, type TestEnv, waitUntil } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createUser } from '../src/app.ts';
import { IdentityConfig } from '../src/config.ts';
import { hashPassword } from '../src/domain/passwords.ts';
import { auditHandlers } from '../src/handlers/audit-consumer.ts';
import { loadSigningKeys } from '../src/keys.ts';

let env: TestEnv;
let app: Awaited<ReturnType<typeof createApp>>;
let baseUrl: string;
let clock = new Date();
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  env = await startTestEnv({
    name: 'identity',
    migrationsDir: fileURLToPath(new URL('../migrations', import.meta.url)),
  });
  const config = loadConfig(IdentityConfig, {
    PASSWORD_LOG2N: '10',
    LOGIN_RATE_PER_MINUTE: '1000',
    ISSUER: 'http://identity.test',
  });
  const keys = await loadSigningKeys(env.pool, config.ACCESS_TOKEN_TTL_SECONDS);
  app = await createApp({
    config,
    logger: env.logger,
    registry: createMetricsRegistry({ service: 'identity' }),
    pool: env.pool,
    redis: env.redis,
    keys,
    now: () => clock,
  });
  await app.server.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const people = [
    { id: 'u-li', username: 'handler.li', role: 'case-handler', jurisdictions: ['320585001001'] },
    { id: 'u-zhou', username: 'handler.zhou', role: 'case-handler', jurisdictions: ['320585001002'] },
    { id: 'u-sup', username: 'supervisor.loudong', role: 'town-supervisor', jurisdictions: ['320585001'] },
    { id: 'u-sup2', username: 'supervisor.ludu', role: 'town-supervisor', jurisdictions: ['320585002'] },
    { id: 'u-auditor', username: 'auditor', role: 'auditor', jurisdictions: ['320585'] },
    { id: 'u-locked', username: 'handler.unlucky', role: 'case-handler', jurisdictions: ['320585001001'] },
  ] as const;
  for (const p of people) {
    await createUser(
      app.store,
      { ...p, jurisdictions: [...p.jurisdictions], displayName: p.username, password: PASSWORD },
      10,
    );
  }
  const { clientId, clientSecret } = devServiceCredentials('discovery');
  await app.store.upsertServiceClient(clientId, await hashPassword(clientSecret, { log2N: 10 }));
});

afterAll(async () => {
  await app?.server.close();
  await env?.close();
});

async function login(username: string, password = PASSWORD) {
  return app.server.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password } });
}
async function tokenOf(username: string): Promise<string> {
  const res = await login(username);
  expect(res.statusCode).toBe(200);
  return res.json().accessToken;
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('login and tokens', () => {
  it('issues a token another service verifies locally from the published JWKS', async () => {
    const res = await login('handler.li');
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toEqual({
      id: 'u-li',
      username: 'handler.li',
      displayName: 'handler.li',
      role: 'case-handler',
      jurisdictions: ['320585001001'],
    });
    const verifier = createTokenVerifier({
      issuers: [{ issuer: 'http://identity.test', jwksUrl: `${baseUrl}/.well-known/jwks.json` }],
    });
    expect(await verifier.verifyUser(res.json().accessToken)).toEqual({
      kind: 'user',
      userId: 'u-li',
      role: 'case-handler',
      jurisdictions: ['320585001001'],
    });
  });

  it('refuses a wrong password, and locks the account after five in a row even for the right one', async () => {
    for (let i = 0; i < 4; i++)
      expect((await login('handler.unlucky', 'wrong password')).json().code).toBe('INVALID_CREDENTIALS');
    expect((await login('nobody', 'wrong password')).json().code).toBe('INVALID_CREDENTIALS');
    const fifth = await login('handler.unlucky', 'wrong password');
    expect(fifth.statusCode).toBe(401);
    const locked = await login('handler.unlucky');
    expect([locked.statusCode, locked.json().code]).toEqual([423, 'ACCOUNT_LOCKED']);
    clock = new Date(clock.getTime() + 15 * 60_000);
    expect((await login('handler.unlucky')).statusCode).toBe(200);
  });

  it('rotates refresh tokens; a reused one revokes the whole session', async () => {
    const first = (await login('handler.zhou')).json().refreshToken;
    const refreshed = await app.server.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refreshToken: first },
    });
    expect(refreshed.statusCode).toBe(200);
    const second = refreshed.json().refreshToken;
    expect(second).not.toBe(first);
    const replay = await app.server.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refreshToken: first },
    });
    expect([replay.statusCode, replay.json().code]).toEqual([401, 'INVALID_REFRESH_TOKEN']);
    // The thief's replay ended the session: the legitimate newer token is dead too.
    const afterReplay = await app.server.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refreshToken: second },
    });
    expect(afterReplay.statusCode).toBe(401);
  });

  it('refuses a refresh token revoked by logout', async () => {
    const token = (await login('handler.zhou')).json().refreshToken;
    expect(
      (await app.server.inject({ method: 'POST', url: '/v1/auth/logout', payload: { refreshToken: token } }))
        .statusCode,
    ).toBe(204);
    expect(
      (await app.server.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: token } }))
        .statusCode,
    ).toBe(401);
  });
});

describe('login rate limit', () => {
  it('answers 429 past the per-address limit, counted in Redis so it holds across replicas', async () => {
    const config = loadConfig(IdentityConfig, {
      PASSWORD_LOG2N: '10',
      LOGIN_RATE_PER_MINUTE: '3',
      ISSUER: 'http://identity.test',
    });
    const make = async () =>
      (
        await createApp({
          config,
          logger: env.logger,
          registry: createMetricsRegistry({ service: 'identity' }),
          pool: env.pool,
          redis: env.redis,
          keys: await loadSigningKeys(env.pool, config.ACCESS_TOKEN_TTL_SECONDS),
          now: () => new Date('2030-01-01T00:00:30Z'),
        })
      ).server;
    const [a, b] = [await make(), await make()];
    const attempt = (server: typeof a) =>
      server.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { username: 'handler.li', password: 'wrong password' },
      });
    const codes = [
      (await attempt(a)).statusCode,
      (await attempt(b)).statusCode,
      (await attempt(a)).statusCode,
    ];
    expect(codes).toEqual([401, 401, 401]);
    const limited = await attempt(b);
    expect([limited.statusCode, limited.json().code]).toEqual([429, 'TOO_MANY_REQUESTS']);
    await a.close();
    await b.close();
  });
});

describe('service identity', () => {
  it('gives a service token for the right client secret and refuses the roster to callers without one', async () => {
    const { clientId, clientSecret } = devServiceCredentials('discovery');
    const wrong = await app.server.inject({
      method: 'POST',
      url: '/v1/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${clientId}&client_secret=guess`,
    });
    expect([wrong.statusCode, wrong.json().code]).toEqual([401, 'INVALID_CLIENT']);
    const res = await app.server.inject({
      method: 'POST',
      url: '/v1/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`,
    });
    expect(res.statusCode).toBe(200);
    const url = '/v1/rosters/communities/320585001001/handlers';
    expect((await app.server.inject({ url })).statusCode).toBe(401);
    expect((await app.server.inject({ url, headers: bearer(res.json().access_token) })).statusCode).toBe(200);
  });
});

describe('rosters, leave and delegation', () => {
  it('routes a community’s alerts to the delegate only while its handler is on leave', async () => {
    const supervisor = await tokenOf('supervisor.loudong');
    const put = await app.server.inject({
      method: 'PUT',
      url: '/v1/rosters/communities/320585001001',
      headers: bearer(supervisor),
      payload: { userIds: ['u-li'] },
    });
    expect(put.statusCode).toBe(200);
    const leave = await app.server.inject({
      method: 'POST',
      url: '/v1/leaves',
      headers: bearer(supervisor),
      payload: {
        userId: 'u-li',
        delegateId: 'u-zhou',
        startsAt: '2026-03-02T00:00:00Z',
        endsAt: '2026-03-09T00:00:00Z',
      },
    });
    expect(leave.statusCode).toBe(201);
    const at = async (instant: string) =>
      (
        await app.server.inject({
          url: `/v1/rosters/communities/320585001001/handlers?at=${instant}`,
          headers: bearer(supervisor),
        })
      ).json();
    expect((await at('2026-03-01T12:00:00Z')).handlers).toEqual([{ userId: 'u-li' }]);
    expect((await at('2026-03-05T12:00:00Z')).handlers).toEqual([{ userId: 'u-zhou', onBehalfOf: 'u-li' }]);
    expect((await at('2026-03-09T00:00:00Z')).handlers).toEqual([{ userId: 'u-li' }]);
    expect((await at('2026-03-05T12:00:00Z')).supervisors).toEqual(['u-sup']);
  });

  it('refuses roster edits by another town’s supervisor and by handlers', async () => {
    const payload = { userIds: ['u-li'] };
    const url = '/v1/rosters/communities/320585001001';
    const other = await app.server.inject({
      method: 'PUT',
      url,
      headers: bearer(await tokenOf('supervisor.ludu')),
      payload,
    });
    expect(other.statusCode).toBe(403);
    const handler = await app.server.inject({
      method: 'PUT',
      url,
      headers: bearer(await tokenOf('handler.li')),
      payload,
    });
    expect(handler.statusCode).toBe(403);
  });
});

describe('audit of reads', () => {
  it('stores every PersonRecordRead once, shows it to auditors only, and refuses to change it', async () => {
    const topics = [PersonRecordRead.topic];
    await ensureTopics(env.kafka, { topics, mode: 'dev', logger: env.logger });
    const producer = createProducer(env.kafka);
    await producer.connect();
    const read = {
      readId: 'RR-test-1',
      actorId: 'u-li',
      actorRole: 'case-handler',
      service: 'discovery',
      subjectType: 'household' as const,
      subjectId: 'H320585-000123',
      view: 'masked' as const,
      purpose: 'alert ALR-2026-000001',
      readAt: '2026-03-02T01:15:00.000Z',
    };
    const publisher = createPublisher({ producer });
    await publisher.publish(PersonRecordRead, read, { source: '/huimin/discovery', id: 'e1' });
    await publisher.publish(PersonRecordRead, read, { source: '/huimin/discovery', id: 'e2' }); // a second delivery path
    await producer.disconnect();
    const runner = createConsumerRunner({
      kafka: env.kafka,
      pool: env.pool,
      groupId: 'identity.audit',
      handlers: auditHandlers,
      logger: env.logger,
    });
    await runner.start();
    try {
      await waitUntil(
        async () => (await env.pool.query('select 1 from audit_reads')).rowCount === 1,
        'the read is stored',
      );
    } finally {
      await runner.stop();
    }
    const res = await app.server.inject({
      url: '/v1/audit/reads?actorId=u-li',
      headers: bearer(await tokenOf('auditor')),
    });
    expect(res.json().reads).toEqual([{ ...read }]);
    expect(
      (await app.server.inject({ url: '/v1/audit/reads', headers: bearer(await tokenOf('handler.li')) }))
        .statusCode,
    ).toBe(403);
    await expect(env.pool.query(`update audit_reads set purpose = 'x'`)).rejects.toThrow(/append-only/);
    await expect(env.pool.query('delete from audit_reads')).rejects.toThrow(/append-only/);
  });
});
