// The dev stack's setup steps before any service starts: Redis and Postgres reachable (the
// database created), topics, migrations, demo data, the console's build. Each says what it did, or
// what is wrong and what to do, in one line.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { root, type ServiceManifest } from './stack.ts';

export interface SetupContext {
  databaseUrl: string;
  redisUrl: string;
  /** `pnpm start --fresh`: the stack's database and Redis keys go first. */
  fresh: boolean;
  dataDir: string;
  say(line: string): void;
  /** Says what is wrong, stops what was started and exits. */
  fail(line: string): Promise<never>;
  /** Shows a line a process wrote, as the terminal shows any process's lines. */
  show(source: string, line: string): void;
}

export async function ensureDatabase(ctx: SetupContext): Promise<void> {
  const url = new URL(ctx.databaseUrl);
  const database = url.pathname.slice(1);
  const admin = new URL(ctx.databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (err: unknown) {
    const { describePostgresRefusal } = await import('@huimin/pg');
    const refusal = describePostgresRefusal(err, admin.toString());
    if (refusal === undefined || refusal.includes('not reachable')) {
      await ctx.fail(
        `Postgres is not reachable at ${url.host} (${(err as Error).message}). Start it with: ` +
          `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`,
      );
    }
    await ctx.fail(refusal ?? `Postgres at ${url.host}: ${(err as Error).message}`);
  }
  try {
    if (ctx.fresh) {
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
    }
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
      ctx.say(`created database ${database}`);
    }
  } finally {
    await client.end();
  }
}

export async function ensureRedis(ctx: SetupContext): Promise<void> {
  const redis = new Redis(ctx.redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    if (ctx.fresh) {
      // The stack's own keys (ingest's idempotency records, rate buckets…) go with the rest of its
      // state; integration tests' db leases in the same db stay.
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
        cursor = next;
        const mine = keys.filter((key) => !key.startsWith('huimin:testkit:'));
        if (mine.length > 0) await redis.del(...mine);
      } while (cursor !== '0');
    }
  } catch (err: unknown) {
    await ctx.fail(
      `Redis is not reachable at ${ctx.redisUrl} (${(err as Error).message}). Start it with: ` +
        `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`,
    );
  } finally {
    redis.disconnect();
  }
}

export async function applyMigrations(ctx: SetupContext, services: ServiceManifest[]): Promise<void> {
  const withMigrations = services.filter((s) => s.hasMigrations);
  if (withMigrations.length === 0) return;
  const { createPool, migrate } = await import('@huimin/pg');
  const { createLogger } = await import('@huimin/kit');
  const logger = createLogger({ name: 'dev', level: 'warn' });
  for (const service of withMigrations) {
    const pool = createPool({ connectionString: ctx.databaseUrl, schema: service.schema, logger });
    try {
      const report = await migrate(pool, {
        schema: service.schema,
        dir: join(service.dir, 'migrations'),
        logger,
      });
      if (report.applied.length > 0)
        ctx.say(`migrations applied: ${service.name} (${report.applied.length})`);
    } finally {
      await pool.end();
    }
  }
  ctx.say(`migrations up to date: ${withMigrations.length} services`);
}

// A service that has demo data for the dev stack (demo logins, demo department keys) declares a
// `seed-dev` script; it must be idempotent, as it runs at every start.
export async function seedDemoData(ctx: SetupContext, services: ServiceManifest[]): Promise<void> {
  for (const service of services) {
    const manifest = JSON.parse(readFileSync(join(service.dir, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    const script = manifest.scripts?.['seed-dev']?.match(/^node (\S+\.ts)$/)?.[1];
    if (!script) continue;
    const result = spawnSync(process.execPath, [script], {
      cwd: service.dir,
      env: { ...process.env, DATABASE_URL: ctx.databaseUrl, REDIS_URL: ctx.redisUrl, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    if (result.status !== 0) await ctx.fail(`${service.name} seed-dev failed: ${result.stderr.trim()}`);
    for (const line of result.stdout.trim().split('\n').filter(Boolean)) {
      // Its own report lines are plain; a log line shows only as a warning or error.
      if (!line.startsWith('{')) ctx.say(line);
      else {
        ctx.show(service.name, line);
      }
    }
  }
}

// Topics come from libs/contracts, created once here (production never relies on auto-create).
export async function createTopics(ctx: SetupContext, brokers: string): Promise<void> {
  const { topics } = await import('@huimin/contracts');
  const { createKafkaClient, ensureTopics } = await import('@huimin/kafka');
  const { createLogger } = await import('@huimin/kit');
  const logger = createLogger({ name: 'dev', level: 'warn' });
  const kafka = createKafkaClient({ brokers, clientId: 'huimin-dev', logger });
  const report = await ensureTopics(kafka, { topics: Object.values(topics), mode: 'dev', logger });
  ctx.say(`topics: ${report.created.length} created, ${report.existing.length} already there`);
}

/** Builds the case-handler console (services/notify/console) with Vite for notify to serve. */
export async function buildConsole(ctx: SetupContext): Promise<string | undefined> {
  const source = join(root, 'services', 'notify', 'console');
  if (!existsSync(join(source, 'vite.config.ts'))) return undefined;
  const outDir = join(ctx.dataDir, 'console');
  const { build } = await import('vite');
  // Vite's build sets NODE_ENV=production in this process; the services started after it inherit
  // the environment and would refuse their dev defaults (ingest's public secrets key, say).
  const nodeEnv = process.env.NODE_ENV;
  try {
    await build({
      configFile: join(source, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  ctx.say(`console built into ${outDir}`);
  return outDir;
}
