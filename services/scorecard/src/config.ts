import { commonEnv, port } from '@huimin/kit';
import { type Static, Type } from '@sinclair/typebox';

const { LOG_LEVEL, DATABASE_URL, KAFKA_BROKERS, OTEL_EXPORTER_OTLP_ENDPOINT, SHUTDOWN_TIMEOUT_MS } =
  commonEnv;

export const ScorecardConfig = Type.Object({
  PORT: port(8088),
  LOG_LEVEL,
  DATABASE_URL,
  /** Postgres schema; the service name, except where a benchmark wants a scratch schema. */
  DATABASE_SCHEMA: Type.String({ pattern: '^[a-z_][a-z0-9_]{0,55}$', default: 'scorecard' }),
  KAFKA_BROKERS,
  OTEL_EXPORTER_OTLP_ENDPOINT,
  SHUTDOWN_TIMEOUT_MS,
  AUTH_ISSUER: Type.String({ minLength: 1, default: 'http://127.0.0.1:8087' }),
  AUTH_JWKS_URL: Type.String({ minLength: 1, default: 'http://127.0.0.1:8087/.well-known/jwks.json' }),
});

export type ScorecardConfig = Static<typeof ScorecardConfig>;
