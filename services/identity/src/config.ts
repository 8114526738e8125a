import { commonEnv, port } from '@huimin/kit';
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
  ISSUER: Type.String({ minLength: 1, default: 'http://127.0.0.1:8087' }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 3600, default: 600 }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 3600, maximum: 2_592_000, default: 604_800 }),
  /** scrypt cost as log2(N): 15 = 32 MiB per hash. Tests lower it. */
  PASSWORD_LOG2N: Type.Integer({ minimum: 10, maximum: 20, default: 15 }),
  LOCKOUT_THRESHOLD: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  LOCKOUT_MINUTES: Type.Integer({ minimum: 1, maximum: 1440, default: 15 }),
  /** Login attempts per client address per minute, across replicas (Redis). */
  LOGIN_RATE_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 10_000, default: 30 }),
});

export type IdentityConfig = Static<typeof IdentityConfig>;
