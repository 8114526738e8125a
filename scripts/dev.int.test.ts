import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimRedisDb } from '@huimin/testkit';
import pg from 'pg';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { discoverServices, portVariable } from './stack.ts';

const script = join(import.meta.dirname, 'dev.ts');
const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const database = `huimin_devstack_${process.pid}`;
const dataDir = mkdtempSync(join(tmpdir(), 'huimin-dev-'));
const running: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

// Below the kernel's ephemeral range: a port picked there could be taken, before the service binds
// it, by an outgoing connection of this very stack (or by another test's port-0 listener).
const ephemeralLow = Number(
  readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
);

/**
 * A free port for the broker and for every port of every service, so this stack never meets a
 * developer's own (`pnpm start` on the standard ports) or another test's.
 */
async function stackPorts(): Promise<Record<string, string>> {
  const chosen = new Set<number>();
  const pick = async (): Promise<string> => {
    for (;;) {
      const port = 20_000 + Math.floor(Math.random() * (ephemeralLow - 20_000));
      if (!chosen.has(port) && (await bindable(port))) {
        chosen.add(port);
        return String(port);
      }
    }
  };
  const ports: Record<string, string> = { KAFKA_PORT: await pick() };
  for (const service of discoverServices({})) {
    if (service.port) ports[portVariable(service.name)] = await pick();
    if (service.grpcPort) ports[portVariable(service.name, 'grpc')] = await pick();
  }
  return ports;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function run(env: Record<string, string>, args: string[] = []): { proc: ChildProcess; output: () => string } {
  let output = '';
  // As from a developer's shell: no NODE_ENV (vitest sets it to `test`, which would hide anything in
  // the stack that flips it, as Vite's build does when it finds it unset).
  const { NODE_ENV: _nodeEnv, ...shell } = process.env;
  const proc = spawn(process.execPath, [script, ...args], {
    env: { ...shell, DEV_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own, as a shell gives it: Ctrl-C is sent to the whole group.
    detached: true,
  });
  running.push(proc);
  proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { proc, output: () => output };
}

function exitOf(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
}

async function waitFor(output: () => string, seen: string | RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = output();
    const match = typeof seen === 'string' ? (text.includes(seen) ? seen : null) : text.match(seen)?.[0];
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`${String(seen)} not seen; output:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function databaseUrl(): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

afterAll(async () => {
  // A stack a failed test left running is stopped the way a developer stops it, so that it stops
  // its services (they run in process groups of their own; killing the supervisor would orphan them).
  await Promise.all(
    running
      .filter((proc) => proc.exitCode === null && proc.signalCode === null)
      .map(async (proc) => {
        const exited = exitOf(proc);
        proc.kill('SIGINT');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }),
  );
  const admin = new URL(baseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await client.end();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('pnpm start (the dev stack)', () => {
  it('names the unreachable Redis in one line and how to start it', async () => {
    const port = await freePort();
    const { proc, output } = run({
      ...(await stackPorts()),
      REDIS_URL: `redis://127.0.0.1:${port}`,
      DATABASE_URL: databaseUrl(),
    });
    expect(await exitOf(proc)).toBe(1);
    expect(output()).toContain(`Redis is not reachable at redis://127.0.0.1:${port}`);
    expect(output()).toContain('redis-server --daemonize yes');
  });

  it('names the unreachable Postgres in one line and how to start it', async () => {
    const port = await freePort();
    const { proc, output } = run({
      ...(await stackPorts()),
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/huimin`,
    });
    expect(await exitOf(proc)).toBe(1);
    expect(output()).toContain(`Postgres is not reachable at 127.0.0.1:${port}`);
    expect(output()).toContain('pg_ctlcluster');
  });

  it('refuses in one line when a port it needs is taken, naming the port and the process holding it', async () => {
    const ports = await stackPorts();
    const holder: Server = await new Promise((resolve) => {
      const server = createServer().listen(Number(ports.INGEST_PORT), '127.0.0.1', () => resolve(server));
    });
    try {
      const { proc, output } = run({ ...ports, DATABASE_URL: databaseUrl() });
      expect(await exitOf(proc)).toBe(1);
      const lines = output().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`port ${ports.INGEST_PORT} (ingest) is taken by pid ${process.pid} (node `);
      expect(lines[0]).toContain('set INGEST_PORT');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('starts on ports of its own, shows a live status block, restarts a killed service, and stops everything on Ctrl-C', {
    timeout: 300_000,
  }, async () => {
    const ports = await stackPorts();
    // A Redis db of its own: ingest remembers accepted event ids there, and the seeded simulator
    // sends the same ids every run, which another stack's memory would take for replays.
    const redis = await claimRedisDb(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    onTestFinished(() => redis.release());
    const { proc, output } = run({
      ...ports,
      DATABASE_URL: databaseUrl(),
      REDIS_URL: redis.url,
      DEV_STATUS_EVERY_MS: '2000',
      SIMULATOR_HOUSEHOLDS: '40',
      SIMULATOR_RATE: '5',
    });
    const exited = exitOf(proc);
    await waitFor(output, 'dev stack ready', 150_000);
    expect(output()).toContain(`created database ${database}`);
    expect(output()).toContain(`embedded Kafka broker on 127.0.0.1:${ports.KAFKA_PORT}`);
    expect(output()).toContain(`ingest ready on http://127.0.0.1:${ports.INGEST_PORT}`);
    const { topics } = await import('@huimin/contracts');
    // Each declared topic and its dead-letter topic.
    expect(output()).toContain(`topics: ${Object.keys(topics).length * 2} created`);
    // Demo data is seeded and the simulator feeds the stack through ingest.
    expect(output()).toMatch(/ingest: \d+ demo credentials ready/);
    // Printed right after 'dev stack ready', possibly in the next chunk of the pipe.
    await waitFor(output, 'feed simulator started', 30_000);

    // The status block: every service ok, the feed's events in and out, alerts and dead letters.
    // Every service of the stack (each folder under services/ with a main.ts), in name order.
    const everyServiceOk = discoverServices()
      .map((service) => ` {2}${service.name} ok`)
      .join('');
    expect(everyServiceOk).toContain('discovery ok');
    await waitFor(output, new RegExp(`── status \\d\\d:\\d\\d:\\d\\d ──${everyServiceOk}`), 60_000);
    await waitFor(output, /\n {2}feed\.household +in [1-9]\d* .*out [1-9]/, 90_000);
    await waitFor(
      output,
      /\n {2}alerts opened \d+ \(\d+ active\) {3}dead letters 0 {3}outbox unsent \d+/,
      30_000,
    );
    // Info lines stay in the log files; the terminal is not a wall of JSON.
    expect(output()).not.toMatch(/^\{"level":"info"/m);
    const ingestLog = readFileSync(join(dataDir, 'logs', 'ingest.log'), 'utf8');
    expect(ingestLog).toMatch(/^\{"level":"info".*"service":"ingest"/m);
    expect(existsSync(join(dataDir, 'logs', 'kafka.log'))).toBe(true);
    // kafkajs is patched: no negative timeouts from any process.
    expect(output()).not.toContain('TimeoutNegativeWarning');

    // pnpm logs follows one process's full log, readably.
    const logs = spawn(process.execPath, [join(import.meta.dirname, 'logs.ts'), 'ingest', '--lines', '5'], {
      env: { ...process.env, DEV_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(logs);
    let logsOutput = '';
    logs.stdout?.on('data', (chunk: Buffer) => (logsOutput += chunk.toString()));
    await waitFor(() => logsOutput, /^\d\d:\d\d:\d\d ingest {7}INFO {2}\S/m, 30_000);
    expect(logsOutput).not.toContain('{"level"');
    logs.kill();

    // stack:status reads the same stack, found through the same port variables.
    const status = spawn(process.execPath, [join(import.meta.dirname, 'stack-status.ts')], {
      env: { ...process.env, ...ports, DATABASE_URL: databaseUrl() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let statusOutput = '';
    status.stdout?.on('data', (chunk: Buffer) => (statusOutput += chunk.toString()));
    expect(await exitOf(status)).toBe(0);
    expect(statusOutput).toMatch(/huimin\.feed\.medical-expense\.dlq\s+0/);
    expect(statusOutput).toMatch(new RegExp(`ingest\\s+${ports.INGEST_PORT}\\s+ready`));
    expect(statusOutput).toContain('all well');

    // A service that dies is restarted, with a line saying so, and is ready again.
    const firstRisk = Number(output().match(/risk ready on \S+ \(pid (\d+)\)/)?.[1]);
    expect(alive(firstRisk)).toBe(true);
    process.kill(firstRisk, 'SIGKILL');
    await waitFor(output, /risk exited \(SIGKILL\); restarting (now|in \d+ s)/, 30_000);
    const secondRisk = Number(
      (await waitFor(output, /risk restarted \(pid \d+\)/, 40_000)).match(/\d+/)?.[0],
    );
    await waitFor(output, new RegExp(`risk ready on \\S+ \\(pid ${secondRisk}\\)`), 90_000);

    // Ctrl-C stops every process it started before it exits: nothing is left holding a port.
    const pids = [...output().matchAll(/ready on \S+ \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    // Ctrl-C at a terminal: SIGINT to the foreground process group.
    process.kill(-(proc.pid ?? 0), 'SIGINT');
    expect(await exited).toBe(0);
    // Each service got one signal and shut down gracefully (a second one cuts the shutdown short).
    expect(output()).not.toContain('second signal during shutdown');
    expect(readFileSync(join(dataDir, 'logs', 'ingest.log'), 'utf8')).toMatch(/"msg":"shutting down"/);
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
    for (const [variable, port] of Object.entries(ports)) {
      expect(await listening(Number(port)), `${variable} ${port}`).toBe(false);
    }
  });
});
