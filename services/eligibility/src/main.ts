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
import { createPool, createScheduler, migrate, withTransaction } from '@huimin/pg';
import { createApp } from './app.ts';
import { EligibilityConfig } from './config.ts';
import { seedPolicies } from './domain/policy.ts';
import { seedTemporaryAssistancePolicies } from './domain/temporary-assistance.ts';
import { startEligibilityGrpcServer } from './grpc/eligibility-service.ts';
import { feedHandlers } from './handlers/feeds.ts';
import { POLICY_SWITCH, policySwitchHandler } from './policy-switch.ts';
import { publishPolicy } from './redecide.ts';
import { storeTemporaryAssistancePolicy } from './store/facts.ts';

await runService(async () => {
  const config = loadConfig(EligibilityConfig);
  const logger = createLogger({ name: 'eligibility', level: config.LOG_LEVEL });
  const lifecycle = createLifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  lifecycle.trapSignals();
  lifecycle.onShutdown('telemetry', initTelemetry({ serviceName: 'eligibility' }));

  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema: 'eligibility',
    applicationName: 'eligibility',
    logger,
  });
  lifecycle.onShutdown('postgres', () => pool.end());
  await migrate(pool, {
    schema: 'eligibility',
    dir: fileURLToPath(new URL('../migrations', import.meta.url)),
    logger,
  });
  const now = () => new Date();
  // The seed table goes out once; versions added through the API follow the same path.
  await withTransaction(pool, async (client) => {
    for (const policy of seedPolicies) await publishPolicy(client, policy, now());
    for (const rule of seedTemporaryAssistancePolicies) await storeTemporaryAssistancePolicy(client, rule);
  });

  const registry = createMetricsRegistry({ service: 'eligibility' });
  const kafka = createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: 'eligibility', logger });
  const producer = createProducer(kafka);
  await producer.connect();
  lifecycle.onShutdown('producer', () => producer.disconnect());
  const relay = createOutboxRelay({
    pool,
    schema: 'eligibility',
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
    groupId: 'eligibility',
    handlers: feedHandlers(now),
    logger,
    registry,
    batchSize: 50,
  });
  await runner.start();
  lifecycle.onShutdown('consumer', () => runner.stop());

  const scheduler = createScheduler({
    pool,
    owner: `eligibility-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    handlers: { [POLICY_SWITCH]: policySwitchHandler(pool, now) },
    leaseMs: 10 * 60_000,
    now,
    logger,
  });
  scheduler.start();
  lifecycle.onShutdown('scheduler', () => scheduler.stop());

  const verifier = createTokenVerifier({
    issuers: [{ issuer: config.AUTH_ISSUER, jwksUrl: config.AUTH_JWKS_URL }],
  });
  const server = await createApp({ logger, registry, pool, verifier, now });
  await server.listen({ port: config.PORT, host: '0.0.0.0' });
  lifecycle.onShutdown('http', () => server.close());
  const grpcServer = await startEligibilityGrpcServer({
    pool,
    verifier,
    logger,
    now,
    address: `0.0.0.0:${config.GRPC_PORT}`,
  });
  lifecycle.onShutdown('grpc', () => grpcServer.close());
});
