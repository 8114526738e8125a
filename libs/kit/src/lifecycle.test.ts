import { describe, expect, it } from 'vitest';
import { createLifecycle } from './lifecycle.ts';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({
    name: 'kit-lifecycle-test',
    destination: { write: (line) => lines.push(line) },
  });
  return { logger, logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('lifecycle.shutdown', () => {
  it('closes steps in reverse registration order, once', async () => {
    const { logger } = capture();
    const lifecycle = createLifecycle({ logger, timeoutMs: 5000 });
    const closed: string[] = [];
    for (const name of ['postgres', 'kafka producer', 'http server']) {
      lifecycle.onShutdown(name, async () => {
        closed.push(name);
      });
    }
    const [first, second] = await Promise.all([lifecycle.shutdown('test'), lifecycle.shutdown('again')]);
    expect([first, second]).toEqual(['closed', 'closed']);
    expect(closed).toEqual(['http server', 'kafka producer', 'postgres']);
  });

  it('keeps closing the rest when one step fails, and reports the failure', async () => {
    const { logger, logs } = capture();
    const lifecycle = createLifecycle({ logger, timeoutMs: 5000 });
    const closed: string[] = [];
    lifecycle.onShutdown('postgres', () => {
      closed.push('postgres');
    });
    lifecycle.onShutdown('redis', () => {
      throw new Error('connection already closed');
    });
    expect(await lifecycle.shutdown('test')).toBe('failed');
    expect(closed).toEqual(['postgres']);
    expect(logs().find((line) => line.msg === 'close failed')).toMatchObject({
      step: 'redis',
      level: 'error',
    });
  });

  it('gives up at the bound and names the step that hung', async () => {
    const { logger, logs } = capture();
    const lifecycle = createLifecycle({ logger, timeoutMs: 50 });
    const closed: string[] = [];
    lifecycle.onShutdown('postgres', () => {
      closed.push('postgres');
    });
    lifecycle.onShutdown('kafka consumer', () => new Promise(() => {}));
    expect(await lifecycle.shutdown('test')).toBe('timed out');
    expect(closed).toEqual([]);
    expect(logs().at(-1)).toMatchObject({
      level: 'error',
      step: 'kafka consumer',
      msg: 'shutdown timed out while closing kafka consumer',
    });
  });
});
