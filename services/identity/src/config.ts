import { commonEnv, port, secret } from '@huimin/kit';
import { type Static, Type } from '@sinclair/typebox';

const {
  LOG_LEVEL,
  DATABASE_URL,
  REDIS_URL,
  KAFKA_BROKERS,
  OTEL_EXPORTER_OTLP_ENDPOINT,
  SHUTDOWN_TIMEOUT_MS,
} = commonEnv;

export const IdentityConfig = Type.Object({
  PORT: port(8087),
  LOG_LEVEL,
  DATABASE_URL,
  REDIS_URL,
  KAFKA_BROKERS,
  OTEL_EXPORTER_OTLP_ENDPOINT,
  SHUTDOWN_TIMEOUT_MS,
  /** The `iss` of every token; other services trust it by this name (AUTH_ISSUER). */
  ISSUER: Type.String({
    pattern: '^https?://\\S+$',
    expected: 'an http(s):// URL',
    default: 'http://127.0.0.1:8087',
  }),
  /** The `aud` of every token (AUTH_AUDIENCE in other services). */
  AUDIENCE: Type.String({ minLength: 1, default: 'huimin' }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 3600, default: 600 }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 3600, maximum: 2_592_000, default: 604_800 }),
  /** scrypt cost: N = 2^PASSWORD_LOG2N, r = 8, p = PASSWORD_SCRYPT_P. Tests lower log2N. */
  PASSWORD_LOG2N: Type.Integer({ minimum: 10, maximum: 20, default: 15 }),
  PASSWORD_SCRYPT_P: Type.Integer({ minimum: 1, maximum: 16, default: 3 }),
  /**
   * The per-username ceiling: wrong passwords in a row, from any addresses, that lock the account
   * for LOCKOUT_MINUTES. High (NIST SP 800-63B §5.2.2: at most 100), because the per-address delay
   * below is what stops one client's guessing; the lock only stops guessing spread over many.
   */
  LOCKOUT_THRESHOLD: Type.Integer({ minimum: 1, maximum: 100, default: 100 }),
  LOCKOUT_MINUTES: Type.Integer({ minimum: 1, maximum: 1440, default: 15 }),
  /** Wrong passwords for one username from one address before that pair is slowed down. */
  LOGIN_FREE_FAILURES: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  /** The first wait after the free failures; it doubles with each further one, up to the maximum. */
  LOGIN_DELAY_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 30 }),
  LOGIN_MAX_DELAY_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 900 }),
  /** Login attempts per client address per minute, across replicas (Redis). */
  LOGIN_RATE_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 10_000, default: 30 }),
  /** Refresh and service-token requests per client address per minute. */
  TOKEN_RATE_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 100_000, default: 600 }),
  /**
   * Proxies in front of identity whose X-Forwarded-For entry is trusted (0: use the socket address).
   * 1 behind notify's console gateway, which sets the header to the client it sees (never appends).
   */
  TRUSTED_PROXY_HOPS: Type.Integer({ minimum: 0, maximum: 5, default: 0 }),
  /** Seals private signing keys at rest (AES-256-GCM); at least 32 characters. Required in production. */
  SIGNING_KEY_SECRET: Type.Optional(
    secret({ kind: 'text' }, { minLength: 32, expected: 'a secret of at least 32 characters' }),
  ),
  KEY_ROTATION_DAYS: Type.Integer({ minimum: 1, maximum: 365, default: 30 }),
  /** A new key is published this long before it signs; more than KEY_RELOAD_SECONDS. */
  KEY_PUBLISH_LEAD_SECONDS: Type.Integer({ minimum: 10, maximum: 86_400, default: 300 }),
  KEY_RELOAD_SECONDS: Type.Integer({ minimum: 5, maximum: 3600, default: 30 }),
  /** Services whose tokens may read the routing roster. */
  ROSTER_READER_SERVICES: Type.Array(Type.String({ pattern: '^[a-z][a-z0-9-]{0,31}$' }), {
    default: ['discovery', 'notify'],
  }),
});

export type IdentityConfig = Static<typeof IdentityConfig>;

/** Rules between settings the schema cannot express; one line per problem. */
export function configProblems(config: IdentityConfig, env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (config.KEY_PUBLISH_LEAD_SECONDS <= config.KEY_RELOAD_SECONDS) {
    problems.push(
      'KEY_PUBLISH_LEAD_SECONDS must exceed KEY_RELOAD_SECONDS, or a replica may sign with a key its peers do not publish yet',
    );
  }
  if (env.NODE_ENV === 'production' && !config.SIGNING_KEY_SECRET) {
    problems.push('SIGNING_KEY_SECRET is required in production (private signing keys are sealed with it)');
  }
  return problems;
}
