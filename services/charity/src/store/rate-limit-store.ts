import { AppError } from '@huimin/kit';
import type { Queryable } from '@huimin/pg';

export interface RateLimit {
  /** Counts one request for `subject`; throws 429 TOO_MANY_REQUESTS past the limit. */
  hit(subject: string): Promise<{ retryAfterSeconds: number } | undefined>;
}

/**
 * A fixed-window counter per subject in Postgres, so the limit holds across replicas. A window's
 * first request clears windows long closed, which keeps the table to the live ones.
 */
export function createRateLimit(
  db: Queryable,
  options: { name: string; limit: number; windowSeconds: number; now: () => Date },
): RateLimit {
  const windowMs = options.windowSeconds * 1000;
  return {
    async hit(subject) {
      const at = options.now().getTime();
      const start = Math.floor(at / windowMs) * windowMs;
      const { rows } = await db.query<{ hits: number }>(
        `insert into rate_limit_windows (subject, window_start, hits) values ($1, $2, 1)
         on conflict (subject, window_start) do update set hits = rate_limit_windows.hits + 1
         returning hits`,
        [`${options.name}:${subject}`, new Date(start)],
      );
      const hits = rows[0]?.hits ?? 0;
      if (hits === 1)
        await db.query('delete from rate_limit_windows where window_start < $1', [
          new Date(start - 10 * windowMs),
        ]);
      if (hits <= options.limit) return undefined;
      return { retryAfterSeconds: Math.max(1, Math.ceil((start + windowMs - at) / 1000)) };
    },
  };
}

export function tooMany(retryAfterSeconds: number): AppError {
  return new AppError(
    'TOO_MANY_REQUESTS',
    `too many payment orders from this address; retry in ${retryAfterSeconds} s`,
  );
}
