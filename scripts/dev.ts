// `pnpm start`: the dev stack on one machine.
// Refuses at once when a port it needs is taken; checks Postgres and Redis; starts the embedded
// Kafka broker (unless KAFKA_BROKERS points at a real Kafka), applies every service's migrations,
// starts each service as its own process, waits for each one's /readyz, and prints what to open.
// The terminal then shows one line per state change, the warnings and errors of every process in
// a readable form, and a status block that refreshes (scripts/dev-terminal.ts); each process's full
// log goes to .data/logs/<name>.log (`pnpm logs <name>` follows one). A service that dies is
// restarted with a back-off. Ctrl-C stops it all.
// State lives in .data/ (broker log) and the dev database; `pnpm start --fresh` wipes both.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, type WriteStream, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, relative } from 'node:path';
import type { Admin } from 'kafkajs';
import pg from 'pg';
import {
  applyMigrations,
  buildConsole,
  createTopics,
  ensureDatabase,
  ensureRedis,
  type SetupContext,
  seedDemoData,
} from './dev-setup.ts';
import { createScreen, readableLogLine, renderStatus, type StackSnapshot } from './dev-terminal.ts';
import { type NeededPort, takenPortsLine } from './ports.ts';
import {
  discoverServices,
  portVariable,
  root,
  type ServiceManifest,
  serviceAddresses,
  stackEnv,
} from './stack.ts';
import { readAlerts, readHealth, readKafka, readOutboxes } from './stack-state.ts';

const dataDir = process.env.DEV_DATA_DIR ?? join(root, '.data');
const logsDir = join(dataDir, 'logs');
const fresh = process.argv.includes('--fresh');
const simulate = !process.argv.includes('--no-simulate');
// A person at a terminal gets colour and a status block redrawn in place; piped output (CI, a file,
// a test) gets plain lines, the status block among them every DEV_STATUS_EVERY_MS.
const tty = Boolean(process.stdout.isTTY) && !process.env.CI;
const statusEveryMs = Number(process.env.DEV_STATUS_EVERY_MS ?? (tty ? 2000 : 60_000));

const env = {
  DATABASE_URL: stackEnv.databaseUrl,
  REDIS_URL: stackEnv.redisUrl,
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
  KAFKA_PORT: stackEnv.kafkaPort,
};

const screen = createScreen(process.stdout, tty);
const paint = (code: number, text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);

function say(line: string): void {
  screen.line(`${paint(1, '[dev]')} ${line}`);
}

interface Supervised {
  name: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Services and the broker are restarted when they die; the simulators are not. */
  critical: boolean;
  /** The HTTP port whose /readyz says the process is up. */
  port?: number | undefined;
  proc: ChildProcess;
  log: WriteStream;
  /** The last lines it wrote, to say why it died. */
  tail: string[];
  startedAt: number;
  restarts: number;
  /** Whether its /readyz answered 200 the last time the supervisor looked. */
  ready: boolean;
}

const children: Supervised[] = [];
let stopping = false;
let stackReady = false;

/** Says what went wrong, stops every process this run started, and only then exits. */
async function fail(line: string): Promise<never> {
  if (!stopping) {
    screen.close();
    process.stderr.write(`${paint(31, '[dev]')} ${line}\n`);
  }
  return stopAll(1);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(false);
    });
    socket.on('error', () => {
      socket.destroy();
      resolve(true);
    });
  });
}

/** The ports this run will bind: refused in one line, naming the holder, if any is taken. */
async function refuseTakenPorts(services: ServiceManifest[], embeddedBroker: boolean): Promise<void> {
  const needed: NeededPort[] = [];
  if (embeddedBroker)
    needed.push({ port: env.KAFKA_PORT, purpose: 'the Kafka broker', variable: 'KAFKA_PORT' });
  for (const s of services) {
    if (s.port) needed.push({ port: s.port, purpose: s.name, variable: portVariable(s.name) });
    if (s.grpcPort)
      needed.push({ port: s.grpcPort, purpose: `${s.name} gRPC`, variable: portVariable(s.name, 'grpc') });
  }
  const line = await takenPortsLine(needed);
  if (line) await fail(line);
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      void portFree(port).then((free) => {
        if (!free) resolve();
        else if (Date.now() > deadline)
          reject(new Error(`nothing listening on port ${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function logPath(name?: string): string {
  const path = name === undefined ? logsDir : join(logsDir, `${name}.log`);
  const near = relative(process.cwd(), path);
  return near && !near.startsWith('..') ? near : path;
}

// The same warning from many processes (kafkajs says the same thing to every producer), or
// over and over from one, is shown once a minute with a count; every one is in the log files.
const recentWarnings = new Map<string, { at: number; repeats: number }>();
function showWarning(text: string, key: string): void {
  const now = Date.now();
  const seen = recentWarnings.get(key);
  if (seen && now - seen.at < 60_000) {
    seen.repeats += 1;
    return;
  }
  recentWarnings.set(key, { at: now, repeats: 0 });
  screen.line(seen?.repeats ? `${text} (and ${seen.repeats} more like it in the last minute)` : text);
}

/** A process's line as the terminal shows it (warnings and errors, plain lines), or nothing. */
function showLogLine(source: string, line: string): void {
  const shown = readableLogLine(source, line, paint);
  if (shown === undefined) return;
  let key = `${source} ${line}`;
  try {
    const entry = JSON.parse(line) as { level?: unknown; msg?: unknown };
    key = `${String(entry.level)} ${String(entry.msg)}`;
  } catch {
    // a plain line: repeats only of exactly the same line from the same process
  }
  showWarning(shown, key);
}

function spawnChild(child: Omit<Supervised, 'proc' | 'startedAt'>): Supervised {
  const proc = spawn(process.execPath, child.args, {
    cwd: child.cwd,
    env: { ...process.env, ...child.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: Ctrl-C reaches only this supervisor, which stops the services one
    // signal each, in order (a second signal makes a service skip its graceful shutdown).
    detached: true,
  });
  const supervised: Supervised = { ...child, proc, startedAt: Date.now() };
  const pipe = (stream: NodeJS.ReadableStream | null, isStderr: boolean) => {
    let pending = '';
    stream?.on('data', (chunk: Buffer) => {
      supervised.log.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() !== '') supervised.tail = [...supervised.tail.slice(-4), line];
        // The simulators report on stderr; what they print on stdout is for their log file.
        if (!isStderr && !supervised.critical && !line.startsWith('{')) continue;
        showLogLine(supervised.name, line);
      }
    });
  };
  pipe(proc.stdout, false);
  pipe(proc.stderr, true);
  proc.on('exit', (code, signal) => void onExit(supervised, signal ?? `code ${code}`));
  return supervised;
}

function start(
  name: string,
  args: string[],
  cwd: string,
  extraEnv: Record<string, string>,
  { critical = true, port }: { critical?: boolean; port?: number | undefined } = {},
): Supervised {
  const log = createWriteStream(join(logsDir, `${name}.log`), { flags: 'a' });
  const child = spawnChild({
    name,
    args,
    cwd,
    env: extraEnv,
    critical,
    port,
    log,
    tail: [],
    restarts: 0,
    ready: false,
  });
  children.push(child);
  return child;
}

/** Why a process ended, from its last line that looks like an error (or its last line). */
function lastWords(child: Supervised): string {
  for (const line of [...child.tail].reverse()) {
    try {
      const entry = JSON.parse(line) as { level?: unknown; msg?: unknown; err?: { message?: unknown } };
      if (entry.level === 'error' || entry.level === 'fatal')
        return `${String(entry.msg ?? '')}${typeof entry.err?.message === 'string' ? `: ${entry.err.message}` : ''}`;
    } catch {
      return line.slice(0, 160);
    }
  }
  return '';
}

async function onExit(child: Supervised, how: string): Promise<void> {
  if (stopping) return;
  const why = lastWords(child);
  const detail = `${how}${why ? `: ${why}` : ''}`;
  if (!child.critical) {
    say(`${child.name} finished (${detail}); the stack keeps running`);
    return;
  }
  if (!stackReady) {
    await fail(
      `${child.name} exited (${detail}) before the stack was ready; its log: ${logPath(child.name)}`,
    );
    return;
  }
  // A process that ran a while before dying starts again at once; one that keeps dying waits
  // longer each time (1 s, 2 s, 4 s … 30 s).
  const ranMs = Date.now() - child.startedAt;
  child.restarts = ranMs > 60_000 ? 0 : child.restarts + 1;
  child.ready = false;
  const delayMs = child.restarts === 0 ? 0 : Math.min(30_000, 1000 * 2 ** (child.restarts - 1));
  say(
    `${paint(31, `${child.name} exited`)} (${detail}); restarting ${delayMs === 0 ? 'now' : `in ${delayMs / 1000} s`} — log: ${logPath(child.name)}`,
  );
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  if (stopping) return;
  const restarted = spawnChild({ ...child, tail: [] });
  children[children.indexOf(child)] = restarted;
  say(`${child.name} restarted (pid ${restarted.proc.pid})`);
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
    '60s',
  ];
  if (existsSync(loaded)) args.push('--skip-bulk');
  else writeFileSync(loaded, new Date().toISOString());
  start('simulator', args, root, {}, { critical: false });
  say('feed simulator started (pnpm start --no-simulate to run without it)');
}

/** Waits for this run's own child to answer /readyz; fails if that child exits first. */
async function waitReady(child: Supervised, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) return; // onExit says why
    try {
      const res = await fetch(`http://127.0.0.1:${child.port}/readyz`, { signal: AbortSignal.timeout(3000) });
      if (res.ok) {
        child.ready = true;
        say(`${paint(32, `${child.name} ready`)} on http://127.0.0.1:${child.port} (pid ${child.proc.pid})`);
        return;
      }
      last = `${res.status} ${await res.text()}`;
    } catch (err: unknown) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await fail(`${child.name} not ready after ${timeoutMs} ms (${last}); its log: ${logPath(child.name)}`);
}

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    const stop = async ({ proc }: Supervised) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    };
    // Services (and the simulators) first, the broker last, so services can flush to it on the way out.
    const broker = children.find((c) => c.name === 'kafka');
    await Promise.all(children.filter((c) => c !== broker).map(stop));
    if (broker) await stop(broker);
    await Promise.all(children.map((c) => new Promise((resolve) => c.log.end(resolve))));
    process.exit(code);
  }
  // A second caller waits for the first to finish (and exit).
  return new Promise<never>(() => {});
}

/** Reads the stack from the outside (as `pnpm stack:status` does) and shows it; notes state changes. */
function watchStack(services: ServiceManifest[], brokers: string): void {
  let admin: Admin | undefined;
  let before: StackSnapshot | undefined;
  const refresh = async () => {
    const snapshot: StackSnapshot = { at: Date.now(), health: await readHealth(services) };
    for (const health of snapshot.health) {
      const child = children.find((c) => c.name === health.name);
      if (!child || child.proc.exitCode !== null || child.proc.signalCode !== null) continue;
      const ready = health.state === 'ready';
      if (ready !== child.ready) {
        child.ready = ready;
        say(
          ready
            ? `${paint(32, `${child.name} ready`)} on http://127.0.0.1:${child.port} (pid ${child.proc.pid})`
            : `${paint(33, `${child.name} not ready`)}: ${health.detail}`,
        );
      }
    }
    if (brokers) {
      try {
        if (!admin) {
          const { createKafkaClient } = await import('@huimin/kafka');
          const { createLogger } = await import('@huimin/kit');
          const logger = createLogger({ name: 'dev-status', level: 'silent' });
          admin = createKafkaClient({
            brokers,
            clientId: 'huimin-dev-status',
            logger,
            retry: { retries: 0 },
          }).admin();
          await admin.connect();
        }
        snapshot.kafka = await readKafka(admin);
      } catch (err: unknown) {
        snapshot.kafkaError = (err as Error).message;
        void admin?.disconnect().catch(() => {});
        admin = undefined;
      }
    }
    const client = new pg.Client({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      snapshot.outboxes = await readOutboxes(client, services);
      snapshot.alerts = await readAlerts(client);
    } catch (err: unknown) {
      snapshot.postgresError = (err as Error).message;
    } finally {
      await client.end().catch(() => {});
    }
    if (stopping) return;
    screen.status(renderStatus(snapshot, before, paint));
    before = snapshot;
  };
  const loop = async () => {
    while (!stopping) {
      await refresh().catch((err: unknown) => say(`status: ${(err as Error).message}`));
      await new Promise((resolve) => setTimeout(resolve, statusEveryMs).unref());
    }
  };
  void loop();
}

const setup: SetupContext = {
  databaseUrl: env.DATABASE_URL,
  redisUrl: env.REDIS_URL,
  fresh,
  dataDir,
  say,
  fail,
  show: showLogLine,
};

async function main(): Promise<void> {
  if (fresh) {
    rmSync(dataDir, { recursive: true, force: true });
    say("--fresh: wiped .data/, the dev database and the stack's Redis keys");
  }
  // This run's logs; the previous run's go (each file holds one run, restarts appended).
  rmSync(logsDir, { recursive: true, force: true });
  mkdirSync(logsDir, { recursive: true });

  let services: ServiceManifest[];
  try {
    services = discoverServices();
  } catch (err: unknown) {
    return fail((err as Error).message);
  }
  const brokerCli = join(root, 'libs', 'embedded-kafka', 'src', 'cli.ts');
  const embeddedBroker = !env.KAFKA_BROKERS && existsSync(brokerCli);
  await refuseTakenPorts(services, embeddedBroker);
  await ensureRedis(setup);
  await ensureDatabase(setup);
  say(`Postgres ${new URL(env.DATABASE_URL).host}, Redis ${new URL(env.REDIS_URL).host}: reachable`);

  let brokers = env.KAFKA_BROKERS;
  if (embeddedBroker) {
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

  if (brokers) await createTopics(setup, brokers);

  await applyMigrations(setup, services);
  await seedDemoData(setup, services);
  const consoleDir = await buildConsole(setup);
  const addresses = serviceAddresses(services);
  const started: Supervised[] = [];
  for (const service of services) {
    started.push(
      start(
        service.name,
        ['--import', '@huimin/kit/instrument', join('src', 'main.ts')],
        service.dir,
        {
          ...service.env,
          DATABASE_URL: env.DATABASE_URL,
          REDIS_URL: env.REDIS_URL,
          KAFKA_BROKERS: brokers,
          ...addresses,
          ...(service.port ? { PORT: String(service.port) } : {}),
          ...(service.grpcPort ? { GRPC_PORT: String(service.grpcPort) } : {}),
          ...(service.name === 'notify' && consoleDir ? { CONSOLE_DIR: consoleDir } : {}),
        },
        { port: service.port },
      ),
    );
  }
  say(`starting ${started.length} services; full logs in ${logPath()}/ (pnpm logs <name>)`);
  await Promise.all(started.filter((c) => c.port).map((c) => waitReady(c, 90_000)));
  if (stopping) return;
  stackReady = true;

  say('dev stack ready');
  const ingest = services.find((s) => s.name === 'ingest');
  if (simulate && ingest?.port) startSimulator(ingest.port);
  const eldercare = services.find((s) => s.name === 'eldercare');
  const identity = services.find((s) => s.name === 'identity');
  if (simulate && eldercare?.port && identity?.port) {
    const orders = join(eldercare.dir, 'src', 'cli', 'simulate-orders.ts');
    const args = [
      orders,
      '--url',
      `http://127.0.0.1:${eldercare.port}`,
      '--identity',
      `http://127.0.0.1:${identity.port}`,
    ];
    start('orders', args, root, {}, { critical: false });
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
  watchStack(services, brokers);
  // Keep running even when nothing else holds the event loop open (no broker, no services yet).
  setInterval(() => {}, 1 << 30);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
process.on('SIGHUP', () => void stopAll(0));
// The services run in process groups of their own, so nothing stops them but this process: a
// closed terminal (writes fail) must not end it before they are stopped, nor must a bug here.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});
process.on('uncaughtException', (err) => void fail(`supervisor error: ${err.stack ?? err.message}`));
process.on('exit', () => {
  for (const { proc } of children)
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
});
main().catch((err: unknown) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
