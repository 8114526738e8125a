import { fileURLToPath } from 'node:url';
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
import { Redis } from 'ioredis';
import { createApp } from './app.ts';
import { IdentityConfig } from './config.ts';
import { auditHandlers } from './handlers/audit-consumer.ts';
import { loadSigningKeys } from './keys.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

await runService(async () => {
  const config = loadConfig(IdentityConfig);
  const logger = createLogger({ name: 'identity', level: config.LOG_LEVEL });
  const lifecycle = createLifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  lifecycle.trapSignals();
  lifecycle.onShutdown('telemetry', initTelemetry({ serviceName: 'identity' }));

  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema: 'identity',
    applicationName: 'identity',
    logger,
  });
  lifecycle.onShutdown('postgres', () => pool.end());
  await migrate(pool, { schema: 'identity', dir: MIGRATIONS_DIR, logger });

  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  lifecycle.onShutdown('redis', async () => {
    await redis.quit();
  });

  const keys = await loadSigningKeys(pool, config.ACCESS_TOKEN_TTL_SECONDS);
  const registry = createMetricsRegistry({ service: 'identity' });

  const kafka = createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: 'identity', logger });
  const audit = createConsumerRunner({
    kafka,
    pool,
    groupId: 'identity.audit',
    handlers: auditHandlers,
    logger,
    registry,
    batchSize: 100,
  });
  await audit.start();
  lifecycle.onShutdown('audit consumer', () => audit.stop());

  const { server } = await createApp({ config, logger, registry, pool, redis, keys, now: () => new Date() });
  await server.listen({ port: config.PORT, host: '0.0.0.0' });
  lifecycle.onShutdown('http', () => server.close());
});
