// Time is injected so the coordinator's rules (session expiry, rebalance timeout, initial
// delay) can be tested step by step without waiting on a real clock.
export interface Scheduler {
  now(): number;
  /** Runs fn after delayMs; the returned function cancels it. */
  after(delayMs: number, fn: () => void): () => void;
}

export function realScheduler(): Scheduler {
  return {
    now: () => Date.now(),
    after(delayMs, fn) {
      const timer = setTimeout(fn, Math.max(0, delayMs));
      // A forgotten group timer must never keep a test process or the CLI alive.
      timer.unref();
      return () => clearTimeout(timer);
    },
  };
}
