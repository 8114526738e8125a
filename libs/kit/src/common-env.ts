import { Type } from '@sinclair/typebox';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Variables most services read; compose the ones you need into the service's own schema:
 * `const { LOG_LEVEL, DATABASE_URL } = commonEnv;`
 * `const Config = Type.Object({ PORT: port(8082), LOG_LEVEL, DATABASE_URL, RISK_WINDOW_DAYS: ... });`
 * Defaults point at the dev stack (its database `huimin`; ports in docs/architecture.md).
 */
export const commonEnv = {
  PORT: port(8080),
  LOG_LEVEL: Type.Union(
    logLevels.map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  DATABASE_URL: Type.String({
    pattern: '^postgres(ql)?://',
    expected: 'a postgres:// URL',
    default: 'postgres://postgres@127.0.0.1:5432/huimin',
  }),
  REDIS_URL: Type.String({
    pattern: '^rediss?://',
    expected: 'a redis:// URL',
    default: 'redis://127.0.0.1:6379',
  }),
  KAFKA_BROKERS: Type.Array(Type.String({ pattern: '^[^\\s:]+:\\d+$', expected: 'host:port' }), {
    minItems: 1,
    default: ['127.0.0.1:9092'],
  }),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(
    Type.String({ pattern: '^https?://', expected: 'an http(s):// URL of an OTLP collector' }),
  ),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000 }),
};

/** A PORT field with this service's default (each service has its own port in the dev stack). */
export function port(defaultPort: number) {
  return Type.Integer({ minimum: 1, maximum: 65535, default: defaultPort });
}
