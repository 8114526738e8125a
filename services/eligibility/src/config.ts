import { commonEnv, port } from '@huimin/kit';
import { type Static, Type } from '@sinclair/typebox';

const { LOG_LEVEL, DATABASE_URL, KAFKA_BROKERS, OTEL_EXPORTER_OTLP_ENDPOINT, SHUTDOWN_TIMEOUT_MS } =
  commonEnv;

export const EligibilityConfig = Type.Object({
  PORT: port(8081),
  GRPC_PORT: port(50051),
  LOG_LEVEL,
  DATABASE_URL,
  KAFKA_BROKERS,
  OTEL_EXPORTER_OTLP_ENDPOINT,
  SHUTDOWN_TIMEOUT_MS,
  AUTH_ISSUER: Type.String({ minLength: 1, default: 'http://127.0.0.1:8087' }),
  AUTH_JWKS_URL: Type.String({ minLength: 1, default: 'http://127.0.0.1:8087/.well-known/jwks.json' }),
});

export type EligibilityConfig = Static<typeof EligibilityConfig>;
