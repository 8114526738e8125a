import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, 'dev.ts');
const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const database = `huimin_devstack_${process.pid}`;
const dataDir = mkdtempSync(join(tmpdir(), 'huimin-dev-'));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function run(env: Record<string, string>, args: string[] = []): { proc: ChildProcess; output: () => string } {
  let output = '';
  // As from a developer's shell: no NODE_ENV (vitest sets it to `test`, which would hide anything in
  // the stack that flips it, as Vite's build does when it finds it unset).
  const { NODE_ENV: _nodeEnv, ...shell } = process.env;
  const proc = spawn(process.execPath, [script, ...args], {
    env: { ...shell, DEV_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { proc, output: () => output };
}

function exitOf(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
}

async function waitFor(output: () => string, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`"${text}" not seen; output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function databaseUrl(): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

afterAll(async () => {
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
    const { proc, output } = run({ REDIS_URL: `redis://127.0.0.1:${port}`, DATABASE_URL: databaseUrl() });
    expect(await exitOf(proc)).toBe(1);
    expect(output()).toContain(`Redis is not reachable at redis://127.0.0.1:${port}`);
    expect(output()).toContain('redis-server --daemonize yes');
  });

  it('names the unreachable Postgres in one line and how to start it', async () => {
    const port = await freePort();
    const { proc, output } = run({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/huimin` });
    expect(await exitOf(proc)).toBe(1);
    expect(output()).toContain(`Postgres is not reachable at 127.0.0.1:${port}`);
    expect(output()).toContain('pg_ctlcluster');
  });

  it('creates its database, starts the broker with every declared topic, becomes ready, and stops cleanly on Ctrl-C', {
    timeout: 150_000,
  }, async () => {
    const kafkaPort = await freePort();
    const { proc, output } = run({ DATABASE_URL: databaseUrl(), KAFKA_PORT: String(kafkaPort) });
    const exited = exitOf(proc);
    await waitFor(output, 'dev stack ready', 120_000);
    expect(output()).toContain(`created database ${database}`);
    expect(output()).toContain(`embedded Kafka broker on 127.0.0.1:${kafkaPort}`);
    const { topics } = await import('@huimin/contracts');
    // Each declared topic and its dead-letter topic.
    expect(output()).toContain(`topics: ${Object.keys(topics).length * 2} created`);

    // stack:status reads the running stack: every dead-letter topic there and empty.
    const status = spawn(process.execPath, [join(import.meta.dirname, 'stack-status.ts')], {
      env: { ...process.env, DATABASE_URL: databaseUrl(), KAFKA_PORT: String(kafkaPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let statusOutput = '';
    status.stdout?.on('data', (chunk: Buffer) => (statusOutput += chunk.toString()));
    expect(await exitOf(status)).toBe(0);
    expect(statusOutput).toMatch(/huimin\.feed\.medical-expense\.dlq\s+0/);
    expect(statusOutput).toMatch(/ingest\s+8080\s+ready/);
    expect(statusOutput).toContain('all well');
    // Demo data is seeded and the simulator feeds the stack through ingest.
    expect(output()).toMatch(/ingest: \d+ demo credentials ready/);
    expect(output()).toContain('feed simulator started');

    proc.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
