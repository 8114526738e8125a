import { commonEnv, port } from '@huimin/kit';
import { type Static, Type } from '@sinclair/typebox';

const { LOG_LEVEL, DATABASE_URL, KAFKA_BROKERS, OTEL_EXPORTER_OTLP_ENDPOINT, SHUTDOWN_TIMEOUT_MS } =
  commonEnv;

export const RiskConfig = Type.Object({
  PORT: port(8082),
  LOG_LEVEL,
  DATABASE_URL,
  KAFKA_BROKERS,
  OTEL_EXPORTER_OTLP_ENDPOINT,
  SHUTDOWN_TIMEOUT_MS,
  AUTH_ISSUER: Type.String({ minLength: 1, default: 'http://127.0.0.1:8087' }),
  AUTH_JWKS_URL: Type.String({ minLength: 1, default: 'http://127.0.0.1:8087/.well-known/jwks.json' }),
  /** Events of one partition handled per transaction by the join (throughput vs. retry cost). */
  RISK_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 2000, default: 500 }),
});

export type RiskConfig = Static<typeof RiskConfig>;
