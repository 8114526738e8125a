import { fileURLToPath } from 'node:url';
import { createTokenVerifier } from '@huimin/auth';
import { createKafkaClient, createProducer, createPublisher, ensureTopics } from '@huimin/kafka';
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
import { RiskConfig } from './config.ts';
import { CLAIMS_BY_HOUSEHOLD } from './handlers/topics.ts';
import { startRiskPipeline } from './pipeline.ts';
import { armDailyRecheck, DAILY_RECHECK, dailyRecheckHandler } from './recheck.ts';

await runService(async () => {
  const config = loadConfig(RiskConfig);
  const logger = createLogger({ name: 'risk', level: config.LOG_LEVEL });
  const lifecycle = createLifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  lifecycle.trapSignals();
  lifecycle.onShutdown('telemetry', initTelemetry({ serviceName: 'risk' }));

  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema: 'risk',
    applicationName: 'risk',
    logger,
  });
  lifecycle.onShutdown('postgres', () => pool.end());
  await migrate(pool, {
    schema: 'risk',
    dir: fileURLToPath(new URL('../migrations', import.meta.url)),
    logger,
  });

  const registry = createMetricsRegistry({ service: 'risk' });
  const kafka = createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: 'risk', logger });
  await ensureTopics(kafka, {
    topics: [CLAIMS_BY_HOUSEHOLD],
    mode: process.env.NODE_ENV === 'production' ? 'prod' : 'dev',
    logger,
  });

  const producer = createProducer(kafka);
  await producer.connect();
  lifecycle.onShutdown('producer', () => producer.disconnect());
  const now = () => new Date();
  const stopPipeline = await startRiskPipeline({
    kafka,
    pool,
    logger,
    registry,
    schema: 'risk',
    publisher: createPublisher({ producer }),
    connectionString: config.DATABASE_URL,
    now,
    batchSize: config.RISK_BATCH_SIZE,
  });
  lifecycle.onShutdown('consumers and outbox relay', stopPipeline);

  const scheduler = createScheduler({
    pool,
    owner: `risk-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    handlers: { [DAILY_RECHECK]: dailyRecheckHandler(now) },
    now,
    logger,
  });
  await armDailyRecheck(pool, now());
  scheduler.start();
  lifecycle.onShutdown('scheduler', () => scheduler.stop());

  const verifier = createTokenVerifier({
    issuers: [{ issuer: config.AUTH_ISSUER, jwksUrl: config.AUTH_JWKS_URL }],
  });
  const server = await createApp({ logger, registry, pool, verifier });
  await server.listen({ port: config.PORT, host: '0.0.0.0' });
  lifecycle.onShutdown('http', () => server.close());
});
