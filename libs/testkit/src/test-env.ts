import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '@huimin/embedded-kafka';
import { createKafkaClient } from '@huimin/kafka';
import { createLogger, type Logger } from '@huimin/kit';
import { createPool, migrate } from '@huimin/pg';
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { claimRedisDb } from './redis-db.ts';

export interface TestEnvOptions {
  /** Short name for the schema and the Kafka client id (letters, digits, underscores). */
  name?: string;
  /** A service's `migrations/` folder to apply to the fresh schema (the lib's tables are always created). */
  migrationsDir?: string;
  /** Which parts to start; all by default. */
  broker?: boolean;
  postgres?: boolean;
  redis?: boolean;
}

export interface TestEnv {
  /** `host:port` list for KAFKA_BROKERS. */
  brokers: string;
  kafka: Kafka;
  databaseUrl: string;
  /** A schema made for this test env alone, dropped by close(). */
  schema: string;
  pool: pg.Pool;
  redisUrl: string;
  redisDb: number;
  redis: Redis;
  logger: Logger;
  /** Stops the broker (if embedded), drops the schema, empties and releases the Redis db. */
  close(): Promise<void>;
}

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * What an integration test needs, real and isolated: a Kafka broker (the embedded one, or the
 * Kafka that KAFKA_BROKERS names), a fresh Postgres schema with migrations applied, and a Redis db
 * index of its own. Test files run in parallel without seeing each other's data.
 */
export async function startTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  const name = (options.name ?? 'test').replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  const logger = createLogger({
    name: `test-${name}`,
    level: (process.env.TEST_LOG_LEVEL as 'info') ?? 'warn',
  });
  const closers: (() => Promise<void>)[] = [];
  const env: Partial<TestEnv> = { logger };

  try {
    if (options.broker !== false) {
      const { brokers, stop } = await startKafka(name, logger);
      closers.push(stop);
      env.brokers = brokers;
      env.kafka = createKafkaClient({ brokers, clientId: `test-${name}`, logger });
    }
    if (options.postgres !== false) {
      const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
      const schema = `t_${name}_${randomBytes(4).toString('hex')}`.slice(0, 63);
      const pool = createPool({ connectionString: databaseUrl, schema, logger });
      closers.push(async () => {
        await pool.end();
        await dropSchema(databaseUrl, schema);
      });
      await migrate(pool, {
        schema,
        logger,
        ...(options.migrationsDir ? { dir: options.migrationsDir } : {}),
      });
      Object.assign(env, { databaseUrl, schema, pool });
    }
    if (options.redis !== false) {
      const baseUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
      const claim = await claimRedisDb(baseUrl);
      closers.push(claim.release);
      const redis = new Redis(claim.url, { lazyConnect: true });
      await redis.connect();
      closers.push(async () => {
        redis.disconnect();
      });
      Object.assign(env, { redisUrl: claim.url, redisDb: claim.db, redis });
    }
  } catch (err: unknown) {
    await closeAll(closers);
    throw err;
  }

  return {
    ...(env as TestEnv),
    close: () => closeAll(closers),
  };
}

async function closeAll(closers: (() => Promise<void>)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const close of closers.reverse()) {
    try {
      await close();
    } catch (err: unknown) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, 'test env did not close cleanly');
}

async function startKafka(
  name: string,
  logger: Logger,
): Promise<{ brokers: string; stop: () => Promise<void> }> {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS, stop: async () => {} };
  if (process.env.TESTCONTAINERS === '1') {
    const { startKafkaContainer } = await import('./testcontainers.ts');
    return startKafkaContainer();
  }
  const dataDir = await mkdtemp(join(tmpdir(), `huimin-kafka-${name}-`));
  const broker = await startBroker({
    port: 0,
    dataDir,
    logger: logger.child({ component: 'embedded-kafka' }),
  });
  return {
    brokers: broker.brokers,
    stop: async () => {
      await broker.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${pg.escapeIdentifier(schema)} cascade`);
  } finally {
    await client.end();
  }
}
