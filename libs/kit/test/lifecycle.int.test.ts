import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/slow-service.ts', import.meta.url));

interface Running {
  child: ChildProcess;
  /** Lines the fixture printed itself, without the `fixture ` prefix. */
  said: () => string[];
  /** JSON log lines the kit wrote. */
  logs: () => Record<string, unknown>[];
  waitFor: (line: string) => Promise<void>;
  exitCode: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function start(env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines: string[] = [];
  const waiters: { line: string; resolve: () => void }[] = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const complete = buffered.split('\n');
    buffered = complete.pop() ?? '';
    for (const line of complete) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => line.startsWith(`fixture ${w.line}`))) waiter.resolve();
    }
  });
  const exitCode = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    said: () =>
      lines.filter((line) => line.startsWith('fixture ')).map((line) => line.slice('fixture '.length)),
    logs: () => lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line)),
    waitFor: (line) =>
      lines.some((seen) => seen.startsWith(`fixture ${line}`))
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ line, resolve })),
    exitCode,
  };
}

async function portOf(running: Running): Promise<number> {
  await running.waitFor('listening');
  const line = running.said().find((said) => said.startsWith('listening '));
  return Number(line?.split(' ')[1]);
}

describe('graceful shutdown of a real process', () => {
  it('on SIGTERM drains the in-flight request, closes resources in reverse order and exits 0', async () => {
    const service = start();
    const port = await portOf(service);

    const response = fetch(`http://127.0.0.1:${port}/slow`);
    await service.waitFor('request started');
    service.child.kill('SIGTERM');

    const res = await response;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    expect(await service.exitCode).toBe(0);
    expect(service.said().slice(2)).toEqual([
      'closing http',
      'request finished',
      'closed http',
      'closing kafka',
      'closed kafka',
      'closing postgres',
      'closed postgres',
    ]);
    expect(service.logs().at(-1)).toMatchObject({ msg: 'shutdown finished', outcome: 'closed' });
  });

  it('exits at once on a second signal while a resource is still closing', async () => {
    const service = start({ FIXTURE_HANG: '1', SHUTDOWN_TIMEOUT_MS: '600000' });
    await portOf(service);
    service.child.kill('SIGTERM');
    await service.waitFor('closing stuck consumer');
    service.child.kill('SIGTERM');

    expect(await service.exitCode).toBe(1);
    expect(service.said()).not.toContain('closed stuck consumer');
    expect(service.said()).not.toContain('closing postgres');
    expect(service.logs().at(-1)).toMatchObject({
      level: 'warn',
      msg: 'second signal during shutdown, exiting now',
    });
  });

  it('exits 1 naming the step when a resource hangs past the bound', async () => {
    const service = start({ FIXTURE_HANG: '1', SHUTDOWN_TIMEOUT_MS: '300' });
    await portOf(service);
    service.child.kill('SIGTERM');

    expect(await service.exitCode).toBe(1);
    expect(service.said()).toContain('closed http');
    expect(service.said()).not.toContain('closing postgres');
    expect(service.logs().at(-1)).toMatchObject({
      level: 'error',
      step: 'stuck consumer',
      msg: 'shutdown timed out while closing stuck consumer',
    });
  });
});
