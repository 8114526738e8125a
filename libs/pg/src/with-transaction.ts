import type pg from 'pg';
import type { PgLogger } from './logger.ts';

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

export interface TransactionOptions {
  /** Default: the server's (read committed unless configured otherwise). */
  isolation?: IsolationLevel;
  /**
   * How many times to run `fn` again after a serialization failure (40001) or a deadlock
   * (40P01); default 3, so at most 4 attempts. 0 disables retrying.
   */
  retries?: number;
  logger?: PgLogger;
}

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);
const BACKOFF_BASE_MS = 10;
const BACKOFF_CAP_MS = 250;

/**
 * Runs `fn` in BEGIN … COMMIT on one pooled client; any error rolls back and is rethrown as it
 * was. A transaction that Postgres aborted to keep serializability, or to break a deadlock, is
 * retried from the start after a short jittered pause, so `fn` must be safe to run again: it
 * should touch nothing outside the transaction (no publishing, no HTTP calls).
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const retries = options.retries ?? 3;
  const begin = options.isolation === undefined ? 'begin' : `begin isolation level ${options.isolation}`;
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let connectionBroken = false;
    try {
      await client.query(begin);
      const result = await fn(client);
      await client.query('commit');
      return result;
    } catch (err: unknown) {
      try {
        await client.query('rollback');
      } catch {
        // The connection is unusable; close it below instead of returning it to the pool. The
        // error worth reporting is the one that made us roll back.
        connectionBroken = true;
      }
      const sqlState = (err as { code?: unknown } | null)?.code;
      if (typeof sqlState !== 'string' || !RETRYABLE_SQLSTATES.has(sqlState) || attempt > retries) throw err;
      options.logger?.warn({ sqlState, attempt }, 'transaction conflict, retrying');
    } finally {
      client.release(connectionBroken);
    }
    await sleep(jitteredBackoff(attempt));
  }
}

// "Full jitter": a random pause up to an exponentially growing ceiling, so transactions that
// collided once do not collide again in lockstep.
function jitteredBackoff(attempt: number): number {
  return Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
