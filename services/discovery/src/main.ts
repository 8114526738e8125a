import { fileURLToPath } from 'node:url';
import { createServiceTokenClient, verifierFromConfig } from '@huimin/auth';
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
import { DiscoveryConfig } from './config.ts';
import { startAlertGrpcServer } from './grpc/alert-service.ts';
import { createRosterClient } from './roster.ts';

await runService(async () => {
  const config = loadConfig(DiscoveryConfig);
  const logger = createLogger({ name: 'discovery', level: config.LOG_LEVEL });
  const lifecycle = createLifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  lifecycle.trapSignals();
  lifecycle.onShutdown('telemetry', initTelemetry({ serviceName: 'discovery' }));

  const schema = config.DATABASE_SCHEMA;
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    applicationName: 'discovery',
    logger,
  });
  lifecycle.onShutdown('postgres', () => pool.end());
  await migrate(pool, { schema, dir: fileURLToPath(new URL('../migrations', import.meta.url)), logger });

  const registry = createMetricsRegistry({ service: 'discovery' });
  const kafka = createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: 'discovery', logger });
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
    // A hot outbox: published rows are deleted as they are settled.
    retainSentMs: 0,
  });
  await relay.start();
  lifecycle.onShutdown('outbox relay', () => relay.stop());

  const now = () => new Date();
  const verifier = verifierFromConfig(config);
  const tokens = createServiceTokenClient({
    identityUrl: config.IDENTITY_URL,
    clientId: config.SERVICE_CLIENT_ID,
    clientSecret: config.SERVICE_CLIENT_SECRET,
  });
  const roster = createRosterClient({
    identityUrl: config.IDENTITY_URL,
    tokens,
    cacheMs: config.ROSTER_CACHE_MS,
  });
  const app = await createApp({
    logger,
    registry,
    pool,
    verifier,
    roster,
    now,
    dismissSuppressDays: config.DISMISS_SUPPRESS_DAYS,
    household: {
      eligibilityUrl: config.ELIGIBILITY_URL,
      riskUrl: config.RISK_URL,
      eldercareUrl: config.ELDERCARE_URL,
      charityUrl: config.CHARITY_URL,
      assistanceUrl: config.ASSISTANCE_URL,
    },
    dataMissingGraceMs: config.DATA_MISSING_GRACE_HOURS * 3_600_000,
  });

  const runner = createConsumerRunner({
    kafka,
    pool,
    groupId: 'discovery',
    handlers: app.handlers,
    logger,
    registry,
    batchSize: config.DISCOVERY_BATCH_SIZE,
    partitionsConsumedConcurrently: config.DISCOVERY_CONCURRENT_PARTITIONS,
  });
  await runner.start();
  lifecycle.onShutdown('consumer', () => runner.stop());

  if (config.SLA_SCHEDULER) {
    const scheduler = createScheduler({
      pool,
      owner: `discovery-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      handlers: app.jobs,
      now,
      logger,
    });
    scheduler.start();
    lifecycle.onShutdown('scheduler', () => scheduler.stop());
  }

  const grpcServer = await startAlertGrpcServer({
    db: pool,
    verifier,
    logger,
    address: `0.0.0.0:${config.GRPC_PORT}`,
  });
  lifecycle.onShutdown('grpc', () => grpcServer.close());
  await app.server.listen({ port: config.PORT, host: '0.0.0.0' });
  lifecycle.onShutdown('http', () => app.close());
});
