import { fileURLToPath } from 'node:url';
import { createTokenVerifier, type Role, type TokenVerifier } from '@huimin/auth';
import { createMetricsRegistry, loadConfig } from '@huimin/kit';
import { startTestEnv, type TestEnv } from '@huimin/testkit';
import { createAccount } from '../src/accounts.ts';
import { createApp } from '../src/app.ts';
import { IdentityConfig } from '../src/config.ts';
import { createKeySealer } from '../src/keys/key-sealer.ts';
import { createSigningKeys, type SigningKeys } from '../src/keys/signing-keys.ts';

export const ISSUER = 'http://identity.test';
export const PASSWORD = 'correct horse battery';
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));
export const SECRET = 'a test secret that is long enough to seal keys with';

/**
 * A clock the test moves (it starts at the real time, so verifiers on the real clock agree until
 * the test moves it); every part of identity, and the remote verifiers, read it.
 */
export interface Clock {
  now: Date;
  advance(ms: number): void;
}

export function createClock(start = new Date()): Clock {
  const clock = {
    now: new Date(start),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  return clock;
}

export interface Person {
  id: string;
  username: string;
  role: Role;
  jurisdictions: string[];
  providerId?: string;
}

export type Identity = Awaited<ReturnType<typeof startIdentity>>;

/**
 * identity as it runs, on a fresh schema and Redis db, listening on a free port (so another
 * "service" can fetch its JWKS), with a test clock and cheap password hashing.
 */
export async function startIdentity(options: {
  name: string;
  broker?: boolean;
  env?: Record<string, string>;
}) {
  const env: TestEnv = await startTestEnv({
    name: options.name,
    migrationsDir: MIGRATIONS_DIR,
    broker: options.broker ?? false,
  });
  const clock = createClock();
  const now = () => clock.now;
  const config = loadConfig(IdentityConfig, {
    PASSWORD_LOG2N: '10',
    PASSWORD_SCRYPT_P: '1',
    LOGIN_RATE_PER_MINUTE: '1000',
    ISSUER,
    ...options.env,
  });
  const makeKeys = (secret: string | null = SECRET): SigningKeys =>
    createSigningKeys({
      pool: env.pool,
      now,
      sealer: secret ? createKeySealer(secret) : undefined,
      tokenLifetimeSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      rotateAfterSeconds: config.KEY_ROTATION_DAYS * 86_400,
      publishLeadSeconds: config.KEY_PUBLISH_LEAD_SECONDS,
    });
  const keys = makeKeys();
  await keys.maintain();
  const makeApp = (overrides: { config?: typeof config; keys?: SigningKeys } = {}) =>
    createApp({
      config: overrides.config ?? config,
      logger: env.logger,
      registry: createMetricsRegistry({ service: 'identity' }),
      pool: env.pool,
      redis: env.redis,
      keys: overrides.keys ?? keys,
      now,
    });
  const app = await makeApp();
  await app.server.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const inject = app.server.inject.bind(app.server);
  const login = (username: string, password = PASSWORD) =>
    inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password } });

  return {
    env,
    clock,
    config,
    keys,
    makeKeys,
    makeApp,
    app,
    baseUrl,
    inject,
    login,
    async tokenOf(username: string): Promise<string> {
      const res = await login(username);
      if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
      return res.json().accessToken as string;
    },
    async addPeople(people: readonly Person[]): Promise<void> {
      for (const person of people) {
        await createAccount(
          app.users,
          { ...person, displayName: `${person.username} 测试`, password: PASSWORD },
          { log2N: 10 },
          clock.now,
        );
      }
    },
    /** Another service's verifier: identity's JWKS fetched over HTTP, as in production. */
    remoteVerifier(): TokenVerifier {
      return createTokenVerifier({
        issuers: [{ issuer: ISSUER, jwksUrl: `${baseUrl}/.well-known/jwks.json` }],
        now,
      });
    },
    async close() {
      await app.server.close();
      await env.close();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

// Two towns of Taicang and some of their communities (libs/contracts' table).
export const LOUDONG = '320585001';
export const CHANGSHENG = '320585001001';
export const FUNAN = '320585001002';
export const XINHUA = '320585001003';
export const LUDU = '320585002';
export const LUDU_COMMUNITY = '320585002001';
