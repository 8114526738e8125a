import { createTokenVerifier } from '@huimin/auth';
import { createHttpServer, type Logger } from '@huimin/kit';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import type { IdentityConfig } from './config.ts';
import { identityErrors } from './errors.ts';
import { auditRoutes } from './handlers/audit-routes.ts';
import { authRoutes } from './handlers/auth-routes.ts';
import type { RouteContext } from './handlers/context.ts';
import { rosterRoutes } from './handlers/roster-routes.ts';
import { userRoutes } from './handlers/user-routes.ts';
import type { SigningKeys } from './keys/signing-keys.ts';
import { createLoginThrottle } from './login-throttle.ts';
import { createRateLimit } from './rate-limit.ts';
import { createAuditStore } from './store/audit-store.ts';
import { createIdentityStore } from './store/identity-store.ts';
import { createRosterStore } from './store/roster-store.ts';
import { createTokenIssuer } from './tokens.ts';

export interface IdentityDeps {
  config: IdentityConfig;
  logger: Logger;
  registry: Registry;
  pool: pg.Pool;
  redis: Redis;
  /** Signing keys, already maintained once (main.ts and tests call `maintain()` first). */
  keys: SigningKeys;
  now: () => Date;
}

/** Builds identity's HTTP API from its dependencies; does not listen. */
export async function createApp(deps: IdentityDeps) {
  const { config, pool, redis, keys, now } = deps;
  const users = createIdentityStore(pool);
  const rosters = createRosterStore(pool);
  const audit = createAuditStore(pool);
  const issuer = createTokenIssuer({
    keys,
    users,
    rosters,
    settings: {
      issuer: config.ISSUER,
      audience: config.AUDIENCE,
      accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    },
  });
  // Identity verifies its own tokens with the keys it holds (as they rotate): no round trip to itself.
  const verifier = createTokenVerifier({
    issuers: [{ issuer: config.ISSUER, jwks: () => keys.jwks() }],
    audience: config.AUDIENCE,
    now,
  });
  const context: RouteContext = {
    config,
    users,
    rosters,
    audit,
    keys,
    issuer,
    verifier,
    limits: {
      login: createRateLimit(redis, {
        name: 'login',
        limit: config.LOGIN_RATE_PER_MINUTE,
        windowSeconds: 60,
        now,
      }),
      token: createRateLimit(redis, {
        name: 'token',
        limit: config.TOKEN_RATE_PER_MINUTE,
        windowSeconds: 60,
        now,
      }),
    },
    throttle: createLoginThrottle(redis, {
      freeFailures: config.LOGIN_FREE_FAILURES,
      firstDelaySeconds: config.LOGIN_DELAY_SECONDS,
      maxDelaySeconds: config.LOGIN_MAX_DELAY_SECONDS,
      now,
    }),
    passwordCost: { log2N: config.PASSWORD_LOG2N, p: config.PASSWORD_SCRYPT_P },
    now,
  };

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
  server.addReadinessCheck('signing key', async () => {
    keys.active();
  });

  authRoutes(server, context);
  userRoutes(server, context);
  rosterRoutes(server, context);
  auditRoutes(server, context);

  return { server, users, rosters, audit, issuer };
}
