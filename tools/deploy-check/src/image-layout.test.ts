import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { topics } from '@huimin/contracts';
import { ensureTopics } from '@huimin/kafka';
import { startTestEnv, type TestEnv, waitUntil } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImageLayout, type ImageLayout } from './image-layout.ts';
import { serviceModules } from './module-list.ts';
import { listServices, repoRoot } from './repo.ts';

const runFile = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

// One layout holds every service (the install's --filter and the per-service COPY repeated), so
// the suite pays for one install: ingest is started from it, the others are loaded from it.
describe('the image layout the Dockerfile builds, made without Docker', () => {
  const ingest = listServices().find((service) => service.name === 'ingest');
  const others = listServices().filter((service) => service.name !== 'ingest');
  let scratch = '';
  let layout: ImageLayout;
  let env: TestEnv;
  let child: ChildProcess | undefined;
  let stderr = '';

  beforeAll(async () => {
    if (!ingest) throw new Error('services/ingest not found');
    scratch = await mkdtemp(join(tmpdir(), 'huimin-image-'));
    [layout, env] = await Promise.all([
      buildImageLayout({
        repoRoot,
        service: 'ingest',
        port: ingest.port,
        scratchDir: scratch,
        alsoServices: others.map((service) => service.name),
      }),
      startTestEnv({ name: 'deploy_check_image' }),
    ]);
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await env?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('links the libs as real folders outside node_modules, so Node strips their types', () => {
    const kitLink = join(layout.workdir, 'node_modules', '@huimin', 'kit');
    const real = realpathSync(kitLink);
    expect(relative(layout.root, real)).toBe(join('app', 'libs', 'kit'));
    expect(existsSync(join(real, 'src', 'index.ts'))).toBe(true);
  });

  it('holds production dependencies only', () => {
    const store = readdirSync(join(layout.root, 'app', 'node_modules', '.pnpm'));
    expect(store.some((entry) => entry.startsWith('fastify@'))).toBe(true);
    for (const devOnly of ['vitest@', 'autocannon@', 'typescript@', '@biomejs+biome@', 'fast-check@'])
      expect(store.filter((entry) => entry.startsWith(devOnly))).toEqual([]);
    expect(existsSync(join(layout.workdir, 'node_modules', '@huimin', 'testkit'))).toBe(false);
    expect(layout.env.NODE_ENV).toBe('production');
  });

  it('starts ingest from the image layout, live and ready, and its healthcheck passes', async () => {
    // What compose's topics job does before the services start: ingest is ready once its topics exist.
    await ensureTopics(env.kafka, { topics: Object.values(topics), mode: 'dev', logger: env.logger });
    const port = await freePort();
    const [program, ...args] = layout.command;
    expect(program).toBe('node');
    child = spawn(process.execPath, args, {
      cwd: layout.workdir,
      // Only what a container would have: the image's ENV plus what compose/Kubernetes set.
      env: {
        ...layout.env,
        PORT: String(port),
        DATABASE_URL: env.databaseUrl,
        DATABASE_SCHEMA: env.schema,
        REDIS_URL: env.redisUrl,
        KAFKA_BROKERS: env.brokers,
        INGEST_SECRETS_KEY: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const url = `http://127.0.0.1:${port}`;
    await waitUntil(
      async () => {
        if (child?.exitCode !== null) throw new Error(`ingest exited (${child?.exitCode}): ${stderr}`);
        const response = await fetch(`${url}/readyz`).catch(() => undefined);
        return response?.status === 200;
      },
      'ingest ready from the image layout',
      40_000,
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}; its output: ${stderr}`);
    });
    expect((await fetch(`${url}/livez`)).status).toBe(200);

    const [checkProgram, ...checkArgs] = layout.healthcheck;
    expect(checkProgram).toBe('node');
    await expect(
      runFile(process.execPath, checkArgs, { env: { PORT: String(port) } }),
    ).resolves.toBeDefined();

    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it.each(others.map((service) => [service.name, service] as const))(
    '%s: each module and each package main.ts imports resolves to production dependencies',
    async (name, service) => {
      const modules = serviceModules(service.dir);
      expect(modules).toContain('./src/app.ts');
      const script = `for (const m of ${JSON.stringify(modules)}) await import(m);`;
      await runFile(process.execPath, ['--input-type=module', '-e', script], {
        cwd: join(layout.root, 'app', 'services', name),
        env: { ...layout.env },
      }).catch((err: unknown) => {
        throw new Error(
          `${name} does not load from its image: ${(err as { stderr?: string }).stderr ?? err}`,
        );
      });
    },
    30_000,
  );
});
