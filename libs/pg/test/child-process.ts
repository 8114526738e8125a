import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { databaseUrl } from './fresh-schema.ts';

/** One line a fixture printed on stdout, parsed as JSON. */
export type FixtureEvent = Record<string, unknown> & { event: string };

export interface Fixture {
  child: ChildProcess;
  /** Resolves with the first event (already printed or still to come) that matches. */
  waitFor(match: (event: FixtureEvent) => boolean, timeoutMs?: number): Promise<FixtureEvent>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/**
 * Starts `test/fixtures/<name>.ts` in a separate Node process (the same Node binary, which runs
 * TypeScript directly): separate processes are what replicas of a service are.
 */
export function startFixture(name: string, args: string[], env: Record<string, string> = {}): Fixture {
  const script = fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const events: FixtureEvent[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  if (child.stdout !== null) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      events.push(JSON.parse(line) as FixtureEvent);
      for (const notify of waiters) notify();
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
      for (const notify of waiters) notify();
    });
  });

  return {
    child,
    exited,
    stderr: () => stderr,
    waitFor(match, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (found !== undefined) {
            finish();
            resolve(found);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            finish();
            reject(new Error(`fixture ${name} exited before the awaited event; stderr: ${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`fixture ${name}: awaited event not seen in ${timeoutMs} ms; stderr: ${stderr}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Polls `probe` until it returns a value other than undefined. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
