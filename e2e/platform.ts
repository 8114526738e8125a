// The whole platform for end-to-end tests: the embedded broker, a private redis-server, a fresh
// database, and every service as its own process (`src/main.ts`, exactly as deployed), on free
// loopback ports, wired to each other. Each process can be killed, stopped, continued and
// restarted, so fault tests can do to it what production does.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topics } from '@huimin/contracts';
import { createKafkaClient, ensureTopics } from '@huimin/kafka';
import { createLogger } from '@huimin/kit';
import { createPool, migrate } from '@huimin/pg';
import { ApacheKafkaCluster } from '@huimin/testkit/apache-kafka';
import pg from 'pg';
import { discoverServices, root, type ServiceManifest } from '../scripts/stack.ts';

export const ADMIN_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
    server.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

/** One process of the platform, with its output kept for the test to read (and scan). */
export class PlatformProcess {
  proc: ChildProcess | undefined;
  readonly output: string[] = [];
  private partial = '';

  readonly name: string;
  private readonly command: () => { args: string[]; cwd: string; env: Record<string, string> };

  constructor(name: string, command: () => { args: string[]; cwd: string; env: Record<string, string> }) {
    this.name = name;
    this.command = command;
  }

  start(): void {
    const { args, cwd, env } = this.command();
    const proc = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      const lines = (this.partial + chunk.toString('utf8')).split('\n');
      this.partial = lines.pop() ?? '';
      this.output.push(...lines);
      if (process.env.E2E_VERBOSE)
        for (const line of lines) process.stderr.write(`${this.name.padEnd(12)}| ${line}\n`);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    this.proc = proc;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  signal(signal: NodeJS.Signals): void {
    this.proc?.kill(signal);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.running) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /** SIGKILL, as a node or a container dies: no shutdown hooks run. */
  async kill(): Promise<void> {
    await this.stop('SIGKILL');
  }
}

export interface ServiceProcess extends PlatformProcess {
  manifest: ServiceManifest;
  url: string;
  grpcAddress?: string;
  ready(timeoutMs?: number): Promise<void>;
  restart(): Promise<void>;
}

export interface Platform {
  name: string;
  databaseUrl: string;
  brokers: string;
  redisUrl: string;
  services: Map<string, ServiceProcess>;
  /** The embedded broker (restart = SIGKILL and start again); idle when on Apache Kafka. */
  broker: PlatformProcess & { restart(): Promise<void> };
  /**
   * The Apache Kafka cluster the platform runs on instead of the embedded broker, when
   * `pnpm test:apache-kafka` started one (HUIMIN_APACHE_KAFKA_DIR): its brokers are killed and
   * restarted through it.
   */
  apacheKafka?: ApacheKafkaCluster;
  redis: PlatformProcess & { restart(): Promise<void> };
  service(name: string): ServiceProcess;
  url(name: string): string;
  /** A pool on one service's schema (for checks a test makes, and pg_terminate_backend). */
  pool(schema: string): pg.Pool;
  /** Every line each process wrote, by process name. */
  logs(): Map<string, string[]>;
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** Letters, digits, underscores: names the database. */
  name: string;
  /** Only these services (default: every service under services/). */
  only?: readonly string[];
  /** Per-service environment on top of the wiring. */
  env?: Record<string, Record<string, string>>;
  logLevel?: string;
}

/**
 * Starts the platform and waits until every service answers /readyz. Seeds the dev-stack demo data
 * (identity's demo users, rosters and service clients; ingest's department keys; …) through each
 * service's `seed-dev`, as `pnpm start` does.
 */
/** Drops `huimin_e2e_<name>_<pid>` databases whose process is gone (a run killed before its close). */
async function dropAbandonedDatabases(admin: pg.Client, name: string): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    `select datname from pg_database where datname like $1`,
    [`huimin_e2e_${name.replaceAll('_', '\\_')}\\_%`],
  );
  for (const { datname } of rows) {
    const pid = Number(datname.slice(`huimin_e2e_${name}_`.length));
    if (!Number.isInteger(pid) || pid <= 0 || isAlive(pid)) continue;
    await admin.query(`drop database if exists ${datname} with (force)`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  };
  try {
    const dataDir = mkdtempSync(join(tmpdir(), `huimin-e2e-${options.name}-`));
    closers.push(async () => rmSync(dataDir, { recursive: true, force: true }));

    // A database of its own, named by this process so two runs on one machine (two checkouts, a
    // bench beside a test) never drop each other's; one a killed run left behind is dropped here.
    const database = `huimin_e2e_${options.name}_${process.pid}`;
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await dropAbandonedDatabases(admin, options.name);
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.query(`create database ${database}`);
    await admin.end();
    const databaseUrl = new URL(ADMIN_DATABASE_URL);
    databaseUrl.pathname = `/${database}`;
    closers.push(async () => {
      const c = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${database} with (force)`);
      await c.end();
    });

    // A private Redis, never the machine's shared one: fault tests restart it.
    const redisPort = await freePort();
    const redis = Object.assign(new PlatformProcess('redis', () => ({ args: [], cwd: dataDir, env: {} })), {
      restart: async () => {},
    });
    const redisProc = () => {
      const proc = spawn(
        'redis-server',
        ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      proc.stdout?.on('data', (c: Buffer) => redis.output.push(...c.toString().split('\n').filter(Boolean)));
      redis.proc = proc;
    };
    redis.start = redisProc;
    const redisUp = () =>
      waitFor(
        'redis',
        async () =>
          spawnSync('redis-cli', ['-p', String(redisPort), 'ping'], { encoding: 'utf8' }).stdout.trim() ===
          'PONG',
        10_000,
      );
    redis.restart = async () => {
      await redis.kill();
      redis.start();
      await redisUp();
    };
    redis.start();
    closers.push(() => redis.stop());
    await redisUp();
    const redisUrl = `redis://127.0.0.1:${redisPort}`;

    // The broker, on a data dir that survives its restarts; or the Apache Kafka cluster that
    // `pnpm test:apache-kafka` runs (HUIMIN_APACHE_KAFKA_DIR).
    const apacheKafka = process.env.HUIMIN_APACHE_KAFKA_DIR
      ? ApacheKafkaCluster.open(process.env.HUIMIN_APACHE_KAFKA_DIR)
      : undefined;
    const kafkaPort = await freePort();
    const brokers = apacheKafka?.bootstrap ?? `127.0.0.1:${kafkaPort}`;
    const broker = Object.assign(
      new PlatformProcess('kafka', () => ({
        args: [
          join(root, 'libs', 'embedded-kafka', 'src', 'cli.ts'),
          '--port',
          String(kafkaPort),
          '--data-dir',
          join(dataDir, 'kafka'),
        ],
        cwd: root,
        env: {},
      })),
      { restart: async () => {} },
    );
    const brokerUp = () => waitFor('the broker', () => portOpen(kafkaPort), 20_000);
    if (apacheKafka) {
      broker.restart = async () => {
        throw new Error('on Apache Kafka, kill and restart brokers through platform.apacheKafka');
      };
    } else {
      broker.restart = async () => {
        await broker.kill();
        broker.start();
        await brokerUp();
      };
      broker.start();
      closers.push(() => broker.stop());
      await brokerUp();
    }
    const logger = createLogger({ name: 'e2e', level: 'warn' });
    const kafka = createKafkaClient({ brokers, clientId: 'e2e', logger });
    await ensureTopics(kafka, { topics: Object.values(topics), mode: 'dev', logger });

    // The services: ports first, so each can be told where the others are.
    const manifests = discoverServices().filter((s) => !options.only || options.only.includes(s.name));
    const ports = new Map<string, { http: number; grpc: number }>();
    for (const m of manifests) ports.set(m.name, { http: await freePort(), grpc: await freePort() });
    const http = (name: string) => `http://127.0.0.1:${ports.get(name)?.http ?? 9}`;
    const grpc = (name: string) => `127.0.0.1:${ports.get(name)?.grpc ?? 9}`;
    const identity = http('identity');
    const wiring: Record<string, string> = {
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: redisUrl,
      KAFKA_BROKERS: brokers,
      LOG_LEVEL: options.logLevel ?? 'info',
      AUTH_ISSUER: identity,
      AUTH_JWKS_URL: `${identity}/.well-known/jwks.json`,
      ISSUER: identity,
      IDENTITY_URL: identity,
      DISCOVERY_URL: http('discovery'),
      DISCOVERY_GRPC_ADDRESS: grpc('discovery'),
      ELIGIBILITY_GRPC_ADDRESS: grpc('eligibility'),
      ELIGIBILITY_URL: http('eligibility'),
      RISK_URL: http('risk'),
      ELDERCARE_URL: http('eldercare'),
      CHARITY_URL: http('charity'),
      SCORECARD_URL: http('scorecard'),
      ASSISTANCE_URL: http('assistance'),
      CONSOLE_URL: http('notify'),
    };

    // Migrations and demo data, as the dev stack does them.
    for (const m of manifests.filter((s) => s.hasMigrations)) {
      const pool = createPool({ connectionString: databaseUrl.toString(), schema: m.schema });
      try {
        await migrate(pool, { schema: m.schema, dir: join(m.dir, 'migrations') });
      } finally {
        await pool.end();
      }
    }
    for (const m of manifests) {
      const pkg = JSON.parse(readFileSync(join(m.dir, 'package.json'), 'utf8')) as {
        scripts?: Record<string, string>;
      };
      const script = pkg.scripts?.['seed-dev']?.match(/^node (\S+\.ts)$/)?.[1];
      if (!script) continue;
      const result = spawnSync(process.execPath, [script], {
        cwd: m.dir,
        env: { ...process.env, ...wiring, ...options.env?.[m.name] },
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`${m.name} seed-dev failed: ${result.stderr}`);
    }

    const services = new Map<string, ServiceProcess>();
    for (const m of manifests) {
      const port = ports.get(m.name);
      const p = new PlatformProcess(m.name, () => ({
        args: ['--import', '@huimin/kit/instrument', join('src', 'main.ts')],
        cwd: m.dir,
        env: {
          ...m.env,
          ...wiring,
          PORT: String(port?.http),
          GRPC_PORT: String(port?.grpc),
          ...options.env?.[m.name],
        },
      })) as ServiceProcess;
      p.manifest = m;
      p.url = http(m.name);
      p.grpcAddress = grpc(m.name);
      // Generous: eight services start at once on two cores, often beside other tests.
      p.ready = (timeoutMs = 150_000) =>
        waitFor(
          `${m.name} to be ready`,
          async () => (await fetch(`${p.url}/readyz`, { signal: AbortSignal.timeout(2000) })).ok,
          timeoutMs,
        );
      p.restart = async () => {
        await p.stop();
        p.start();
        await p.ready();
      };
      services.set(m.name, p);
      closers.push(() => p.stop());
    }
    // identity first: the others fetch its keys and tokens.
    const ordered = [...services.values()].sort(
      (a, b) => Number(b.name === 'identity') - Number(a.name === 'identity'),
    );
    for (const p of ordered) {
      p.start();
      if (p.name === 'identity') await p.ready();
    }
    await Promise.all([...services.values()].map((p) => p.ready()));

    const pools = new Map<string, pg.Pool>();
    closers.push(async () => {
      for (const pool of pools.values()) await pool.end();
    });
    return {
      name: options.name,
      databaseUrl: databaseUrl.toString(),
      brokers,
      redisUrl,
      services,
      broker,
      ...(apacheKafka ? { apacheKafka } : {}),
      redis,
      service(name) {
        const s = services.get(name);
        if (!s) throw new Error(`no service ${name} in this platform`);
        return s;
      },
      url: (name) => http(name),
      pool(schema) {
        let pool = pools.get(schema);
        if (!pool) {
          pool = createPool({ connectionString: databaseUrl.toString(), schema, max: 3 });
          pools.set(schema, pool);
        }
        return pool;
      },
      logs() {
        const all = new Map<string, string[]>();
        all.set('kafka', broker.output);
        for (const [name, p] of services) all.set(name, p.output);
        return all;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
