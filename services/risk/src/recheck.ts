import { shanghaiDateOf } from '@huimin/contracts';
import { type JobHandler, schedule } from '@huimin/pg';
import type pg from 'pg';
import { reassessMany } from './evaluate.ts';

export const DAILY_RECHECK = 'risk.daily-recheck';

/** 00:30 Asia/Shanghai (16:30 UTC the day before) of the day after `from`'s Shanghai date. */
export function nextRecheckAt(from: Date): Date {
  const [y, m, d] = shanghaiDateOf(from).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d, 16, 30));
}

export async function armDailyRecheck(db: pg.Pool | pg.ClientBase, now: Date): Promise<void> {
  const dueAt = nextRecheckAt(now);
  await schedule(db, { kind: DAILY_RECHECK, key: shanghaiDateOf(dueAt), dueAt });
}

/**
 * The daily job: claims age out of the 12-month window without any new event, so every household
 * with a standing flag is re-assessed (and cleared when it no longer holds). Runs once across
 * replicas (lease-based scheduler) and arms the next day's run in the same transaction.
 */
export function dailyRecheckHandler(now: () => Date): JobHandler {
  return async (_job, client) => {
    const { rows } = await client.query<{ household_id: string }>(
      'select household_id from household_risk where level is not null or major_illness_flag_id is not null order by household_id',
    );
    // A few hundred households per round: set-based, without one huge lock-and-read.
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500).map((r): [string, undefined] => [r.household_id, undefined]);
      await reassessMany(client, new Map(chunk), now());
    }
    await armDailyRecheck(client, now());
  };
}
