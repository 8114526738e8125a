import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServiceTokenClient, createTokenVerifier } from '@huimin/auth';
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
import { createGrpcAlertDirectory, loadAlertServiceDefinition } from './alerts/grpc-alert-directory.ts';
import { createApp } from './app.ts';
import { CharityConfig, DEV_RECEIPT_LINK_SECRET } from './config.ts';
import {
  DEFAULT_SANDBOX_FILE,
  loadPaymentSandbox,
  providerConfigsFromEnv,
  sandboxProviderConfigs,
} from './payments/payment-config.ts';
import { RECONCILE_JOB } from './reconciliation.ts';
import { announceFunds } from './seed-funds.ts';

await runService(async () => {
  const config = loadConfig(CharityConfig);
  const logger = createLogger({ name: 'charity', level: config.LOG_LEVEL });
  const production = process.env.NODE_ENV === 'production';
  // Production never gets here with it: loadConfig refuses a public or weak secret there.
  if (config.RECEIPT_LINK_SECRET === DEV_RECEIPT_LINK_SECRET) {
    logger.warn(
      'receipt links are signed with the public development secret; set RECEIPT_LINK_SECRET outside dev',
    );
  }
  const lifecycle = createLifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  lifecycle.trapSignals();
  lifecycle.onShutdown('telemetry', initTelemetry({ serviceName: 'charity' }));

  const schema = config.DATABASE_SCHEMA;
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    applicationName: 'charity',
    logger,
  });
  lifecycle.onShutdown('postgres', () => pool.end());
  await migrate(pool, { schema, dir: fileURLToPath(new URL('../migrations', import.meta.url)), logger });

  const kafka = createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: 'charity', logger });
  const producer = createProducer(kafka);
  await producer.connect();
  lifecycle.onShutdown('kafka producer', () => producer.disconnect());
  const registry = createMetricsRegistry({ service: 'charity' });
  const relay = createOutboxRelay({
    pool,
    schema,
    publisher: createPublisher({ producer }),
    logger,
    registry,
  });
  await relay.start();
  lifecycle.onShutdown('outbox relay', () => relay.stop());
  // Funds made before FundOpened existed, or by a seed run elsewhere: the platform hears of them once.
  const announced = await announceFunds(pool);
  if (announced > 0) logger.info({ announced }, 'funds announced to the platform');

  // The providers: the merchant's keys from the environment; in dev, the sandbox seed-dev made.
  let providers = providerConfigsFromEnv(config);
  const sandboxFile = config.PAYMENT_SANDBOX_FILE ?? DEFAULT_SANDBOX_FILE;
  if (
    !production &&
    providers.wechatPay === undefined &&
    providers.alipay === undefined &&
    existsSync(sandboxFile)
  ) {
    providers = sandboxProviderConfigs(loadPaymentSandbox(sandboxFile), config.WECHATPAY_TOLERANCE_SECONDS);
    logger.warn('payment notifications are verified with the local sandbox keys (dev only)');
  }
  if (providers.wechatPay === undefined)
    logger.warn('WeChat Pay is not configured: its notifications are refused');
  if (providers.alipay === undefined) logger.warn('Alipay is not configured: its notifications are refused');

  if (loadAlertServiceDefinition() === undefined) {
    logger.warn(
      'discovery’s AlertService contract is not in proto/: applications that link an alert get 503',
    );
  }
  const alerts = createGrpcAlertDirectory({
    address: config.DISCOVERY_GRPC_ADDRESS,
    deadlineMs: config.DISCOVERY_GRPC_DEADLINE_MS,
    serviceToken: createServiceTokenClient({
      identityUrl: config.IDENTITY_URL,
      clientId: config.SERVICE_CLIENT_ID,
      clientSecret: config.SERVICE_CLIENT_SECRET,
    }),
  });
  lifecycle.onShutdown('discovery client', async () => alerts.close());

  const now = () => new Date();
  const app = await createApp({
    logger,
    registry,
    pool,
    verifier: createTokenVerifier({
      issuers: [{ issuer: config.AUTH_ISSUER, jwksUrl: config.AUTH_JWKS_URL }],
    }),
    alerts,
    receiptLinkSecret: config.RECEIPT_LINK_SECRET,
    wechatPay: providers.wechatPay,
    alipay: providers.alipay,
    now,
    paymentOrdersPerMinute: config.PAYMENT_ORDERS_PER_MINUTE,
    trustedProxyHops: config.TRUSTED_PROXY_HOPS,
  });

  // Where households live (the household feed), so an application cannot name its own community.
  const runner = createConsumerRunner({
    kafka,
    pool,
    groupId: 'charity',
    handlers: app.handlers,
    logger,
    registry,
  });
  await runner.start();
  lifecycle.onShutdown('consumer', () => runner.stop());

  if (config.RECONCILE_ENABLED) {
    const scheduler = createScheduler({
      pool,
      owner: `charity-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      handlers: { [RECONCILE_JOB]: app.reconciliation.handler },
      now,
      logger,
    });
    await app.reconciliation.arm(pool);
    scheduler.start();
    lifecycle.onShutdown('scheduler', () => scheduler.stop());
  }

  await app.server.listen({ port: config.PORT, host: '0.0.0.0' });
  lifecycle.onShutdown('http', () => app.close()); // registered last, so closed first
});
