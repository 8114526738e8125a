import { fileURLToPath } from 'node:url';
import { createKafkaClient, createProducer } from '@huimin/kafka';
import {
  createLifecycle,
  createLogger,
  createMetricsRegistry,
  initTelemetry,
  loadConfig,
  runService,
} from '@huimin/kit';
import { createPool, createScheduler, migrate } from '@huimin/pg';
import { createApp } from './app.ts';
import { DEV_SECRETS_KEY, IngestConfig } from './config.ts';
import { recoverReceipts } from './receipt-recovery.ts';
import { armReceiptPurge, PURGE_RECEIPTS, receiptPurgeHandler } from './receipt-retention.ts';
import { createReceiptStore } from './store/receipt-store.ts';
import { connectRedis } from './store/redis-client.ts';

await runService(async () => {
  const config = loadConfig(IngestConfig);
  const logger = createLogger({ name: 'ingest', level: config.LOG_LEVEL });
  // Production never gets here with it: loadConfig refuses a public or weak key there.
  if (config.INGEST_SECRETS_KEY === DEV_SECRETS_KEY) {
    logger.warn(
      'signing secrets are sealed with the public development key; set INGEST_SECRETS_KEY outside dev',
    );
  }
  const lifecycle = createLifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  lifecycle.trapSignals();
  lifecycle.onShutdown('telemetry', initTelemetry({ serviceName: 'ingest' }));

  const schema = config.DATABASE_SCHEMA;
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    applicationName: 'ingest',
    logger,
  });
  lifecycle.onShutdown('postgres', () => pool.end());
  await migrate(pool, { schema, dir: fileURLToPath(new URL('../migrations', import.meta.url)), logger });

  const redis = await connectRedis(config.REDIS_URL);
  lifecycle.onShutdown('redis', () => redis.quit());

  const kafka = createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: 'ingest', logger });
  const producer = createProducer(kafka);
  await producer.connect();
  lifecycle.onShutdown('kafka producer', () => producer.disconnect());

  const now = () => new Date();
  const scheduler = createScheduler({
    pool,
    owner: `ingest-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    handlers: {
      [PURGE_RECEIPTS]: receiptPurgeHandler({
        store: createReceiptStore(pool),
        retentionDays: config.RECEIPT_RETENTION_DAYS,
        now,
      }),
    },
    now,
    logger,
  });
  await armReceiptPurge(pool, now());
  scheduler.start();
  lifecycle.onShutdown('scheduler', () => scheduler.stop());

  const app = await createApp({
    config,
    logger,
    registry: createMetricsRegistry({ service: 'ingest' }),
    pool,
    redis,
    kafka,
    producer,
    now,
  });
  // Receipts follow the answer: those a replica killed in between did not write come from Kafka.
  const startedAt = now();
  let recovery: Promise<unknown> = Promise.resolve();
  const recoveryTimer = setTimeout(() => {
    recovery = recoverReceipts({
      kafka,
      store: createReceiptStore(pool),
      logger,
      since: new Date(startedAt.getTime() - config.RECEIPT_RECOVERY_SECONDS * 1000),
      until: startedAt,
    }).catch((err: unknown) => logger.error({ err }, 'receipt recovery failed'));
  }, config.RECEIPT_RECOVERY_DELAY_MS);
  lifecycle.onShutdown('receipt recovery', async () => {
    clearTimeout(recoveryTimer);
    await recovery;
  });

  await app.server.listen({ port: config.PORT, host: '0.0.0.0' });
  lifecycle.onShutdown('http', () => app.close()); // registered last, so closed first
});
