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

const MiB = 1024 * 1024;

/**
 * The key that seals signing secrets in the dev stack and tests. It is public (it is in this file),
 * so production must set INGEST_SECRETS_KEY: with NODE_ENV=production the kit's loadConfig refuses
 * to start without a strong one.
 */
export const DEV_SECRETS_KEY = '6465762d6f6e6c792d6b65792d2d6e6f742d666f722d70726f64756374696f6e';

const rate = (defaultValue: number, description: string) =>
  Type.Number({ exclusiveMinimum: 0, default: defaultValue, description, expected: 'a number > 0' });
const count = (defaultValue: number, minimum: number, description: string) =>
  Type.Integer({ minimum, default: defaultValue, description });

export const IngestConfig = Type.Object({
  PORT: port(8080),
  LOG_LEVEL,
  DATABASE_URL,
  /** Postgres schema; the service name, except where a benchmark wants a scratch schema. */
  DATABASE_SCHEMA: Type.String({ pattern: '^[a-z_][a-z0-9_]{0,55}$', default: 'ingest' }),
  REDIS_URL,
  KAFKA_BROKERS,
  OTEL_EXPORTER_OTLP_ENDPOINT,
  SHUTDOWN_TIMEOUT_MS,
  INGEST_SECRETS_KEY: secret({ kind: 'hex32' }, { default: DEV_SECRETS_KEY }),
  /**
   * During a rotation of INGEST_SECRETS_KEY: the key being replaced (comma-separated if several),
   * used only to open secrets sealed before `credentials reseal` rewrote them.
   */
  INGEST_SECRETS_KEY_PREVIOUS: Type.Array(
    Type.String({ pattern: '^[0-9a-fA-F]{64}$', expected: '64 hex digits (32 bytes)' }),
    { default: [] },
  ),
  MAX_EVENT_BYTES: count(MiB, 1024, 'largest single-event body'),
  MAX_BATCH_BYTES: count(16 * MiB, 1024, 'largest NDJSON batch body'),
  MAX_BATCH_LINES: count(10_000, 1, 'most events in one batch'),
  LIVE_RATE_PER_SECOND: rate(100, 'single-event requests per second per department (default)'),
  LIVE_BURST: count(200, 1, 'single-event requests a department may send at once (default)'),
  BULK_RATE_PER_SECOND: rate(20_000, 'batch events per second per department (default)'),
  BULK_BURST: count(20_000, 1, 'batch events a department may send at once (default)'),
  BULK_CONCURRENCY: count(4, 1, 'batches processed at once per replica'),
  SIGNATURE_TOLERANCE_SECONDS: count(300, 1, 'how far a signature timestamp may be from now'),
  IDEMPOTENCY_TTL_SECONDS: count(86_400, 60, 'how long an accepted event id is remembered'),
  RECEIPT_RETENTION_DAYS: count(400, 1, 'how long receipts are kept'),
  CREDENTIAL_REFRESH_MS: count(5000, 100, 'how often credentials are re-read from Postgres'),
  PUBLISH_MAX_RECORDS: count(1000, 1, 'most records in one produce request'),
  RECEIPT_RECOVERY_SECONDS: count(
    900,
    1,
    'at start, how far back to look for accepted events whose receipt a stopped replica did not write',
  ),
  RECEIPT_RECOVERY_DELAY_MS: count(
    10_000,
    0,
    'how long after start to look (the replicas still running write theirs meanwhile)',
  ),
});

export type IngestConfig = Static<typeof IngestConfig>;
