// Group commit. Requests hand over their items; one write is in flight at a time, and everything
// that arrived meanwhile goes out together in the next one (up to `maxItems`). Under load this
// turns thousands of tiny produce requests (or inserts) into a few large ones without adding any
// wait when the system is idle. Two lanes: `live` items always go first, so a bulk load of a
// million lines delays a live event by at most one write.

export type Lane = 'live' | 'bulk';

export interface WriteOutcome {
  /** How many of the submitted items were written: always a prefix, in submission order. */
  written: number;
  /** Set when a write failed; the items after `written` were not written (or their fate is unknown). */
  error?: unknown;
}

export interface CoalescingWriter<T> {
  submit(items: readonly T[], lane: Lane): Promise<WriteOutcome>;
  /** Resolves once everything submitted so far has been written or has failed. */
  idle(): Promise<void>;
}

interface Job<T> {
  items: readonly T[];
  next: number;
  written: number;
  lane: Lane;
  startedAt: bigint;
  done: boolean;
  resolve(outcome: WriteOutcome): void;
}

export function createCoalescingWriter<T>(options: {
  write(items: T[]): Promise<void>;
  maxItems: number;
  /** Called once per submission when it is settled, with how long it took (for metrics). */
  onSettled?(lane: Lane, seconds: number, outcome: WriteOutcome): void;
}): CoalescingWriter<T> {
  const queues: Record<Lane, Job<T>[]> = { live: [], bulk: [] };
  let writing = false;
  let idleWaiters: (() => void)[] = [];

  function settle(job: Job<T>, outcome: WriteOutcome): void {
    if (job.done) return;
    job.done = true;
    options.onSettled?.(job.lane, Number(process.hrtime.bigint() - job.startedAt) / 1e9, outcome);
    job.resolve(outcome);
  }

  function pump(): void {
    if (writing) return;
    const parts: { job: Job<T>; count: number }[] = [];
    const items: T[] = [];
    for (const lane of ['live', 'bulk'] as const) {
      const queue = queues[lane];
      while (queue.length > 0 && items.length < options.maxItems) {
        const job = queue[0] as Job<T>;
        const take = Math.min(job.items.length - job.next, options.maxItems - items.length);
        for (let i = job.next; i < job.next + take; i++) items.push(job.items[i] as T);
        job.next += take;
        parts.push({ job, count: take });
        if (job.next === job.items.length) queue.shift();
      }
    }
    if (items.length === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const wake of waiters) wake();
      return;
    }
    writing = true;
    // A write that throws instead of rejecting must not take the pump down with it.
    Promise.resolve()
      .then(() => options.write(items))
      .then(
        () => {
          for (const { job, count } of parts) {
            job.written += count;
            if (job.written === job.items.length) settle(job, { written: job.written });
          }
        },
        (error: unknown) => {
          for (const { job } of parts) {
            // The rest of a failed submission is dropped: sending its later items after a gap
            // would let a retry put them out of order.
            for (const lane of ['live', 'bulk'] as const) {
              const at = queues[lane].indexOf(job);
              if (at !== -1) queues[lane].splice(at, 1);
            }
            settle(job, { written: job.written, error });
          }
        },
      )
      .finally(() => {
        writing = false;
        pump();
      });
  }

  return {
    submit(items, lane) {
      if (items.length === 0) return Promise.resolve({ written: 0 });
      return new Promise<WriteOutcome>((resolve) => {
        const job: Job<T> = {
          items,
          next: 0,
          written: 0,
          lane,
          startedAt: process.hrtime.bigint(),
          done: false,
          resolve,
        };
        queues[lane].push(job);
        pump();
      });
    },

    idle() {
      if (!writing && queues.live.length === 0 && queues.bulk.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
