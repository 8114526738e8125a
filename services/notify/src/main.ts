import { fileURLToPath } from 'node:url';
import { verifierFromConfig } from '@huimin/auth';
import { createKafkaClient } from '@huimin/kafka';
import { createLifecycle, createMetricsRegistry, initTelemetry, loadConfig, runService } from '@huimin/kit';
import { createPool, migrate } from '@huimin/pg';
import { createApp } from './app.ts';
import { NotifyConfig } from './config.ts';
import { createNotifyLogger } from './logger.ts';

await runService(async () => {
  const config = loadConfig(NotifyConfig);
  const logger = createNotifyLogger({ level: config.LOG_LEVEL });
  const lifecycle = createLifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  lifecycle.trapSignals();
  lifecycle.onShutdown('telemetry', initTelemetry({ serviceName: 'notify' }));

  const schema = config.DATABASE_SCHEMA;
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    applicationName: 'notify',
    logger,
  });
  lifecycle.onShutdown('postgres', () => pool.end());
  await migrate(pool, { schema, dir: fileURLToPath(new URL('../migrations', import.meta.url)), logger });

  const app = await createApp({
    config,
    logger,
    registry: createMetricsRegistry({ service: 'notify' }),
    pool,
    kafka: createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: 'notify', logger }),
    verifier: verifierFromConfig(config),
  });
  await app.start();
  await app.server.listen({ port: config.PORT, host: '0.0.0.0' });
  lifecycle.onShutdown('notify', () => app.close()); // registered last, so closed first
});
