import { authenticate, userOf } from '@huimin/auth';
import { AppError } from '@huimin/kit';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { checkPassword, presentUser } from '../accounts.ts';
import { afterFailure, isLocked } from '../domain/lockout.ts';
import { hashPassword, needsRehash, unusableHash, verifyPassword } from '../domain/passwords.ts';
import { refreshTokenHash } from '../tokens.ts';
import { callerAddress, enforceLimit, type RouteContext } from './context.ts';
import { ErrorBody, Session, User } from './schemas.ts';

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
const PasswordChange = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
    newPassword: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
const ServiceTokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
});
const Jwk = Type.Object({ kid: Type.String(), kty: Type.String() }, { additionalProperties: true });

/** Login, refresh, logout, the JWKS, service tokens (OAuth2 client credentials), and /v1/me. */
export function authRoutes(server: FastifyInstance, context: RouteContext): void {
  const { users, issuer, keys, limits, throttle, now, passwordCost, config } = context;
  const auth = authenticate(context.verifier);
  const lockout = { threshold: config.LOCKOUT_THRESHOLD, lockMinutes: config.LOCKOUT_MINUTES };
  const dummyHash = unusableHash(passwordCost);

  server.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['tokens'],
        summary:
          'The public keys tokens are signed with (the next key, the active one, recently retired ones)',
        response: { 200: Type.Object({ keys: Type.Array(Jwk) }) },
      },
    },
    async (_request, reply) => {
      // Verifiers refetch on an unknown kid; a short cache keeps the refetch cheap for everyone.
      reply.header('cache-control', 'public, max-age=60');
      return keys.jwks();
    },
  );

  server.post<{ Body: Static<typeof Login> }>(
    '/v1/auth/login',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Log in with a password: an access token and a refresh token',
        body: Login,
        response: {
          200: Type.Object({ ...Session.properties, user: User }),
          401: ErrorBody,
          423: ErrorBody,
          429: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      await enforceLimit(limits.login, context, request, reply);
      const { username, password } = request.body;
      const address = callerAddress(context, request);
      const wait = await throttle.waitSeconds(username, address);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw new AppError(
          'TOO_MANY_REQUESTS',
          `too many wrong passwords for this username from this address; retry in ${wait} s`,
        );
      }
      const at = now();
      const user = await users.userByUsername(username);
      if (!user || user.disabledAt) {
        await verifyPassword(password, dummyHash); // the same time as a wrong password
        await throttle.failed(username, address);
        throw new AppError('INVALID_CREDENTIALS', 'wrong username or password');
      }
      if (isLocked(user, at)) {
        const seconds = Math.ceil(((user.lockedUntil?.getTime() ?? at.getTime()) - at.getTime()) / 1000);
        reply.header('retry-after', String(seconds));
        throw new AppError('ACCOUNT_LOCKED', 'too many wrong passwords; the account is locked for a while');
      }
      if (!(await verifyPassword(password, user.passwordHash))) {
        const state = await users.recordLoginFailure(user.id, (current) =>
          afterFailure(current, lockout, at),
        );
        const delayed = await throttle.failed(username, address);
        request.log.warn({ userId: user.id, locked: isLocked(state, at), delayed }, 'login failed');
        throw new AppError('INVALID_CREDENTIALS', 'wrong username or password');
      }
      await throttle.succeeded(username, address);
      await users.recordLoginSuccess(user.id);
      if (needsRehash(user.passwordHash, passwordCost)) {
        await users.upgradePasswordHash(
          user.id,
          user.passwordHash,
          await hashPassword(password, passwordCost),
        );
      }
      request.log.info({ userId: user.id }, 'logged in');
      return { ...(await issuer.forUser(user, at)), user: presentUser(user, at) };
    },
  );

  server.post<{ Body: Static<typeof Refresh> }>(
    '/v1/auth/refresh',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Trade a refresh token for a new pair; reusing a rotated token ends the session',
        body: Refresh,
        response: { 200: Session, 401: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      await enforceLimit(limits.token, context, request, reply);
      const at = now();
      const found = await users.rotateRefreshToken(refreshTokenHash(request.body.refreshToken), at);
      if (!found) throw new AppError('INVALID_REFRESH_TOKEN', 'unknown refresh token');
      if (!found.wasCurrent) {
        // A rotated or revoked token came back: someone holds a copy. End the whole session.
        await users.revokeFamily(found.familyId, at);
        request.log.warn({ userId: found.userId }, 'refresh token reused; session revoked');
        throw new AppError('INVALID_REFRESH_TOKEN', 'this refresh token is no longer valid; log in again');
      }
      if (found.expiresAt <= at)
        throw new AppError('INVALID_REFRESH_TOKEN', 'the refresh token has expired; log in again');
      const user = await users.userById(found.userId);
      if (!user || user.disabledAt) {
        await users.revokeFamily(found.familyId, at);
        throw new AppError('INVALID_REFRESH_TOKEN', 'the account is no longer active');
      }
      return issuer.forUser(user, at, found.familyId);
    },
  );

  server.post<{ Body: Static<typeof Refresh> }>(
    '/v1/auth/logout',
    {
      schema: { tags: ['sessions'], summary: 'End the session the refresh token belongs to', body: Refresh },
    },
    async (request, reply) => {
      const family = await users.familyOf(refreshTokenHash(request.body.refreshToken));
      if (family) await users.revokeFamily(family, now());
      return reply.code(204).send();
    },
  );

  // OAuth2 token requests are form-encoded (RFC 6749); JSON is accepted too.
  server.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  server.post(
    '/v1/oauth/token',
    {
      schema: {
        tags: ['tokens'],
        summary: 'A service token for another Huimin service (grant_type=client_credentials)',
        description:
          'Client credentials in the form body (client_id, client_secret) or as HTTP Basic authentication.',
        response: { 200: ServiceTokenResponse, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      await enforceLimit(limits.token, context, request, reply);
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (body.grant_type !== 'client_credentials')
        throw new AppError('BAD_REQUEST', 'grant_type must be client_credentials');
      const { clientId, secret } = clientCredentials(request.headers.authorization, body);
      const client = clientId ? await users.serviceClient(clientId) : undefined;
      if (!client || !(await verifyPassword(secret, client.secretHash))) {
        request.log.warn({ clientId }, 'service client refused');
        throw new AppError('INVALID_CLIENT', 'unknown service client or wrong secret');
      }
      return {
        access_token: await issuer.forService(clientId, now()),
        token_type: 'Bearer' as const,
        expires_in: issuer.accessTtlSeconds,
      };
    },
  );

  server.get(
    '/v1/me',
    {
      schema: { tags: ['users'], summary: 'The person the token belongs to', response: { 200: User } },
      preHandler: [auth],
    },
    async (request) => {
      const me = userOf(request);
      const user = await users.userById(me.userId);
      if (!user) throw new AppError('UNKNOWN_USER', 'no such user');
      return presentUser(user, now());
    },
  );

  server.post<{ Body: Static<typeof PasswordChange> }>(
    '/v1/me/password',
    {
      schema: {
        tags: ['users'],
        summary: 'Change one’s own password; every session ends',
        body: PasswordChange,
      },
      preHandler: [auth],
    },
    async (request, reply) => {
      const me = userOf(request);
      const user = await users.userById(me.userId);
      if (!user || !(await verifyPassword(request.body.currentPassword, user.passwordHash)))
        throw new AppError('INVALID_CREDENTIALS', 'the current password is wrong');
      checkPassword(request.body.newPassword);
      const at = now();
      await users.setPassword(user.id, await hashPassword(request.body.newPassword, passwordCost), at);
      await users.revokeAllSessions(user.id, at);
      return reply.code(204).send();
    },
  );
}

/** client_id and client_secret from HTTP Basic (RFC 6749 §2.3.1) or the form body. */
function clientCredentials(
  authorization: string | undefined,
  body: Record<string, unknown>,
): { clientId: string; secret: string } {
  const basic = authorization?.match(/^Basic\s+(\S+)$/i)?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return {
        clientId: formDecoded(decoded.slice(0, colon)),
        secret: formDecoded(decoded.slice(colon + 1)),
      };
    }
  }
  return {
    clientId: typeof body.client_id === 'string' ? body.client_id : '',
    secret: typeof body.client_secret === 'string' ? body.client_secret : '',
  };
}

// RFC 6749 form-encodes the id and secret before Basic encoding; a malformed escape is taken as is
// (and then fails the secret check) rather than failing the request.
function formDecoded(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    return value;
  }
}
