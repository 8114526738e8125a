import { fileURLToPath } from 'node:url';
import { createConsumerRunner, createKafkaClient } from '@huimin/kafka';
import {
  createLifecycle,
  createLogger,
  createMetricsRegistry,
  initTelemetry,
  loadConfigOrExit,
  runService,
} from '@huimin/kit';
import { createPool, migrate } from '@huimin/pg';
import { Redis } from 'ioredis';
import { createApp } from './app.ts';
import { configProblems, IdentityConfig } from './config.ts';
import { auditHandlers } from './handlers/audit-consumer.ts';
import { createKeySealer } from './keys/key-sealer.ts';
import { createSigningKeys } from './keys/signing-keys.ts';
import { createAuditStore } from './store/audit-store.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

await runService(async () => {
  const config = loadConfigOrExit(IdentityConfig);
  const problems = configProblems(config, process.env);
  if (problems.length > 0) throw new Error(`invalid configuration:\n  ${problems.join('\n  ')}`);
  const logger = createLogger({ name: 'identity', level: config.LOG_LEVEL });
  const lifecycle = createLifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  lifecycle.trapSignals();
  lifecycle.onShutdown('telemetry', initTelemetry({ serviceName: 'identity' }));
  const now = () => new Date();

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

  if (!config.SIGNING_KEY_SECRET)
    logger.warn('SIGNING_KEY_SECRET is not set: private signing keys are stored unsealed');
  const keys = createSigningKeys({
    pool,
    now,
    sealer: config.SIGNING_KEY_SECRET ? createKeySealer(config.SIGNING_KEY_SECRET) : undefined,
    // Service tokens live as long as access tokens.
    tokenLifetimeSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    rotateAfterSeconds: config.KEY_ROTATION_DAYS * 86_400,
    publishLeadSeconds: config.KEY_PUBLISH_LEAD_SECONDS,
  });
  await keys.maintain();
  // Every replica reloads the keys (another may have rotated) and takes its turn at rotation.
  const keyTimer = setInterval(() => {
    keys.maintain().catch((err: unknown) => logger.error({ err }, 'signing key maintenance failed'));
  }, config.KEY_RELOAD_SECONDS * 1000);
  lifecycle.onShutdown('signing keys', async () => clearInterval(keyTimer));

  const registry = createMetricsRegistry({ service: 'identity' });
  const kafka = createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: 'identity', logger });
  const audit = createConsumerRunner({
    kafka,
    pool,
    groupId: 'identity.audit',
    handlers: auditHandlers(createAuditStore(pool)),
    logger,
    registry,
    batchSize: 100,
  });
  await audit.start();
  lifecycle.onShutdown('audit consumer', () => audit.stop());

  const { server } = await createApp({ config, logger, registry, pool, redis, keys, now });
  await server.listen({ port: config.PORT, host: '0.0.0.0' });
  lifecycle.onShutdown('http', () => server.close());
});
