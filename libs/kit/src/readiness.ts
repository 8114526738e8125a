/** Resolves when the dependency is usable; throws or rejects when it is not. */
export type ReadinessCheck = () => Promise<unknown> | unknown;

export interface ReadinessResult {
  ready: boolean;
  failing: { name: string; reason: 'failed' | 'timed out'; error?: unknown }[];
}

/** Named checks run together, each bounded by `timeoutMs`, so a hung dependency reads as not ready. */
export function createReadiness(timeoutMs: number) {
  const checks = new Map<string, ReadinessCheck>();

  return {
    add(name: string, check: ReadinessCheck): void {
      if (checks.has(name)) throw new Error(`readiness check ${name} is already registered`);
      checks.set(name, check);
    },

    async run(): Promise<ReadinessResult> {
      const outcomes = await Promise.all(
        [...checks].map(async ([name, check]) => ({ name, outcome: await withTimeout(check, timeoutMs) })),
      );
      const failing = outcomes.flatMap(({ name, outcome }) =>
        outcome === 'ok' ? [] : [{ name, ...outcome }],
      );
      return { ready: failing.length === 0, failing };
    },
  };
}

type Outcome = 'ok' | { reason: 'failed' | 'timed out'; error?: unknown };

async function withTimeout(check: ReadinessCheck, timeoutMs: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ reason: 'timed out' }), timeoutMs);
  });
  const checked = (async (): Promise<Outcome> => {
    try {
      await check();
      return 'ok';
    } catch (error: unknown) {
      return { reason: 'failed', error };
    }
  })();
  try {
    return await Promise.race([checked, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
