import { commonEnv, port } from '@huimin/kit';
import { type Static, Type } from '@sinclair/typebox';

const { LOG_LEVEL, DATABASE_URL, KAFKA_BROKERS, OTEL_EXPORTER_OTLP_ENDPOINT, SHUTDOWN_TIMEOUT_MS } =
  commonEnv;

export const EldercareConfig = Type.Object({
  PORT: port(8085),
  GRPC_PORT: port(50055),
  LOG_LEVEL,
  DATABASE_URL,
  /** Postgres schema; the service name, except where a benchmark wants a scratch schema. */
  DATABASE_SCHEMA: Type.String({ pattern: '^[a-z_][a-z0-9_]{0,55}$', default: 'eldercare' }),
  KAFKA_BROKERS,
  OTEL_EXPORTER_OTLP_ENDPOINT,
  SHUTDOWN_TIMEOUT_MS,
  AUTH_ISSUER: Type.String({ minLength: 1, default: 'http://127.0.0.1:8087' }),
  AUTH_JWKS_URL: Type.String({ minLength: 1, default: 'http://127.0.0.1:8087/.well-known/jwks.json' }),
  CHECK_ON_SCHEDULER: Type.Boolean({
    default: true,
    description: 'place daily check-on orders and report missed check-ons at the policy cut-off',
  }),
});

export type EldercareConfig = Static<typeof EldercareConfig>;
