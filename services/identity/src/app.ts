import { randomUUID } from 'node:crypto';
import {
  authenticate,
  createTokenVerifier,
  inJurisdiction,
  requireRole,
  roles,
  type UserPrincipal,
  userOf,
} from '@huimin/auth';
import { isCommunity, isWithin, townOf } from '@huimin/contracts';
import { AppError, createHttpServer, type Logger } from '@huimin/kit';
import { type Static, Type } from '@sinclair/typebox';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import type { IdentityConfig } from './config.ts';
import { afterFailure, isLocked } from './domain/lockout.ts';
import { hashPassword, UNUSABLE_HASH, verifyPassword } from './domain/passwords.ts';
import { handlersOnDuty } from './domain/roster.ts';
import { identityErrors } from './errors.ts';
import type { SigningKeys } from './keys.ts';
import { createIdentityStore, type UserRow } from './store/identity-store.ts';
import { createTokenIssuer, sha256 } from './tokens.ts';

export interface IdentityDeps {
  config: IdentityConfig;
  logger: Logger;
  registry: Registry;
  pool: pg.Pool;
  redis: Redis;
  keys: SigningKeys;
  now: () => Date;
}

const Login = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
const Refresh = Type.Object(
  { refreshToken: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const NewUser = Type.Object(
  {
    username: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{2,63}$' }),
    displayName: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 10, maxLength: 256 }),
    role: Type.Union(roles.map((r) => Type.Literal(r))),
    jurisdictions: Type.Array(Type.String({ pattern: '^\\d{6}(\\d{3}){0,2}$' }), { maxItems: 50 }),
    providerId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
  },
  { additionalProperties: false },
);
const CommunityParams = Type.Object({ code: Type.String({ pattern: '^\\d{12}$' }) });
const RosterBody = Type.Object(
  { userIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50, uniqueItems: true }) },
  { additionalProperties: false },
);
const LeaveBody = Type.Object(
  {
    userId: Type.String({ minLength: 1, maxLength: 64 }),
    startsAt: Type.String({ format: 'date-time' }),
    endsAt: Type.String({ format: 'date-time' }),
    delegateId: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);

/** A user as others may see them: never the password hash or login state. */
function present(user: UserRow) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    jurisdictions: user.jurisdictions,
    ...(user.providerId ? { providerId: user.providerId } : {}),
  };
}

/** A supervisor edits the rosters of their town's communities; the bureau's admin any. */
function mayManage(me: UserPrincipal, communityCode: string): boolean {
  return (me.role === 'town-supervisor' || me.role === 'bureau-admin') && inJurisdiction(me, communityCode);
}

export async function createApp(deps: IdentityDeps) {
  const { config, pool, redis, keys, now } = deps;
  const store = createIdentityStore(pool);
  const issuer = createTokenIssuer(keys, store, {
    issuer: config.ISSUER,
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
  });
  // Identity verifies its own tokens with the keys it holds: no HTTP round trip to itself.
  const verifier = createTokenVerifier({ issuers: [{ issuer: config.ISSUER, jwks: keys.jwks }] });
  const auth = authenticate(verifier);

  const server = await createHttpServer({
    name: 'identity',
    logger: deps.logger,
    registry: deps.registry,
    errors: identityErrors,
    openapi: { title: 'Huimin identity', version: '1' },
  });
  server.addReadinessCheck('postgres', async () => {
    await pool.query('select 1');
  });
  server.addReadinessCheck('redis', async () => {
    await redis.ping();
  });
  // OAuth2 token requests are form-encoded (RFC 6749).
  server.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  async function limitLogins(address: string): Promise<void> {
    const key = `identity:login-rate:${address}:${Math.floor(now().getTime() / 60_000)}`;
    const count = await redis.incr(key);
    if (count === 1) await redis.expire(key, 120);
    if (count > config.LOGIN_RATE_PER_MINUTE)
      throw new AppError('TOO_MANY_REQUESTS', 'too many login attempts; wait a minute');
  }

  server.get('/.well-known/jwks.json', async () => keys.jwks);

  server.post('/v1/auth/login', { schema: { body: Login } }, async (request) => {
    const { username, password } = request.body as Static<typeof Login>;
    await limitLogins(request.ip);
    const user = await store.userByUsername(username);
    const at = now();
    if (!user || user.disabledAt) {
      await verifyPassword(password, UNUSABLE_HASH); // the same time as a wrong password
      throw new AppError('INVALID_CREDENTIALS', 'wrong username or password');
    }
    if (isLocked(user, at))
      throw new AppError('ACCOUNT_LOCKED', 'too many wrong passwords; the account is locked for a while');
    if (!(await verifyPassword(password, user.passwordHash))) {
      const next = afterFailure(
        user,
        { threshold: config.LOCKOUT_THRESHOLD, lockMinutes: config.LOCKOUT_MINUTES },
        at,
      );
      await store.saveLoginState(user.id, next.failedLogins, next.lockedUntil);
      request.log.warn({ userId: user.id, locked: isLocked(next, at) }, 'login failed');
      throw new AppError('INVALID_CREDENTIALS', 'wrong username or password');
    }
    await store.saveLoginState(user.id, 0, null);
    return { ...(await issuer.forUser(user, at)), user: present(user) };
  });

  server.post('/v1/auth/refresh', { schema: { body: Refresh } }, async (request) => {
    const { refreshToken } = request.body as Static<typeof Refresh>;
    const at = now();
    const found = await store.rotateRefreshToken(sha256(refreshToken), at);
    if (!found) throw new AppError('INVALID_REFRESH_TOKEN', 'unknown refresh token');
    if (!found.wasCurrent) {
      // A rotated or revoked token came back: someone holds a copy. End the whole session.
      await store.revokeFamily(found.familyId, at);
      request.log.warn({ userId: found.userId }, 'refresh token reused; session revoked');
      throw new AppError('INVALID_REFRESH_TOKEN', 'this refresh token is no longer valid; log in again');
    }
    if (found.expiresAt <= at)
      throw new AppError('INVALID_REFRESH_TOKEN', 'the refresh token has expired; log in again');
    const user = await store.userById(found.userId);
    if (!user || user.disabledAt)
      throw new AppError('INVALID_REFRESH_TOKEN', 'the account is no longer active');
    return issuer.forUser(user, at, found.familyId);
  });

  server.post('/v1/auth/logout', { schema: { body: Refresh } }, async (request, reply) => {
    const family = await store.familyOf(sha256((request.body as Static<typeof Refresh>).refreshToken));
    if (family) await store.revokeFamily(family, now());
    return reply.code(204).send();
  });

  server.post('/v1/oauth/token', async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'client_credentials')
      throw new AppError('BAD_REQUEST', 'grant_type must be client_credentials');
    const clientId = typeof body.client_id === 'string' ? body.client_id : '';
    const secret = typeof body.client_secret === 'string' ? body.client_secret : '';
    const client = clientId ? await store.serviceClient(clientId) : undefined;
    if (!client || !(await verifyPassword(secret, client.secretHash))) {
      throw new AppError('INVALID_CLIENT', 'unknown service client or wrong secret');
    }
    return {
      access_token: await issuer.forService(clientId, now()),
      token_type: 'Bearer',
      expires_in: issuer.accessTtlSeconds,
    };
  });

  server.get('/v1/me', { preHandler: [auth] }, async (request) => {
    const me = userOf(request);
    const user = await store.userById(me.userId);
    if (!user) throw new AppError('UNKNOWN_USER', 'no such user');
    return present(user);
  });

  server.get('/v1/users', { preHandler: [auth, requireRole('bureau-admin')] }, async () => ({
    users: (await store.listUsers()).map(present),
  }));

  server.post(
    '/v1/users',
    { schema: { body: NewUser }, preHandler: [auth, requireRole('bureau-admin')] },
    async (request, reply) => {
      const body = request.body as Static<typeof NewUser>;
      const user = await createUser(store, body, config.PASSWORD_LOG2N);
      return reply.code(201).send(user);
    },
  );

  server.put(
    '/v1/rosters/communities/:code',
    {
      schema: { params: CommunityParams, body: RosterBody },
      preHandler: [auth, requireRole('town-supervisor', 'bureau-admin')],
    },
    async (request) => {
      const me = userOf(request);
      const { code } = request.params as Static<typeof CommunityParams>;
      if (!isCommunity(code)) throw new AppError('NOT_FOUND', 'no such community');
      if (!mayManage(me, code))
        throw new AppError('FORBIDDEN', 'this community is outside your jurisdiction');
      const { userIds } = request.body as Static<typeof RosterBody>;
      for (const userId of userIds) {
        const user = await store.userById(userId);
        if (user?.role !== 'case-handler')
          throw new AppError('UNKNOWN_USER', `${userId} is not a case handler`);
      }
      await store.replaceRoster(code, userIds);
      return { communityCode: code, userIds };
    },
  );

  server.post(
    '/v1/leaves',
    { schema: { body: LeaveBody }, preHandler: [auth, requireRole('town-supervisor', 'bureau-admin')] },
    async (request, reply) => {
      const me = userOf(request);
      const body = request.body as Static<typeof LeaveBody>;
      const [user, delegate] = [await store.userById(body.userId), await store.userById(body.delegateId)];
      if (!user || !delegate) throw new AppError('UNKNOWN_USER', 'no such user');
      // A supervisor sets leave only for handlers whose communities all lie in their town.
      if (
        !user.jurisdictions.every((code) => mayManage(me, code)) ||
        !delegate.jurisdictions.some((code) => mayManage(me, code))
      ) {
        throw new AppError('FORBIDDEN', 'the handler or the delegate is outside your jurisdiction');
      }
      const startsAt = new Date(body.startsAt);
      const endsAt = new Date(body.endsAt);
      if (!(endsAt > startsAt)) throw new AppError('BAD_REQUEST', 'endsAt must be after startsAt');
      const id = randomUUID();
      await store.addLeave({
        id,
        userId: user.id,
        startsAt,
        endsAt,
        delegateId: delegate.id,
        createdBy: me.userId,
      });
      return reply.code(201).send({ id, ...body });
    },
  );

  // Discovery and notify ask who handles a community's alerts at a time (routing, delegation).
  server.get(
    '/v1/rosters/communities/:code/handlers',
    { schema: { params: CommunityParams }, preHandler: [auth] },
    async (request) => {
      const { code } = request.params as Static<typeof CommunityParams>;
      const principal = request.principal;
      if (principal?.kind === 'user' && !inJurisdiction(principal, code))
        throw new AppError('NOT_FOUND', 'no such community');
      const town = townOf(code);
      if (!town) throw new AppError('NOT_FOUND', 'no such community');
      const atParam = (request.query as { at?: string }).at;
      const at = atParam ? new Date(atParam) : now();
      if (Number.isNaN(at.getTime())) throw new AppError('BAD_REQUEST', 'at must be an RFC 3339 instant');
      const rostered = await store.rosterOf(code);
      return {
        communityCode: code,
        townCode: town.code,
        at: at.toISOString(),
        handlers: handlersOnDuty(rostered, await store.leavesOf(rostered), at),
        supervisors: await store.supervisorsOf(town.code),
      };
    },
  );

  server.get('/v1/audit/reads', { preHandler: [auth, requireRole('auditor')] }, async (request) => {
    const q = request.query as Record<string, string | undefined>;
    const date = (value: string | undefined) => (value ? new Date(value) : undefined);
    return {
      reads: await store.auditReads({
        ...(q.actorId ? { actorId: q.actorId } : {}),
        ...(q.subjectType ? { subjectType: q.subjectType } : {}),
        ...(q.subjectId ? { subjectId: q.subjectId } : {}),
        ...(date(q.from) ? { from: date(q.from) as Date } : {}),
        ...(date(q.to) ? { to: date(q.to) as Date } : {}),
        limit: Math.min(Number(q.limit ?? 100) || 100, 1000),
      }),
    };
  });

  return { server, store };
}

/** Creates a user after checking the role's jurisdictions make sense; used by the API, the CLI and the seed. */
export async function createUser(
  store: ReturnType<typeof createIdentityStore>,
  input: Static<typeof NewUser> & { id?: string },
  log2N: number,
) {
  for (const code of input.jurisdictions) {
    if (!isWithin(code, '320585'))
      throw new AppError('BAD_REQUEST', `${code} is not a division of this county`);
  }
  if (input.role === 'provider-staff' && !input.providerId)
    throw new AppError('BAD_REQUEST', 'provider staff need a providerId');
  const id = input.id ?? `u-${randomUUID()}`;
  const created = await store.createUser({
    id,
    username: input.username,
    displayName: input.displayName,
    passwordHash: await hashPassword(input.password, { log2N }),
    role: input.role,
    jurisdictions: input.jurisdictions,
    providerId: input.providerId,
  });
  if (!created) throw new AppError('USERNAME_TAKEN', 'that username is taken');
  const user = await store.userById(id);
  if (!user) throw new Error('user vanished after insert');
  return present(user);
}
