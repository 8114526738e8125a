import { topics } from '@huimin/contracts';
import {
  type createKafkaClient,
  type createProducer,
  createPublisher,
  type PublishableRecord,
} from '@huimin/kafka';
import { createHttpServer, type HttpServer, type Logger } from '@huimin/kit';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import { createAfterAck } from './after-ack.ts';
import { createCoalescingWriter } from './coalescing-writer.ts';
import type { IngestConfig } from './config.ts';
import { type CredentialDirectory, createCredentialDirectory } from './credential-directory.ts';
import { createSecretBox } from './domain/secret-box.ts';
import { ingestErrors } from './errors.ts';
import { registerEventRoutes } from './handlers/event-routes.ts';
import { registerReceiptRoutes } from './handlers/receipt-routes.ts';
import { createRequestGuard } from './handlers/request-guard.ts';
import { type Acceptance, createIntake } from './intake.ts';
import { createIngestMetrics } from './metrics.ts';
import { createAdmissionGate } from './store/admission.ts';
import { createCredentialStore } from './store/credential-store.ts';
import { createIdempotencyStore } from './store/idempotency-store.ts';
import { createRateLimiter } from './store/rate-limiter.ts';
import { createReceiptStore } from './store/receipt-store.ts';
import { createReplayGuard, replayTtlSeconds } from './store/replay-guard.ts';

export type AppConfig = Pick<
  IngestConfig,
  | 'INGEST_SECRETS_KEY'
  | 'MAX_EVENT_BYTES'
  | 'MAX_BATCH_BYTES'
  | 'MAX_BATCH_LINES'
  | 'LIVE_RATE_PER_SECOND'
  | 'LIVE_BURST'
  | 'BULK_RATE_PER_SECOND'
  | 'BULK_BURST'
  | 'BULK_CONCURRENCY'
  | 'SIGNATURE_TOLERANCE_SECONDS'
  | 'IDEMPOTENCY_TTL_SECONDS'
  | 'CREDENTIAL_REFRESH_MS'
  | 'PUBLISH_MAX_RECORDS'
>;

export interface AppDependencies {
  /** INGEST_SECRETS_KEY_PREVIOUS: only during a rotation of the secrets key. */
  config: AppConfig & Partial<Pick<IngestConfig, 'INGEST_SECRETS_KEY_PREVIOUS'>>;
  logger: Logger;
  registry: Registry;
  pool: pg.Pool;
  redis: Redis;
  kafka: ReturnType<typeof createKafkaClient>;
  /** Connected; from @huimin/kafka's createProducer (idempotent, acks=all). */
  producer: ReturnType<typeof createProducer>;
  now?: () => Date;
}

export interface IngestApp {
  server: HttpServer;
  directory: CredentialDirectory;
  /** Resolves once the receipts of every answer given so far are written (they follow the answer). */
  receiptsWritten(): Promise<void>;
  /** Stops taking requests, waits for in-flight publishes and receipts; leaves the clients open. */
  close(): Promise<void>;
}

/** Builds ingest from its dependencies (no listen: main.ts listens, tests inject). */
export async function createApp(deps: AppDependencies): Promise<IngestApp> {
  const { config, logger, registry, pool, redis, kafka, producer } = deps;
  const now = deps.now ?? (() => new Date());
  const metrics = createIngestMetrics(registry);

  const credentialStore = createCredentialStore(pool);
  const receiptStore = createReceiptStore(pool);
  const directory = createCredentialDirectory({
    store: credentialStore,
    secretBox: createSecretBox(config.INGEST_SECRETS_KEY, config.INGEST_SECRETS_KEY_PREVIOUS ?? []),
    defaults: {
      live: { ratePerSecond: config.LIVE_RATE_PER_SECOND, burst: config.LIVE_BURST },
      bulk: { ratePerSecond: config.BULK_RATE_PER_SECOND, burst: config.BULK_BURST },
    },
    refreshMs: config.CREDENTIAL_REFRESH_MS,
    now,
    logger,
  });
  await directory.start();

  const publisher = createPublisher({ producer });
  const kafkaWriter = createCoalescingWriter<PublishableRecord>({
    write: (records) => publisher.publishRecords(records),
    maxItems: config.PUBLISH_MAX_RECORDS,
    onSettled: (lane, seconds, outcome) => {
      metrics.published(lane, seconds, outcome.error === undefined);
      // The caller answers 503 (outcome unknown); the reason is only here.
      if (outcome.error !== undefined)
        logger.error({ err: outcome.error, lane, written: outcome.written }, 'publish failed');
    },
  });
  const idempotency = createIdempotencyStore(redis, { ttlSeconds: config.IDEMPOTENCY_TTL_SECONDS });
  const afterAck = createAfterAck({ receipts: receiptStore, logger });
  const acceptances = createCoalescingWriter<Acceptance>({
    write: (items) => idempotency.acceptEach(items),
    maxItems: 10_000,
  });

  const guard = createRequestGuard({
    directory,
    rateLimiter: createRateLimiter(redis),
    replayGuard: createReplayGuard(redis, config.SIGNATURE_TOLERANCE_SECONDS),
    metrics,
    signatureToleranceSeconds: config.SIGNATURE_TOLERANCE_SECONDS,
    now,
  });
  const intake = createIntake({ idempotency, publisher: kafkaWriter, acceptances });

  const server = await createHttpServer({
    name: 'ingest',
    logger,
    registry,
    errors: ingestErrors,
    bodyLimit: config.MAX_EVENT_BYTES,
    openapi: { title: 'Huimin ingest: departments’ data feeds', version: '1.0.0' },
  });

  const admin = kafka.admin();
  let kafkaCheck: Promise<unknown> | undefined;
  server.addReadinessCheck('kafka', () => {
    // One metadata round trip at a time, however often the probe asks.
    kafkaCheck ??= (async () => {
      await admin.connect();
      await admin.fetchTopicMetadata({ topics: [topics['huimin.feed.medical-expense'].name] });
    })().finally(() => {
      kafkaCheck = undefined;
    });
    return kafkaCheck;
  });
  server.addReadinessCheck('redis', () => redis.ping());
  server.addReadinessCheck('postgres', () => pool.query('select 1'));
  server.addReadinessCheck('credentials', () => {
    if (!directory.isLoaded()) throw new Error('credentials not loaded yet');
  });

  await server.register(async (scope) => {
    await registerEventRoutes(scope, {
      guard,
      intake,
      afterAck,
      admission: createAdmissionGate(redis),
      idempotency,
      signatureTtlSeconds: replayTtlSeconds(config.SIGNATURE_TOLERANCE_SECONDS),
      metrics,
      logger,
      now,
      maxEventBytes: config.MAX_EVENT_BYTES,
      maxBatchBytes: config.MAX_BATCH_BYTES,
      maxBatchLines: config.MAX_BATCH_LINES,
      bulkConcurrency: config.BULK_CONCURRENCY,
    });
  });
  await server.register(async (scope) => {
    await registerReceiptRoutes(scope, { guard, store: receiptStore, afterAck });
  });
  await server.ready();

  return {
    server,
    directory,
    async receiptsWritten() {
      while (!(await afterAck.flushed(60_000))) logger.warn('receipts still waiting to be written');
    },
    async close() {
      await server.close();
      directory.stop();
      await Promise.all([kafkaWriter.idle(), acceptances.idle()]);
      await afterAck.close();
      await admin.disconnect();
    },
  };
}
