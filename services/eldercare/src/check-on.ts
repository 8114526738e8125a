import { CheckOnMissed } from '@huimin/contracts';
import { appendEvent } from '@huimin/kafka';
import { AppError, type Logger } from '@huimin/kit';
import { type JobHandler, type Queryable, schedule } from '@huimin/pg';
import type pg from 'pg';
import { addDays, shanghaiDate, shanghaiInstant } from './domain/shanghai-time.ts';
import { type OrderDesk, SOURCE } from './order-desk.ts';

export const OPEN_CHECK_ONS = 'eldercare.check-on.open';
export const CHECK_ON_CUTOFF = 'eldercare.check-on.cutoff';

/**
 * Daily check-on (日常关爱) for elders living alone, as two scheduled firings per day: at 00:00
 * Shanghai every such elder gets a check-on order; at the policy's cut-off hour each elder with no
 * completed check-on that day produces one CheckOnMissed, which discovery turns into an alert.
 * Each firing schedules the next day's in the same transaction, so the chain survives restarts.
 */
export function createCheckOn(deps: { desk: OrderDesk; logger: Logger; now: () => Date }) {
  const { desk, logger, now } = deps;

  function cutoffOf(date: string): Date {
    return shanghaiInstant(date, desk.policyFor(date).rules.checkOnCutoffHour);
  }

  async function armDay(db: Queryable, date: string): Promise<void> {
    await schedule(db, { kind: OPEN_CHECK_ONS, key: date, dueAt: shanghaiInstant(date, 0) });
    await schedule(db, { kind: CHECK_ON_CUTOFF, key: date, dueAt: cutoffOf(date) });
  }

  /** Places today's check-on orders; one elder's failure (no provider left) does not stop the rest. */
  async function openDay(client: pg.PoolClient, date: string): Promise<{ placed: number; skipped: number }> {
    const { rows } = await client.query<{ elder_id: string }>(
      `select e.elder_id from elders e
        where e.active and e.living_alone
          and not exists (select 1 from orders o where o.elder_id = e.elder_id
                           and o.service_type = 'daily-check-on' and o.service_date = $1
                           and o.status not in ('cancelled', 'no_show'))
        order by e.elder_id`,
      [date],
    );
    let placed = 0;
    let skipped = 0;
    for (const { elder_id } of rows) {
      await client.query('savepoint check_on');
      try {
        await desk.placeOrderIn(client, {
          elderId: elder_id,
          serviceType: 'daily-check-on',
          windowStart: shanghaiInstant(date, 0),
          windowEnd: cutoffOf(date),
          channel: 'scheduler',
          createdBy: 'scheduler',
        });
        await client.query('release savepoint check_on');
        placed += 1;
      } catch (err: unknown) {
        if (!(err instanceof AppError)) throw err;
        await client.query('rollback to savepoint check_on');
        skipped += 1;
        logger.warn({ elderId: elder_id, code: err.code, date }, 'check-on order not placed');
      }
    }
    return { placed, skipped };
  }

  /** One CheckOnMissed per elder and day, for every check-on order of that day not completed. */
  async function cutoffDay(client: pg.PoolClient, date: string): Promise<number> {
    const { rows } = await client.query<{
      elder_id: string;
      resident_id: string;
      household_id: string;
      community_code: string;
      order_id: string;
      provider_id: string;
    }>(
      `select distinct on (o.elder_id) o.elder_id, e.resident_id, e.household_id, e.community_code,
              o.order_id, o.provider_id
         from orders o join elders e using (elder_id)
        where o.service_type = 'daily-check-on' and o.service_date = $1 and e.active and e.living_alone
          and o.provider_id is not null
          and not exists (select 1 from orders done where done.elder_id = o.elder_id
                           and done.service_type = 'daily-check-on' and done.service_date = $1
                           and done.status in ('completed', 'rated'))
        order by o.elder_id, o.created_at desc`,
      [date],
    );
    const cutoffAt = cutoffOf(date).toISOString();
    let missed = 0;
    for (const r of rows) {
      const inserted = await client.query<{ consecutive: number }>(
        `insert into check_on_misses (elder_id, scheduled_date, order_id, consecutive)
         select $1, $2::date, $3,
                coalesce((select consecutive from check_on_misses
                           where elder_id = $1 and scheduled_date = $2::date - 1), 0) + 1
         on conflict do nothing
         returning consecutive`,
        [r.elder_id, date, r.order_id],
      );
      const consecutive = inserted.rows[0]?.consecutive;
      if (consecutive === undefined) continue; // already reported for this day
      await appendEvent(
        client,
        CheckOnMissed,
        {
          orderId: r.order_id,
          elderResidentId: r.resident_id,
          householdId: r.household_id,
          communityCode: r.community_code,
          providerId: r.provider_id,
          scheduledDate: date,
          cutoffAt,
          consecutiveMisses: Math.min(consecutive, 366),
        },
        { source: SOURCE, subject: r.order_id, now },
      );
      missed += 1;
    }
    return missed;
  }

  const handlers: Record<string, JobHandler> = {
    [OPEN_CHECK_ONS]: async (job, client) => {
      const result = await openDay(client, job.key);
      await schedule(client, {
        kind: OPEN_CHECK_ONS,
        key: addDays(job.key, 1),
        dueAt: shanghaiInstant(addDays(job.key, 1), 0),
      });
      logger.info({ date: job.key, ...result }, 'check-on orders placed');
    },
    [CHECK_ON_CUTOFF]: async (job, client) => {
      const missed = await cutoffDay(client, job.key);
      const next = addDays(job.key, 1);
      await schedule(client, { kind: CHECK_ON_CUTOFF, key: next, dueAt: cutoffOf(next) });
      logger.info({ date: job.key, missed }, 'check-on cut-off');
    },
  };

  return {
    handlers,
    openDay,
    cutoffDay,
    /**
     * Arms today's firings if today's cut-off is still ahead, else tomorrow's: a service started at
     * 15:00 must not open check-ons whose window already closed and report everyone as missed.
     */
    async arm(db: Queryable): Promise<string> {
      const today = shanghaiDate(now());
      const date = now() < cutoffOf(today) ? today : addDays(today, 1);
      await armDay(db, date);
      return date;
    },
  };
}
