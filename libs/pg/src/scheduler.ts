import type pg from 'pg';
import { errorMessage, PgLibError } from './errors.ts';
import type { PgLogger } from './logger.ts';
import { consoleLogger } from './logger.ts';

export interface ScheduledJob {
  /** bigint as a decimal string. */
  id: string;
  kind: string;
  key: string;
  /** When the firing was meant to happen, even on a retry. */
  dueAt: Date;
  payload: unknown;
  /** 1 on the first run, counting this one. */
  attempts: number;
  /** The error of the previous attempt, if it failed. */
  lastError: string | null;
}

/**
 * Runs one firing. `client` is inside the transaction that marks the job done: effects written
 * through it commit together with "done", or not at all.
 */
export type JobHandler = (job: ScheduledJob, client: pg.PoolClient) => Promise<void>;

export interface SchedulerOptions {
  pool: pg.Pool;
  /** Names this replica in `lease_owner` (e.g. the pod name); unique per running instance. */
  owner: string;
  /** Only jobs of these kinds are claimed by this scheduler. */
  handlers: Record<string, JobHandler>;
  /** How long a claim lasts before another replica may take the job over (default 60 s). */
  leaseMs?: number;
  /** Pause between polls when nothing is due (default 1 s). */
  pollMs?: number;
  /** Clock for due times and leases; replicas' clocks should agree to well within `leaseMs`. */
  now?: () => Date;
  /** Pause before retrying a job that failed `attempts` times (default 1 s doubling, max 15 min). */
  retryDelayMs?: (attempts: number) => number;
  logger?: PgLogger;
}

export interface Scheduler {
  /** Starts polling in the background. */
  start(): void;
  /** Stops polling; resolves once the job in progress, if any, has finished. */
  stop(): Promise<void>;
  /** Claims and runs at most one due job; true if there was one. For tests and tooling. */
  runOnce(): Promise<boolean>;
}

interface ClaimedJobRow {
  id: string;
  kind: string;
  key: string;
  due_at: Date;
  payload: unknown;
  attempts: number;
  last_error: string | null;
  lease_token: string;
}

const MAX_ERROR_LENGTH = 2000;

/**
 * A lease-based scheduler over `scheduled_jobs`. Any number of replicas may run one; each due job
 * is claimed by one of them (FOR UPDATE SKIP LOCKED, then a lease with a fresh token), run in a
 * transaction, and marked done in that same transaction only if the token is still the one it
 * claimed with. Guarantees:
 * - a handler runs at least once per firing; it runs again if its holder crashed (after the lease
 *   expires), failed (after a backoff), or overran its lease and was taken over;
 * - effects written through the handler's `client` happen exactly once: a run whose lease was
 *   taken over, or whose job was rescheduled or cancelled, rolls back at the fence;
 * - anything else the handler does (HTTP calls, Kafka) is at-least-once and must be idempotent —
 *   publish through the outbox with the same client instead.
 * Jobs run one at a time per scheduler; a handler should finish well within `leaseMs`.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { pool, owner, handlers } = options;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 1000;
  const now = options.now ?? (() => new Date());
  const retryDelayMs = options.retryDelayMs ?? defaultRetryDelayMs;
  const logger = options.logger ?? consoleLogger;
  const kinds = Object.keys(handlers);

  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  async function claimDueJob(): Promise<ClaimedJobRow | undefined> {
    const at = now();
    const { rows } = await pool.query<ClaimedJobRow>(
      `with due as (
         select id from scheduled_jobs
          where done_at is null
            and kind = any($1::text[])
            and run_after <= $2
            and (lease_until is null or lease_until <= $2)
          order by run_after, id
          limit 1
            for update skip locked
       )
       update scheduled_jobs job
          set lease_owner = $3, lease_until = $4, lease_token = gen_random_uuid(), attempts = job.attempts + 1
         from due
        where job.id = due.id
       returning job.id, job.kind, job.key, job.due_at, job.payload, job.attempts, job.last_error, job.lease_token`,
      [kinds, at, owner, new Date(at.getTime() + leaseMs)],
    );
    return rows[0];
  }

  async function runJob(row: ClaimedJobRow): Promise<void> {
    const handler = handlers[row.kind];
    if (handler === undefined) throw new Error(`no handler for job kind ${row.kind}`);
    const job: ScheduledJob = {
      id: row.id,
      kind: row.kind,
      key: row.key,
      dueAt: row.due_at,
      payload: row.payload,
      attempts: row.attempts,
      lastError: row.last_error,
    };
    const client = await pool.connect();
    let connectionBroken = false;
    try {
      await client.query('begin');
      await handler(job, client);
      const done = await client.query(
        `update scheduled_jobs set done_at = $3, lease_until = null, lease_token = null
          where id = $1 and lease_token = $2`,
        [row.id, row.lease_token, now()],
      );
      if (done.rowCount !== 1) {
        throw new PgLibError(
          'LEASE_LOST',
          `job ${row.id} was taken over, rescheduled or cancelled while running`,
        );
      }
      await client.query('commit');
      logger.info({ jobId: row.id, kind: row.kind, attempts: row.attempts }, 'scheduled job done');
    } catch (err: unknown) {
      try {
        await client.query('rollback');
      } catch {
        // The connection is unusable; it is closed below. The handler's error is the one to record.
        connectionBroken = true;
      }
      if (err instanceof PgLibError && err.code === 'LEASE_LOST') {
        logger.warn(
          { jobId: row.id, kind: row.kind },
          'scheduled job lost its lease; its effects were rolled back',
        );
        return;
      }
      await recordFailure(row, err);
    } finally {
      client.release(connectionBroken);
    }
  }

  async function recordFailure(row: ClaimedJobRow, err: unknown): Promise<void> {
    const message = errorMessage(err).slice(0, MAX_ERROR_LENGTH);
    const retryAt = new Date(now().getTime() + retryDelayMs(row.attempts));
    // Fenced like completion: a holder that lost its lease must not overwrite the new holder's state.
    await pool.query(
      `update scheduled_jobs set last_error = $3, run_after = $4, lease_until = null, lease_token = null
        where id = $1 and lease_token = $2`,
      [row.id, row.lease_token, message, retryAt],
    );
    logger.warn(
      { jobId: row.id, kind: row.kind, attempts: row.attempts, retryAt, error: message },
      'scheduled job failed; will retry',
    );
  }

  async function runOnce(): Promise<boolean> {
    const row = await claimDueJob();
    if (row === undefined) return false;
    await runJob(row);
    return true;
  }

  async function poll(): Promise<void> {
    while (running) {
      let ranJob = false;
      try {
        ranJob = await runOnce();
      } catch (err: unknown) {
        // Postgres unreachable or similar: the job (if claimed) keeps its lease and is retried
        // after it expires; keep polling.
        logger.error({ owner, error: errorMessage(err) }, 'scheduler poll failed');
      }
      if (!ranJob && running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = poll();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = undefined;
    },
    runOnce,
  };
}

function defaultRetryDelayMs(attempts: number): number {
  return Math.min(15 * 60_000, 1000 * 2 ** Math.max(0, attempts - 1));
}
