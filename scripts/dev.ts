// `pnpm start`: the dev stack on one machine.
// Checks Postgres and Redis, starts the embedded Kafka broker (unless KAFKA_BROKERS points at a
// real Kafka), applies every service's migrations, starts each service as its own process with
// prefixed, coloured logs, waits for every /readyz, and prints what to open. Ctrl-C stops it all.
// State lives in .data/ (broker log) and the dev database; `pnpm start --fresh` wipes both.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { discoverServices, root, type ServiceManifest, stackEnv } from './stack.ts';

const dataDir = process.env.DEV_DATA_DIR ?? join(root, '.data');
const fresh = process.argv.includes('--fresh');
const simulate = !process.argv.includes('--no-simulate');

const env = {
  DATABASE_URL: stackEnv.databaseUrl,
  REDIS_URL: stackEnv.redisUrl,
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
  KAFKA_PORT: stackEnv.kafkaPort,
};

const colours = [36, 33, 35, 32, 34, 91, 96, 93, 95, 92];
const children: { name: string; proc: ChildProcess }[] = [];
let stopping = false;

// Colour only for a person at a terminal; piped output (CI, files) stays plain.
function paint(code: number, text: string): string {
  return process.stdout.isTTY ? `\x1b[${code}m${text}\x1b[0m` : text;
}

function say(line: string): void {
  process.stdout.write(`${paint(1, '[dev]')} ${line}\n`);
}

function fail(line: string): never {
  process.stderr.write(`${paint(31, '[dev]')} ${line}\n`);
  void stopAll(1);
  process.exit(1);
}

async function ensureDatabase(): Promise<void> {
  const url = new URL(env.DATABASE_URL);
  const database = url.pathname.slice(1);
  const admin = new URL(env.DATABASE_URL);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (err: unknown) {
    fail(
      `Postgres is not reachable at ${url.host} (${(err as Error).message}). Start it with: ` +
        `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`,
    );
  }
  try {
    if (fresh) {
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
    }
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
      say(`created database ${database}`);
    }
  } finally {
    await client.end();
  }
}

async function ensureRedis(): Promise<void> {
  const redis = new Redis(env.REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    if (fresh) {
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
    fail(
      `Redis is not reachable at ${env.REDIS_URL} (${(err as Error).message}). Start it with: ` +
        `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`,
    );
  } finally {
    redis.disconnect();
  }
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve();
      });
      socket.on('error', () => {
        socket.destroy();
        if (Date.now() > deadline)
          reject(new Error(`nothing listening on port ${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function start(
  name: string,
  args: string[],
  cwd: string,
  extraEnv: Record<string, string>,
  { critical = true }: { critical?: boolean } = {},
): ChildProcess {
  const prefix = `${paint(colours[children.length % colours.length] ?? 0, `${name.padEnd(12)}|`)} `;
  const proc = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pipe = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) => {
    let pending = '';
    stream?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) out.write(`${prefix}${line}\n`);
    });
  };
  pipe(proc.stdout, process.stdout);
  pipe(proc.stderr, process.stderr);
  proc.on('exit', (code, signal) => {
    if (stopping) return;
    if (critical) fail(`${name} exited (${signal ?? `code ${code}`}); stopping the stack`);
    say(`${name} finished (${signal ?? `code ${code}`}); the stack keeps running`);
  });
  children.push({ name, proc });
  return proc;
}

async function applyMigrations(services: ServiceManifest[]): Promise<void> {
  const withMigrations = services.filter((s) => s.hasMigrations);
  if (withMigrations.length === 0) return;
  const { createPool, migrate } = await import('@huimin/pg');
  for (const service of withMigrations) {
    const pool = createPool({ connectionString: env.DATABASE_URL, schema: service.schema });
    try {
      await migrate(pool, { schema: service.schema, dir: join(service.dir, 'migrations') });
      say(`migrations applied: ${service.name}`);
    } finally {
      await pool.end();
    }
  }
}

// A service that has demo data for the dev stack (demo logins, demo department keys) declares a
// `seed-dev` script; it must be idempotent, as it runs at every start.
async function seedDemoData(services: ServiceManifest[]): Promise<void> {
  for (const service of services) {
    const manifest = JSON.parse(readFileSync(join(service.dir, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    const script = manifest.scripts?.['seed-dev']?.match(/^node (\S+\.ts)$/)?.[1];
    if (!script) continue;
    const result = spawnSync(process.execPath, [script], {
      cwd: service.dir,
      env: { ...process.env, DATABASE_URL: env.DATABASE_URL, REDIS_URL: env.REDIS_URL },
      encoding: 'utf8',
    });
    if (result.status !== 0) fail(`${service.name} seed-dev failed: ${result.stderr.trim()}`);
    for (const line of result.stdout.trim().split('\n').filter(Boolean)) say(line);
  }
}

// The feed simulator posts a synthetic county through ingest, as the departments would. The
// initial load goes once per data dir; later starts only add the live trickle.
function startSimulator(ingestPort: number): void {
  const loaded = join(dataDir, 'simulator-loaded');
  const args = [
    join(root, 'tools', 'simulator', 'src', 'cli.ts'),
    '--ingest',
    `http://127.0.0.1:${ingestPort}`,
    '--households',
    process.env.SIMULATOR_HOUSEHOLDS ?? '500',
    '--rate',
    process.env.SIMULATOR_RATE ?? '20',
    '--progress',
    '30s',
  ];
  if (existsSync(loaded)) args.push('--skip-bulk');
  else writeFileSync(loaded, new Date().toISOString());
  start('simulator', args, root, {}, { critical: false });
  say('feed simulator started (pnpm start --no-simulate to run without it)');
}

// Topics come from libs/contracts, created once here (production never relies on auto-create).
async function createTopics(brokers: string): Promise<void> {
  const { topics } = await import('@huimin/contracts');
  const { createKafkaClient, ensureTopics } = await import('@huimin/kafka');
  const { createLogger } = await import('@huimin/kit');
  const logger = createLogger({ name: 'dev', level: 'warn' });
  const kafka = createKafkaClient({ brokers, clientId: 'huimin-dev', logger });
  const report = await ensureTopics(kafka, { topics: Object.values(topics), mode: 'dev', logger });
  say(`topics: ${report.created.length} created, ${report.existing.length} already there`);
}

async function waitReady(service: ServiceManifest, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${service.port}/readyz`);
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err: unknown) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`${service.name} not ready after ${timeoutMs} ms (${last})`);
}

async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Services first, the broker last, so services can flush to it on the way out.
  for (const { proc } of [...children].reverse()) {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          proc.kill('SIGKILL');
          resolve();
        }, 10_000);
        proc.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
  process.exit(code);
}

async function main(): Promise<void> {
  if (fresh) {
    rmSync(dataDir, { recursive: true, force: true });
    say("--fresh: wiped .data/, the dev database and the stack's Redis keys");
  }
  mkdirSync(dataDir, { recursive: true });
  await ensureRedis();
  await ensureDatabase();
  say(`Postgres ${new URL(env.DATABASE_URL).host}, Redis ${new URL(env.REDIS_URL).host}: reachable`);

  let brokers = env.KAFKA_BROKERS;
  const brokerCli = join(root, 'libs', 'embedded-kafka', 'src', 'cli.ts');
  if (!brokers && existsSync(brokerCli)) {
    start(
      'kafka',
      [brokerCli, '--port', String(env.KAFKA_PORT), '--data-dir', join(dataDir, 'kafka')],
      root,
      {},
    );
    await waitForPort(env.KAFKA_PORT, 15_000);
    brokers = `127.0.0.1:${env.KAFKA_PORT}`;
    say(`embedded Kafka broker on ${brokers}`);
  } else if (brokers) {
    say(`using Kafka at ${brokers}`);
  }

  if (brokers) await createTopics(brokers);

  const services = discoverServices();
  await applyMigrations(services);
  await seedDemoData(services);
  const consoleDir = await buildConsole();
  for (const service of services) {
    start(service.name, [join('src', 'main.ts')], service.dir, {
      ...service.env,
      DATABASE_URL: env.DATABASE_URL,
      REDIS_URL: env.REDIS_URL,
      KAFKA_BROKERS: brokers,
      ...(service.port ? { PORT: String(service.port) } : {}),
      ...(service.name === 'notify' && consoleDir ? { CONSOLE_DIR: consoleDir } : {}),
    });
  }
  await Promise.all(services.filter((s) => s.port).map((s) => waitReady(s, 60_000)));

  say('dev stack ready');
  const ingest = services.find((s) => s.name === 'ingest');
  if (simulate && ingest?.port) startSimulator(ingest.port);
  const eldercare = services.find((s) => s.name === 'eldercare');
  const identity = services.find((s) => s.name === 'identity');
  if (simulate && eldercare?.port && identity?.port) {
    const orders = join(eldercare.dir, 'src', 'cli', 'simulate-orders.ts');
    start(
      'orders',
      [
        orders,
        '--url',
        `http://127.0.0.1:${eldercare.port}`,
        '--identity',
        `http://127.0.0.1:${identity.port}`,
      ],
      root,
      {},
      { critical: false },
    );
  }
  const charity = services.find((s) => s.name === 'charity');
  if (simulate && charity?.port) {
    const donations = join(charity.dir, 'src', 'cli', 'simulate-donations.ts');
    start(
      'donations',
      [donations, '--url', `http://127.0.0.1:${charity.port}`],
      root,
      {},
      { critical: false },
    );
  }
  for (const service of services.filter((s) => s.port)) {
    say(`  ${service.name.padEnd(12)} http://127.0.0.1:${service.port}/docs`);
  }
  const notify = services.find((s) => s.name === 'notify');
  if (consoleDir && notify?.port)
    say(`  console      http://127.0.0.1:${notify.port}/  (the case-handler console)`);
  if (brokers) say(`  kafka        ${brokers}`);
  if (services.some((s) => s.name === 'identity')) {
    say(
      'demo logins (password huimin-demo-2026): handler.changsheng, handler.ludu, supervisor.loudong, admin, auditor',
    );
    say(
      '  all demo users: services/identity/README.md; department keys for ingest: services/ingest/README.md',
    );
  }
  say('Ctrl-C stops everything');
  // Keep running even when nothing else holds the event loop open (no broker, no services yet).
  setInterval(() => {}, 1 << 30);
}

/** Builds the case-handler console (services/notify/console) with Vite for notify to serve. */
async function buildConsole(): Promise<string | undefined> {
  const source = join(root, 'services', 'notify', 'console');
  if (!existsSync(join(source, 'vite.config.ts'))) return undefined;
  const outDir = join(dataDir, 'console');
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
  say(`console built into ${outDir}`);
  return outDir;
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
main().catch((err: unknown) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
