import { createHttpServer, createLogger, createMetricsRegistry } from '@huimin/kit';
import { startTestEnv, type TestEnv } from '@huimin/testkit';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditRead,
  authenticate,
  checkServiceCall,
  createTestIssuer,
  createTokenVerifier,
  requireRole,
  requireService,
  type TestIssuer,
  userOf,
} from '../src/index.ts';

let issuer: TestIssuer;
let stranger: TestIssuer;
let env: TestEnv;

beforeAll(async () => {
  issuer = await createTestIssuer();
  stranger = await createTestIssuer();
  env = await startTestEnv({ name: 'auth', broker: false, redis: false });
});

afterAll(async () => {
  await issuer?.close();
  await stranger?.close();
  await env?.close();
});

const handler = { userId: 'u-handler-1', role: 'case-handler' as const, jurisdictions: ['320585001001'] };

async function app() {
  const verifier = createTokenVerifier({ issuers: [{ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl }] });
  const server = await createHttpServer({
    name: 'auth-test',
    logger: createLogger({ name: 'auth-test', level: 'silent' }),
    registry: createMetricsRegistry({ service: 'auth-test' }),
  });
  server.get('/me', { preHandler: [authenticate(verifier)] }, async (request) => userOf(request));
  server.get(
    '/supervisors',
    { preHandler: [authenticate(verifier), requireRole('town-supervisor')] },
    async () => 'ok',
  );
  server.get(
    '/internal',
    { preHandler: [authenticate(verifier), requireService('discovery')] },
    async () => 'ok',
  );
  await server.ready();
  return server;
}

describe('token verification', () => {
  it('admits a valid person’s token and exposes the principal', async () => {
    const server = await app();
    const res = await server.inject({
      url: '/me',
      headers: { authorization: `Bearer ${await issuer.userToken(handler)}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ kind: 'user', ...handler });
  });

  it('refuses a missing, expired, tampered or foreign token with 401', async () => {
    const server = await app();
    const valid = await issuer.userToken(handler);
    const [header, payload, signature] = valid.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'bureau-admin' })).toString('base64url')}.${signature}`;
    const expired = await issuer.userToken(handler, {
      ttlSeconds: 60,
      now: new Date(Date.now() - 3_600_000),
    });
    const foreign = await stranger.userToken(handler);
    const unsigned = await new SignJWT({ typ: 'user', role: 'bureau-admin', jur: ['320585'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(issuer.issuer)
      .setAudience('huimin')
      .setSubject('u-x')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a guessed secret of thirty-two bytes!'));
    const cases: [string, string | undefined, string][] = [
      ['missing', undefined, 'MISSING_TOKEN'],
      ['expired', expired, 'EXPIRED_TOKEN'],
      ['tampered', tampered, 'INVALID_TOKEN'],
      ['unknown issuer', foreign, 'UNKNOWN_ISSUER'],
      ['wrong algorithm', unsigned, 'INVALID_TOKEN'],
      ['junk', 'not-a-jwt', 'MALFORMED_TOKEN'],
    ];
    for (const [name, token, reason] of cases) {
      const res = await server.inject({
        url: '/me',
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      expect([name, res.statusCode, res.json().details?.reason]).toEqual([name, 401, reason]);
    }
  });

  it('refuses a role that may not, and a person calling a service-only endpoint, with 403', async () => {
    const server = await app();
    const asHandler = { authorization: `Bearer ${await issuer.userToken(handler)}` };
    expect((await server.inject({ url: '/supervisors', headers: asHandler })).statusCode).toBe(403);
    expect((await server.inject({ url: '/internal', headers: asHandler })).statusCode).toBe(403);
  });

  it('admits the named service on an internal endpoint and refuses calls without service identity', async () => {
    const server = await app();
    const discovery = { authorization: `Bearer ${await issuer.serviceToken('discovery')}` };
    const notify = { authorization: `Bearer ${await issuer.serviceToken('notify')}` };
    expect((await server.inject({ url: '/internal', headers: discovery })).statusCode).toBe(200);
    expect((await server.inject({ url: '/internal', headers: notify })).statusCode).toBe(403);
    expect((await server.inject({ url: '/internal' })).statusCode).toBe(401);
    // A service token is no person: it cannot pass where a person is required.
    expect((await server.inject({ url: '/me', headers: discovery })).statusCode).toBe(403);
  });
});

describe('verifier settings', () => {
  it('refuses a token for another audience', async () => {
    const verifier = createTokenVerifier({
      issuers: [{ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl }],
      audience: 'another-platform',
    });
    await expect(verifier.verify(await issuer.userToken(handler))).rejects.toMatchObject({
      failure: 'INVALID_TOKEN',
    });
  });

  it('reads expiry on the clock it is given', async () => {
    const issuedAt = new Date('2026-03-02T08:00:00Z');
    let now = new Date('2026-03-02T08:05:00Z');
    const verifier = createTokenVerifier({
      issuers: [{ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl }],
      now: () => now,
    });
    const token = await issuer.userToken(handler, { now: issuedAt, ttlSeconds: 600 });
    await expect(verifier.verifyUser(token)).resolves.toMatchObject({ userId: handler.userId });
    now = new Date('2026-03-02T08:10:31Z');
    await expect(verifier.verifyUser(token)).rejects.toMatchObject({ failure: 'EXPIRED_TOKEN' });
  });

  it('takes service tokens from identity only: another trusted issuer’s count for people, never for services', async () => {
    // identity first (as trustedIssuersFrom lists it), an OIDC provider for people's logins second.
    const verifier = createTokenVerifier({
      issuers: [
        { issuer: issuer.issuer, jwksUrl: issuer.jwksUrl },
        { issuer: stranger.issuer, jwksUrl: stranger.jwksUrl },
      ],
    });
    await expect(verifier.verifyService(await issuer.serviceToken('charity'))).resolves.toEqual({
      kind: 'service',
      service: 'charity',
    });
    await expect(verifier.verifyUser(await stranger.userToken(handler))).resolves.toMatchObject({
      userId: handler.userId,
    });
    for (const check of [verifier.verify, verifier.verifyService])
      await expect(check(await stranger.serviceToken('charity'))).rejects.toMatchObject({
        failure: 'INVALID_TOKEN',
      });
    const viaCall = await checkServiceCall(verifier, `Bearer ${await stranger.serviceToken('discovery')}`, [
      'discovery',
    ]);
    expect(viaCall).toMatchObject({ ok: false, httpStatus: 401, grpcStatus: 16 });
    expect(() =>
      createTokenVerifier({
        issuers: [{ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl }],
        serviceIssuer: stranger.issuer,
      }),
    ).toThrow(/not among the trusted issuers/);
  });

  it('refuses to be built without issuers or with one twice', () => {
    expect(() => createTokenVerifier({ issuers: [] })).toThrow(/at least one/);
    const twice = { issuer: issuer.issuer, jwksUrl: issuer.jwksUrl };
    expect(() => createTokenVerifier({ issuers: [twice, twice] })).toThrow(/twice/);
  });
});

describe('internal calls (gRPC or HTTP)', () => {
  it('admits only service tokens of the allowed services, with the status each transport answers', async () => {
    const verifier = createTokenVerifier({ issuers: [{ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl }] });
    const discovery = `Bearer ${await issuer.serviceToken('discovery')}`;
    expect(await checkServiceCall(verifier, [discovery], ['discovery', 'notify'])).toEqual({
      ok: true,
      principal: { kind: 'service', service: 'discovery' },
    });
    expect(await checkServiceCall(verifier, discovery, ['charity'])).toMatchObject({
      ok: false,
      httpStatus: 403,
      grpcStatus: 7,
    });
    expect(await checkServiceCall(verifier, undefined)).toMatchObject({
      ok: false,
      httpStatus: 401,
      grpcStatus: 16,
    });
    const person = `Bearer ${await issuer.userToken({ ...handler, role: 'bureau-admin', jurisdictions: ['320585'] })}`;
    expect(await checkServiceCall(verifier, [person])).toMatchObject({ ok: false, grpcStatus: 16 });
    const foreign = `Bearer ${await stranger.serviceToken('discovery')}`;
    expect(await checkServiceCall(verifier, [foreign])).toMatchObject({ ok: false, grpcStatus: 16 });
  });
});

describe('audit of reads', () => {
  it('appends a PersonRecordRead to the service’s outbox, naming who, what, how and why', async () => {
    await auditRead(env.pool, 'discovery', {
      reader: { kind: 'user', ...handler },
      subjectType: 'household',
      subjectId: 'H320585-000123',
      view: 'masked',
      purpose: 'alert ALR-2026-000001',
    });
    const { rows } = await env.pool.query<{
      type: string;
      topic: string;
      key: string;
      payload: Record<string, unknown>;
    }>('select type, topic, key, payload from outbox');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      type: 'huimin.identity.record-read.v1',
      topic: 'huimin.identity.audit',
      key: 'u-handler-1',
      payload: {
        actorId: 'u-handler-1',
        actorRole: 'case-handler',
        service: 'discovery',
        subjectType: 'household',
        subjectId: 'H320585-000123',
        view: 'masked',
        purpose: 'alert ALR-2026-000001',
      },
    });
  });
});
