import { commonEnv, port, secret } from '@huimin/kit';
import { type Static, Type } from '@sinclair/typebox';

const { LOG_LEVEL, DATABASE_URL, KAFKA_BROKERS, OTEL_EXPORTER_OTLP_ENDPOINT, SHUTDOWN_TIMEOUT_MS } =
  commonEnv;

export const AssistanceConfig = Type.Object({
  PORT: port(8089),
  LOG_LEVEL,
  DATABASE_URL,
  KAFKA_BROKERS,
  OTEL_EXPORTER_OTLP_ENDPOINT,
  SHUTDOWN_TIMEOUT_MS,
  AUTH_ISSUER: Type.String({ minLength: 1, default: 'http://127.0.0.1:8087' }),
  AUTH_JWKS_URL: Type.String({ minLength: 1, default: 'http://127.0.0.1:8087/.well-known/jwks.json' }),
  IDENTITY_URL: Type.String({ minLength: 1, default: 'http://127.0.0.1:8087' }),
  SERVICE_CLIENT_ID: Type.String({ default: 'assistance' }),
  SERVICE_CLIENT_SECRET: secret({ kind: 'text' }, { default: 'dev-assistance-secret' }),
  DISCOVERY_GRPC_ADDRESS: Type.String({ minLength: 1, default: '127.0.0.1:50053' }),
  ELIGIBILITY_GRPC_ADDRESS: Type.String({ minLength: 1, default: '127.0.0.1:50051' }),
  GRPC_DEADLINE_MS: Type.Integer({ minimum: 50, maximum: 30_000, default: 2000 }),
  /** Above this amount two different approvers must approve (four eyes). */
  FOUR_EYES_ABOVE_FEN: Type.Integer({ minimum: 0, default: 200_000 }),
});

export type AssistanceConfig = Static<typeof AssistanceConfig>;
