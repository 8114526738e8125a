import { fileURLToPath } from 'node:url';
import { createTokenVerifier } from '@huimin/auth';
import {
  createConsumerRunner,
  createKafkaClient,
  createOutboxRelay,
  createProducer,
  createPublisher,
} from '@huimin/kafka';
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
import { EldercareConfig } from './config.ts';
import { startOrderGrpcServer } from './grpc/order-service.ts';
import { feedHandlers } from './handlers/feeds.ts';

await runService(async () => {
  const config = loadConfig(EldercareConfig);
  const logger = createLogger({ name: 'eldercare', level: config.LOG_LEVEL });
  const lifecycle = createLifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  lifecycle.trapSignals();
  lifecycle.onShutdown('telemetry', initTelemetry({ serviceName: 'eldercare' }));

  const schema = config.DATABASE_SCHEMA;
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    applicationName: 'eldercare',
    logger,
  });
  lifecycle.onShutdown('postgres', () => pool.end());
  await migrate(pool, { schema, dir: fileURLToPath(new URL('../migrations', import.meta.url)), logger });

  const registry = createMetricsRegistry({ service: 'eldercare' });
  const kafka = createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: 'eldercare', logger });
  const producer = createProducer(kafka);
  await producer.connect();
  lifecycle.onShutdown('kafka producer', () => producer.disconnect());
  const relay = createOutboxRelay({
    pool,
    schema,
    publisher: createPublisher({ producer }),
    logger,
    connectionString: config.DATABASE_URL,
    registry,
  });
  await relay.start();
  lifecycle.onShutdown('outbox relay', () => relay.stop());

  const runner = createConsumerRunner({
    kafka,
    pool,
    groupId: 'eldercare',
    handlers: feedHandlers(),
    logger,
    registry,
    batchSize: 50,
  });
  await runner.start();
  lifecycle.onShutdown('consumer', () => runner.stop());

  const now = () => new Date();
  const verifier = createTokenVerifier({
    issuers: [{ issuer: config.AUTH_ISSUER, jwksUrl: config.AUTH_JWKS_URL }],
  });
  const app = await createApp({ logger, registry, pool, verifier, now });

  if (config.CHECK_ON_SCHEDULER) {
    const scheduler = createScheduler({
      pool,
      owner: `eldercare-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      handlers: app.checkOn.handlers,
      // Opening a day places one order per elder living alone: a long transaction on a big county.
      leaseMs: 10 * 60_000,
      now,
      logger,
    });
    await app.checkOn.arm(pool);
    scheduler.start();
    lifecycle.onShutdown('scheduler', () => scheduler.stop());
  }

  const grpcServer = await startOrderGrpcServer({
    desk: app.desk,
    verifier,
    logger,
    address: `0.0.0.0:${config.GRPC_PORT}`,
  });
  lifecycle.onShutdown('grpc', () => grpcServer.close());
  await app.server.listen({ port: config.PORT, host: '0.0.0.0' });
  lifecycle.onShutdown('http', () => app.close()); // registered last, so closed first
});
