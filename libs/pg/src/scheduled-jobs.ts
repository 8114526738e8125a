import type { Queryable } from './queryable.ts';

export interface ScheduleRequest {
  /** What to do; a scheduler runs the handler registered under this kind. */
  kind: string;
  /** Names the firing within its kind (an alert id, a date): one row per (kind, key). */
  key: string;
  dueAt: Date;
  payload?: unknown;
}

/**
 * - `created`: a new firing.
 * - `updated`: a pending firing got a new time or payload; a run in progress is fenced out (its
 *   transaction will not commit) and the firing runs again as rescheduled.
 * - `unchanged`: the same request again (a redelivered event, a retried request): no effect.
 * - `already-done`: the firing has happened; use a new key to fire again.
 */
export type ScheduleOutcome = 'created' | 'updated' | 'unchanged' | 'already-done';

/**
 * Schedules a firing, idempotently by (kind, key). Pass the client of the transaction that
 * decides it (opening an alert and arming its SLA timer commit together), or a pool.
 */
export async function schedule(db: Queryable, request: ScheduleRequest): Promise<ScheduleOutcome> {
  const payload = JSON.stringify(request.payload ?? {});
  const { rows } = await db.query<{ created: boolean }>(
    `insert into scheduled_jobs (kind, key, due_at, run_after, payload)
     values ($1, $2, $3, $3, $4::jsonb)
     on conflict (kind, key) do update
        set due_at = excluded.due_at, run_after = excluded.run_after, payload = excluded.payload,
            attempts = 0, last_error = null, lease_until = null, lease_token = null
      where scheduled_jobs.done_at is null
        and (scheduled_jobs.due_at, scheduled_jobs.payload) is distinct from (excluded.due_at, excluded.payload)
     returning (xmax = 0) as created`,
    [request.kind, request.key, request.dueAt, payload],
  );
  const row = rows[0];
  if (row !== undefined) return row.created ? 'created' : 'updated';
  const { rows: existing } = await db.query<{ done: boolean }>(
    'select done_at is not null as done from scheduled_jobs where kind = $1 and key = $2',
    [request.kind, request.key],
  );
  return existing[0]?.done === true ? 'already-done' : 'unchanged';
}

/**
 * Cancels a firing that has not happened; true if there was one. A run in progress is fenced
 * out: its transaction, effects included, rolls back. A firing that is done stays recorded.
 */
export async function cancel(db: Queryable, kind: string, key: string): Promise<boolean> {
  const result = await db.query(
    'delete from scheduled_jobs where kind = $1 and key = $2 and done_at is null',
    [kind, key],
  );
  return result.rowCount === 1;
}

/** Deletes up to `limit` (default 10,000) firings completed before `doneBefore`; returns how many. */
export async function purgeDoneJobs(
  db: Queryable,
  options: { doneBefore: Date; limit?: number },
): Promise<number> {
  const result = await db.query(
    `delete from scheduled_jobs
      where id in (select id from scheduled_jobs where done_at < $1 limit $2)`,
    [options.doneBefore, options.limit ?? 10_000],
  );
  return result.rowCount ?? 0;
}
