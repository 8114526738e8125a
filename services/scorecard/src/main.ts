import { fileURLToPath } from 'node:url';
import { createTokenVerifier } from '@huimin/auth';
import { createConsumerRunner, createKafkaClient } from '@huimin/kafka';
import {
  createLifecycle,
  createLogger,
  createMetricsRegistry,
  initTelemetry,
  loadConfig,
  runService,
} from '@huimin/kit';
import { createPool, migrate } from '@huimin/pg';
import { createApp } from './app.ts';
import { ScorecardConfig } from './config.ts';
import { feedHandlers } from './handlers/feeds.ts';

await runService(async () => {
  const config = loadConfig(ScorecardConfig);
  const logger = createLogger({ name: 'scorecard', level: config.LOG_LEVEL });
  const lifecycle = createLifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  lifecycle.trapSignals();
  lifecycle.onShutdown('telemetry', initTelemetry({ serviceName: 'scorecard' }));

  const schema = config.DATABASE_SCHEMA;
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    applicationName: 'scorecard',
    logger,
  });
  lifecycle.onShutdown('postgres', () => pool.end());
  await migrate(pool, { schema, dir: fileURLToPath(new URL('../migrations', import.meta.url)), logger });

  const registry = createMetricsRegistry({ service: 'scorecard' });
  const kafka = createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: 'scorecard', logger });
  // The scorecard publishes nothing: it reads the platform's streams and answers questions.
  const runner = createConsumerRunner({
    kafka,
    pool,
    groupId: 'scorecard',
    handlers: feedHandlers(),
    logger,
    registry,
    batchSize: 50,
  });
  await runner.start();
  lifecycle.onShutdown('consumer', () => runner.stop());

  const verifier = createTokenVerifier({
    issuers: [{ issuer: config.AUTH_ISSUER, jwksUrl: config.AUTH_JWKS_URL }],
  });
  const app = await createApp({ logger, registry, pool, verifier });
  await app.server.listen({ port: config.PORT, host: '0.0.0.0' });
  lifecycle.onShutdown('http', () => app.close()); // registered last, so closed first
});
