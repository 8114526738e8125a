import { authEnv } from '@huimin/auth';
import { commonEnv, port, secret } from '@huimin/kit';
import { type Static, Type } from '@sinclair/typebox';

const { LOG_LEVEL, DATABASE_URL, KAFKA_BROKERS, OTEL_EXPORTER_OTLP_ENDPOINT, SHUTDOWN_TIMEOUT_MS } =
  commonEnv;
const url = (description: string, fallback: string) =>
  Type.String({ pattern: '^https?://\\S+$', expected: 'an http(s):// URL', default: fallback, description });

export const DiscoveryConfig = Type.Object({
  PORT: port(8083),
  GRPC_PORT: port(50053),
  LOG_LEVEL,
  DATABASE_URL,
  /** Postgres schema; the service name, except where a benchmark wants a scratch schema. */
  DATABASE_SCHEMA: Type.String({ pattern: '^[a-z_][a-z0-9_]{0,55}$', default: 'discovery' }),
  KAFKA_BROKERS,
  OTEL_EXPORTER_OTLP_ENDPOINT,
  SHUTDOWN_TIMEOUT_MS,
  ...authEnv,
  IDENTITY_URL: url('identity: service tokens and the routing roster', 'http://127.0.0.1:8087'),
  SERVICE_CLIENT_ID: Type.String({ minLength: 1, default: 'discovery' }),
  /** From identity's `clients create discovery`; the default is the dev stack's, refused in production. */
  SERVICE_CLIENT_SECRET: secret({ kind: 'text' }, { default: 'dev-discovery-secret' }),
  ROSTER_CACHE_MS: Type.Integer({
    minimum: 0,
    maximum: 600_000,
    default: 15_000,
    description: 'how long a community’s roster answer is reused before identity is asked again',
  }),
  DISMISS_SUPPRESS_DAYS: Type.Integer({
    minimum: 0,
    maximum: 365,
    default: 30,
    description:
      'after a dismissal, no new alert of that type for the household for this long, unless the priority rises',
  }),
  DATA_MISSING_GRACE_HOURS: Type.Integer({
    minimum: 0,
    maximum: 24 * 90,
    default: 72,
    description:
      'a household eligibility cannot decide for want of income or assets becomes a "data missing" signal after this long',
  }),
  ELIGIBILITY_URL: url('eligibility’s HTTP API, for the household view', 'http://127.0.0.1:8081'),
  RISK_URL: url('risk’s HTTP API, for the household view', 'http://127.0.0.1:8082'),
  ELDERCARE_URL: url('eldercare’s HTTP API, for the household view', 'http://127.0.0.1:8085'),
  CHARITY_URL: url('charity’s HTTP API, for the household view', 'http://127.0.0.1:8086'),
  ASSISTANCE_URL: url('the assistance service’s HTTP API, for the household view', 'http://127.0.0.1:8089'),
  DISCOVERY_BATCH_SIZE: Type.Integer({
    minimum: 1,
    maximum: 2000,
    default: 200,
    description:
      'signals of a partition taken in one transaction (one intake: one lock statement, one read, one write)',
  }),
  DISCOVERY_CONCURRENT_PARTITIONS: Type.Integer({
    minimum: 1,
    maximum: 8,
    default: 4,
    description:
      "partitions whose batches are taken at once (each in its own transaction; they meet only at the year's counter row, at the end)",
  }),
  SLA_SCHEDULER: Type.Boolean({ default: true, description: 'run the SLA timers and routing retries' }),
});

export type DiscoveryConfig = Static<typeof DiscoveryConfig>;
