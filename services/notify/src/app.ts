import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { TokenVerifier } from '@huimin/auth';
import { type ConsumerRunner, createConsumerRunner } from '@huimin/kafka';
import { createHttpServer, type HttpServer, type Logger } from '@huimin/kit';
import { createScheduler, type Scheduler } from '@huimin/pg';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import type { NotifyConfig } from './config.ts';
import { notifyErrors } from './errors.ts';
import { createFanout, type Fanout } from './fanout.ts';
import { alertEventHandlers } from './handlers/alert-events.ts';
import { registerConsoleGateway } from './handlers/console-gateway.ts';
import { registerRobotRoutes } from './handlers/robot-routes.ts';
import { registerStreamRoutes } from './handlers/stream-routes.ts';
import { createHub, type Hub } from './hub.ts';
import { notifyMetrics } from './metrics.ts';
import { createRobotDelivery, type RobotDelivery } from './robot-delivery.ts';

/**
 * The console's Content-Security-Policy: its own scripts and styles only (the build inlines
 * nothing), photos from its own API as blob: URLs, calls and streams to its own origin, no plugins,
 * no framing, no <base> rewriting. Injected markup cannot run script under it.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface AppDependencies {
  config: NotifyConfig;
  logger: Logger;
  registry: Registry;
  /** Scoped to notify's schema (createPool({ schema: config.DATABASE_SCHEMA })). */
  pool: pg.Pool;
  kafka: Kafka;
  verifier: TokenVerifier;
  now?: () => Date;
  newId?: () => string;
  /** Names this replica in scheduler leases. */
  instance?: string;
  /** Tuning for tests: poll intervals of the scheduler and the fan-out. */
  pollMs?: { scheduler?: number; fanout?: number; repair?: number };
}

export interface NotifyApp {
  server: HttpServer;
  hub: Hub;
  fanout: Fanout;
  robots: RobotDelivery;
  runner: ConsumerRunner;
  scheduler: Scheduler;
  /** Starts the fan-out, the consumer and the scheduler (the HTTP server is listened to by the caller). */
  start(): Promise<void>;
  /** Ends every stream, then stops what start() started and the HTTP server. */
  close(): Promise<void>;
}

/** Builds one notify replica from its dependencies; main.ts listens, tests inject and listen on port 0. */
export async function createApp(deps: AppDependencies): Promise<NotifyApp> {
  const { config, logger, registry, pool } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const metrics = notifyMetrics(registry);
  const hub = createHub({ metrics, logger, now, maxStreamsPerUser: config.MAX_STREAMS_PER_USER });

  const server = await createHttpServer({
    name: 'notify',
    logger,
    registry,
    errors: notifyErrors,
    trustedProxyHops: config.TRUSTED_PROXY_HOPS,
    openapi: { title: 'Huimin notify: live alerts for case handlers, group robots', version: '1.0.0' },
  });
  server.addReadinessCheck('postgres', async () => {
    await pool.query('select 1');
  });

  const streams = registerStreamRoutes(server, {
    pool,
    hub,
    verifier: deps.verifier,
    logger,
    heartbeatMs: config.HEARTBEAT_MS,
    now,
  });
  registerRobotRoutes(server, {
    pool,
    verifier: deps.verifier,
    allowedHosts: config.ROBOT_WEBHOOK_HOSTS,
    now,
    newId,
  });
  await registerConsoleGateway(server, {
    discoveryUrl: config.DISCOVERY_URL.replace(/\/$/, ''),
    identityUrl: config.IDENTITY_URL.replace(/\/$/, ''),
    scorecardUrl: config.SCORECARD_URL.replace(/\/$/, ''),
    assistanceUrl: config.ASSISTANCE_URL.replace(/\/$/, ''),
    logger,
  });
  if (config.CONSOLE_DIR) {
    // The case-handler console is static files served from here, beside its streams. It routes
    // in the URL's fragment; robot messages link to /alerts/<id>, which lands on the alert.
    await server.register(fastifyStatic, {
      root: resolve(config.CONSOLE_DIR),
      prefix: '/',
      index: 'index.html',
      setHeaders: (reply) => {
        reply.header('content-security-policy', CONSOLE_CSP);
        reply.header('referrer-policy', 'no-referrer');
      },
    });
    server.get('/alerts/:id', { schema: { hide: true } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      return reply.redirect(`/#/alerts/${encodeURIComponent(id)}`);
    });
  }
  // Long-lived streams would hold a graceful close open: end them first; clients reconnect to
  // another replica with Last-Event-ID and lose nothing.
  server.addHook('preClose', async () => streams.closeAll());

  const robots = createRobotDelivery({
    settings: {
      consoleUrl: config.CONSOLE_URL,
      maxAttempts: config.ROBOT_MAX_ATTEMPTS,
      backoffMs: config.ROBOT_BACKOFF_MS,
      maxBackoffMs: config.ROBOT_MAX_BACKOFF_MS,
      timeoutMs: config.ROBOT_TIMEOUT_MS,
      digestAt: config.DIGEST_AT,
      logRetentionHours: config.LOG_RETENTION_HOURS,
    },
    metrics,
    logger,
    now,
    newId,
  });

  const fanout = createFanout({
    pool,
    connectionString: config.DATABASE_URL,
    schema: config.DATABASE_SCHEMA,
    redisUrl: config.REDIS_URL,
    hub,
    logger,
    ...(deps.pollMs?.fanout ? { pollMs: deps.pollMs.fanout } : {}),
    ...(deps.pollMs?.repair ? { repairMs: deps.pollMs.repair } : {}),
  });
  server.addReadinessCheck('redis', async () => {
    if (!fanout.connected) throw new Error('not subscribed to the fan-out channel');
  });

  const runner = createConsumerRunner({
    kafka: deps.kafka,
    pool,
    groupId: config.CONSUMER_GROUP,
    handlers: alertEventHandlers({ robots, now }),
    logger,
    registry,
    // One transaction per event: an event is pushed as soon as it commits (a batch would hold
    // every event back until the batch's last one, and hold the log's lock throughout). The lock
    // is taken only at the append, the transaction's last step.
    batchSize: 1,
  });

  const scheduler = createScheduler({
    pool,
    owner: deps.instance ?? `notify-${process.pid}-${newId().slice(0, 8)}`,
    handlers: robots.handlers,
    now,
    logger,
    ...(deps.pollMs?.scheduler ? { pollMs: deps.pollMs.scheduler } : {}),
  });

  let started = false;
  return {
    server,
    hub,
    fanout,
    robots,
    runner,
    scheduler,
    async start() {
      await fanout.start();
      await runner.start();
      await robots.arm(pool);
      scheduler.start();
      started = true;
    },
    async close() {
      await server.close();
      if (started) {
        await scheduler.stop();
        await runner.stop();
        await fanout.stop();
      }
    },
  };
}
