import { fileURLToPath } from 'node:url';
import { createServiceTokenClient, createTokenVerifier } from '@huimin/auth';
import { createKafkaClient, createOutboxRelay, createProducer, createPublisher } from '@huimin/kafka';
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
import { AssistanceConfig } from './config.ts';
import { createUpstream } from './upstream/upstream.ts';

await runService(async () => {
  const config = loadConfig(AssistanceConfig);
  const logger = createLogger({ name: 'assistance', level: config.LOG_LEVEL });
  const lifecycle = createLifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  lifecycle.trapSignals();
  lifecycle.onShutdown('telemetry', initTelemetry({ serviceName: 'assistance' }));

  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema: 'assistance',
    applicationName: 'assistance',
    logger,
  });
  lifecycle.onShutdown('postgres', () => pool.end());
  await migrate(pool, {
    schema: 'assistance',
    dir: fileURLToPath(new URL('../migrations', import.meta.url)),
    logger,
  });

  const registry = createMetricsRegistry({ service: 'assistance' });
  const kafka = createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: 'assistance', logger });
  const producer = createProducer(kafka);
  await producer.connect();
  lifecycle.onShutdown('producer', () => producer.disconnect());
  const relay = createOutboxRelay({
    pool,
    schema: 'assistance',
    publisher: createPublisher({ producer }),
    logger,
    connectionString: config.DATABASE_URL,
    registry,
  });
  await relay.start();
  lifecycle.onShutdown('outbox relay', () => relay.stop());

  const upstream = createUpstream({
    discoveryAddress: config.DISCOVERY_GRPC_ADDRESS,
    eligibilityAddress: config.ELIGIBILITY_GRPC_ADDRESS,
    deadlineMs: config.GRPC_DEADLINE_MS,
    serviceToken: createServiceTokenClient({
      identityUrl: config.IDENTITY_URL,
      clientId: config.SERVICE_CLIENT_ID,
      clientSecret: config.SERVICE_CLIENT_SECRET,
    }),
  });
  lifecycle.onShutdown('grpc clients', async () => upstream.close());

  const verifier = createTokenVerifier({
    issuers: [{ issuer: config.AUTH_ISSUER, jwksUrl: config.AUTH_JWKS_URL }],
  });
  const app = await createApp({
    logger,
    registry,
    pool,
    verifier,
    alerts: upstream.alerts,
    eligibility: upstream.eligibility,
    fourEyesAboveFen: config.FOUR_EYES_ABOVE_FEN,
  });
  await app.server.listen({ port: config.PORT, host: '0.0.0.0' });
  lifecycle.onShutdown('http', () => app.close());
});
