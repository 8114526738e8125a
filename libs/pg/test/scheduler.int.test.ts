import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../src/migrate.ts';
import { cancel, purgeDoneJobs, schedule } from '../src/scheduled-jobs.ts';
import { createScheduler, type JobHandler, type ScheduledJob } from '../src/scheduler.ts';
import { eventually } from './child-process.ts';
import { freshSchema } from './fresh-schema.ts';

const db = freshSchema('scheduler');

beforeAll(async () => {
  await migrate(db.pool, { schema: db.schema });
  await db.pool.query('create table sla_breaches (alert_id text not null, attempt integer not null)');
});

beforeEach(async () => {
  await db.pool.query('truncate scheduled_jobs, sla_breaches');
});

afterAll(async () => {
  await db.drop();
});

const midnight = new Date('2026-01-01T16:00:00Z'); // 2026-01-02 00:00 in Asia/Shanghai
const quietLogger = { info: () => {}, warn: () => {}, error: () => {} };

/** A clock the test moves by hand, so "not due yet" and "after the backoff" need no sleeping. */
function manualClock(start: Date) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(ms: number) {
      current += ms;
    },
  };
}

async function job(kind: string, key: string) {
  const { rows } = await db.pool.query('select * from scheduled_jobs where kind = $1 and key = $2', [
    kind,
    key,
  ]);
  return rows[0];
}

async function breaches(): Promise<{ alert_id: string; attempt: number }[]> {
  const { rows } = await db.pool.query('select alert_id, attempt from sla_breaches order by attempt');
  return rows;
}

const recordBreach: JobHandler = async (job, client) => {
  await client.query('insert into sla_breaches values ($1, $2)', [job.key, job.attempts]);
};

describe('schedule and cancel', () => {
  it('upserts by kind and key: same request is a no-op, a new time updates, a done firing stays done', async () => {
    const clock = manualClock(midnight);
    const request = { kind: 'sla-breach', key: 'alert-1', dueAt: midnight, payload: { level: 1 } };

    expect(await schedule(db.pool, request)).toBe('created');
    expect(await schedule(db.pool, request)).toBe('unchanged');
    expect(await schedule(db.pool, { ...request, dueAt: new Date(midnight.getTime() + 60_000) })).toBe(
      'updated',
    );
    expect(
      await schedule(db.pool, {
        ...request,
        dueAt: new Date(midnight.getTime() + 60_000),
        payload: { level: 2 },
      }),
    ).toBe('updated');
    const { rows } = await db.pool.query('select count(*)::int as n from scheduled_jobs');
    expect(rows[0].n).toBe(1);

    clock.advance(60_000);
    const scheduler = createScheduler({
      pool: db.pool,
      owner: 'replica-a',
      handlers: { 'sla-breach': recordBreach },
      now: clock.now,
      logger: quietLogger,
    });
    expect(await scheduler.runOnce()).toBe(true);
    expect(await schedule(db.pool, request)).toBe('already-done');
    expect(await scheduler.runOnce()).toBe(false);
    expect(await breaches()).toEqual([{ alert_id: 'alert-1', attempt: 1 }]);
  });

  it('cancels a pending firing but not a done one', async () => {
    await schedule(db.pool, { kind: 'sla-breach', key: 'alert-2', dueAt: midnight });

    expect(await cancel(db.pool, 'sla-breach', 'alert-2')).toBe(true);
    expect(await cancel(db.pool, 'sla-breach', 'alert-2')).toBe(false);
    const scheduler = createScheduler({
      pool: db.pool,
      owner: 'replica-a',
      handlers: { 'sla-breach': recordBreach },
      now: () => midnight,
      logger: quietLogger,
    });
    expect(await scheduler.runOnce()).toBe(false);
    expect(await breaches()).toEqual([]);
  });
});

describe('createScheduler', () => {
  it('runs a job only once it is due, hands the handler the job, and records who ran it', async () => {
    const clock = manualClock(new Date(midnight.getTime() - 1000));
    const seen: ScheduledJob[] = [];
    await schedule(db.pool, {
      kind: 'policy-effective',
      key: 'dibao-2026',
      dueAt: midnight,
      payload: { standardFen: 104_500 },
    });
    const scheduler = createScheduler({
      pool: db.pool,
      owner: 'replica-a',
      handlers: {
        'policy-effective': async (job) => {
          seen.push(job);
        },
      },
      now: clock.now,
      logger: quietLogger,
    });

    expect(await scheduler.runOnce()).toBe(false);
    clock.advance(1000);
    expect(await scheduler.runOnce()).toBe(true);

    expect(seen).toEqual([
      {
        id: expect.any(String),
        kind: 'policy-effective',
        key: 'dibao-2026',
        dueAt: midnight,
        payload: { standardFen: 104_500 },
        attempts: 1,
        lastError: null,
      },
    ]);
    expect(await job('policy-effective', 'dibao-2026')).toMatchObject({
      done_at: midnight,
      lease_owner: 'replica-a',
      lease_token: null,
      attempts: 1,
    });
  });

  it('claims only the kinds it has handlers for', async () => {
    await schedule(db.pool, { kind: 'daily-reconciliation', key: '2026-01-02', dueAt: midnight });
    const scheduler = createScheduler({
      pool: db.pool,
      owner: 'replica-a',
      handlers: { 'sla-breach': recordBreach },
      now: () => midnight,
      logger: quietLogger,
    });

    expect(await scheduler.runOnce()).toBe(false);
    expect((await job('daily-reconciliation', '2026-01-02')).attempts).toBe(0);
  });

  it('records a failure, rolls back its effects, and retries after the backoff with the original due time', async () => {
    const clock = manualClock(midnight);
    const seen: ScheduledJob[] = [];
    await schedule(db.pool, { kind: 'sla-breach', key: 'alert-3', dueAt: midnight });
    const scheduler = createScheduler({
      pool: db.pool,
      owner: 'replica-a',
      handlers: {
        'sla-breach': async (job, client) => {
          seen.push(job);
          await recordBreach(job, client);
          if (job.attempts === 1) throw new Error('WeCom webhook answered 503');
        },
      },
      now: clock.now,
      retryDelayMs: (attempts) => attempts * 30_000,
      logger: quietLogger,
    });

    expect(await scheduler.runOnce()).toBe(true);

    expect(await job('sla-breach', 'alert-3')).toMatchObject({
      attempts: 1,
      last_error: 'WeCom webhook answered 503',
      run_after: new Date(midnight.getTime() + 30_000),
      due_at: midnight,
      lease_until: null,
      done_at: null,
    });
    expect(await breaches()).toEqual([]);
    clock.advance(29_999);
    expect(await scheduler.runOnce()).toBe(false);

    clock.advance(1);
    expect(await scheduler.runOnce()).toBe(true);
    expect(seen.map((job) => [job.attempts, job.lastError, job.dueAt])).toEqual([
      [1, null, midnight],
      [2, 'WeCom webhook answered 503', midnight],
    ]);
    expect(await breaches()).toEqual([{ alert_id: 'alert-3', attempt: 2 }]);
    expect((await job('sla-breach', 'alert-3')).done_at).toEqual(clock.now());
  });

  it('fences out a run whose job was rescheduled meanwhile: its effects roll back and the job runs again', async () => {
    const clock = manualClock(midnight);
    let runs = 0;
    let releaseFirstRun: () => void = () => {};
    let firstRunStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      firstRunStarted = resolve;
    });
    await schedule(db.pool, { kind: 'sla-breach', key: 'alert-4', dueAt: midnight });
    const scheduler = createScheduler({
      pool: db.pool,
      owner: 'replica-a',
      handlers: {
        'sla-breach': async (job, client) => {
          runs += 1;
          await recordBreach(job, client);
          if (runs === 1) {
            firstRunStarted();
            await new Promise<void>((resolve) => {
              releaseFirstRun = resolve;
            });
          }
        },
      },
      now: clock.now,
      logger: quietLogger,
    });

    const firstRun = scheduler.runOnce();
    await started;
    const later = new Date(midnight.getTime() + 3_600_000);
    expect(await schedule(db.pool, { kind: 'sla-breach', key: 'alert-4', dueAt: later })).toBe('updated');
    releaseFirstRun();
    expect(await firstRun).toBe(true);

    expect(await breaches()).toEqual([]);
    expect(await job('sla-breach', 'alert-4')).toMatchObject({ done_at: null, due_at: later });
    clock.advance(3_600_000);
    expect(await scheduler.runOnce()).toBe(true);
    // Rescheduling starts the firing afresh, so the run that counts is attempt 1 again.
    expect(runs).toBe(2);
    expect(await breaches()).toEqual([{ alert_id: 'alert-4', attempt: 1 }]);
  });

  it('polls in the background once started and stops cleanly', async () => {
    const scheduler = createScheduler({
      pool: db.pool,
      owner: 'replica-a',
      handlers: { 'sla-breach': recordBreach },
      pollMs: 20,
      logger: quietLogger,
    });
    scheduler.start();
    try {
      await schedule(db.pool, { kind: 'sla-breach', key: 'alert-5', dueAt: new Date() });

      const done = await eventually(async () => (await job('sla-breach', 'alert-5')).done_at ?? undefined);
      expect(done).toBeInstanceOf(Date);
    } finally {
      await scheduler.stop();
    }
    expect(await breaches()).toEqual([{ alert_id: 'alert-5', attempt: 1 }]);
  });

  it('purges firings completed before the cut-off', async () => {
    await schedule(db.pool, { kind: 'sla-breach', key: 'alert-6', dueAt: midnight });
    await schedule(db.pool, {
      kind: 'sla-breach',
      key: 'alert-7',
      dueAt: new Date(midnight.getTime() + 86_400_000),
    });
    const scheduler = createScheduler({
      pool: db.pool,
      owner: 'replica-a',
      handlers: { 'sla-breach': recordBreach },
      now: () => midnight,
      logger: quietLogger,
    });
    await scheduler.runOnce();

    expect(await purgeDoneJobs(db.pool, { doneBefore: midnight })).toBe(0);
    expect(await purgeDoneJobs(db.pool, { doneBefore: new Date(midnight.getTime() + 1) })).toBe(1);
    const { rows } = await db.pool.query('select key from scheduled_jobs');
    expect(rows).toEqual([{ key: 'alert-7' }]);
  });
});
