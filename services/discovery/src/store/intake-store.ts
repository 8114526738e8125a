import type { EventRecord } from '@huimin/kafka';
import type { Queryable } from '@huimin/pg';
import type pg from 'pg';
import type { Priority } from '../domain/priority.ts';
import { type AlertRow, toAlert } from './alert-store.ts';

/**
 * The set-based statements of alert intake: a batch of signals costs one statement per table,
 * whatever its size. Rows travel as one JSON parameter each (jsonb_to_recordset), in order.
 */

/**
 * Serialises everything that opens or merges alerts for these subjects and types, across replicas:
 * one transaction-scoped advisory lock per `subject|type`, taken in one statement in a fixed order
 * (volatile functions in the select list run after the sort), so two batches cannot deadlock here.
 */
export async function lockSubjects(db: Queryable, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.query(
    `select pg_advisory_xact_lock(hashtextextended('alert|' || k, 0))
       from (select distinct unnest($1::text[]) as k) s order by k`,
    [keys],
  );
}

export interface SubjectState {
  live?: AlertRow;
  suppressed?: { priority: Priority; alertId: string };
}

/**
 * For each `subject|type`: its live alert, locked, and the dismissal suppressing it now, if any.
 * One statement; keys are `${subjectKey}|${type}` for the caller's map.
 */
export async function subjectStates(
  db: Queryable,
  pairs: readonly { subjectKey: string; type: string }[],
  at: Date,
): Promise<Map<string, SubjectState>> {
  const states = new Map<string, SubjectState>();
  if (pairs.length === 0) return states;
  const { rows } = await db.query(
    `with keys as (
       select distinct k.subject_key, k.type from unnest($1::text[], $2::text[]) as k(subject_key, type)
     ),
     live as materialized (
       select a.* from alerts a join keys k on a.subject_key = k.subject_key and a.type = k.type
        where a.status in ('open', 'acknowledged', 'visiting')
          for update of a
     )
     select k.subject_key as key_subject, k.type as key_type,
            s.priority as suppressed_priority, s.alert_id as suppressed_by, l.*
       from keys k
       left join live l on l.subject_key = k.subject_key and l.type = k.type
       left join suppressions s on s.subject_key = k.subject_key and s.type = k.type and s.until > $3`,
    [pairs.map((p) => p.subjectKey), pairs.map((p) => p.type), at],
  );
  for (const r of rows) {
    states.set(`${r.key_subject}|${r.key_type}`, {
      ...(r.id ? { live: toAlert(r) } : {}),
      ...(r.suppressed_priority
        ? { suppressed: { priority: r.suppressed_priority, alertId: r.suppressed_by } }
        : {}),
    });
  }
  return states;
}

/**
 * The routing cursors of these communities, locked in a fixed order (created when missing), and
 * the live-alert load of these users: what least-load, round-robin routing needs, in memory.
 */
export async function routingState(
  db: Queryable,
  communities: readonly string[],
  userIds: readonly string[],
): Promise<{ cursors: Map<string, string>; load: Map<string, number> }> {
  const read = () =>
    db.query<{ kind: 'cursor' | 'load'; k: string; v: string | null; n: number | null }>(
      `with locked as materialized (
         select community_code, last_user_id from routing_cursor
          where community_code = any($1) order by community_code for update
       )
       select 'cursor' as kind, community_code as k, last_user_id as v, null::int as n from locked
       union all
       select 'load', user_id, null, live_alerts from handler_load where user_id = any($2)`,
      [communities, userIds],
    );
  let { rows } = await read();
  const wanted = new Set(communities);
  if (rows.filter((r) => r.kind === 'cursor').length < wanted.size) {
    await db.query(
      `insert into routing_cursor (community_code, last_user_id)
       select c, '' from unnest($1::text[]) as c order by c on conflict do nothing`,
      [[...wanted]],
    );
    ({ rows } = await read());
  }
  return {
    cursors: new Map(rows.filter((r) => r.kind === 'cursor').map((r) => [r.k, r.v ?? ''])),
    load: new Map(rows.filter((r) => r.kind === 'load').map((r) => [r.k, r.n ?? 0])),
  };
}

export async function saveCursors(db: Queryable, cursors: Map<string, string>): Promise<void> {
  if (cursors.size === 0) return;
  await db.query(
    `update routing_cursor c set last_user_id = v.last_user_id
       from unnest($1::text[], $2::text[]) as v(community_code, last_user_id)
      where c.community_code = v.community_code`,
    [[...cursors.keys()], [...cursors.values()]],
  );
}

/** Moves users' live-alert counts by their deltas, in a fixed order (one statement). */
export async function adjustLoads(db: Queryable, deltas: Map<string, number>): Promise<void> {
  const users = [...deltas.entries()].filter(([, d]) => d !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
  if (users.length === 0) return;
  await db.query(
    `insert into handler_load (user_id, live_alerts)
     select u, greatest(d, 0) from unnest($1::text[], $2::int[]) as v(u, d)
     on conflict (user_id) do update set live_alerts = greatest(handler_load.live_alerts + excluded.live_alerts, 0)`,
    [users.map(([u]) => u), users.map(([, d]) => d)],
  );
}

/**
 * Reserves `count` numbers of the year at once: the counter row is locked until the transaction
 * ends, and a rolled-back batch gives its numbers back (gapless). Returns the first number.
 */
export async function reserveNumbers(db: Queryable, year: number, count: number): Promise<number> {
  const { rows } = await db.query<{ last_number: string }>(
    `insert into alert_counters (year, last_number) values ($1, $2)
     on conflict (year) do update set last_number = alert_counters.last_number + $2
     returning last_number`,
    [year, count],
  );
  return Number(rows[0]?.last_number) - count + 1;
}

export const alertNumber = (year: number, n: number) => `ALR-${year}-${String(n).padStart(6, '0')}`;

const ALERT_RECORD = `id text, subject_key text, household_id text, resident_id text, type text, title text,
  priority text, origin text, community_code text, town_code text, assignee_user_id text, on_behalf_of text,
  status text, outcome text, dismiss_reason text, reasons jsonb, source_event_ids text[], rules_version int,
  sla_version int, raised_at timestamptz, acknowledge_due_at timestamptz, visit_due_at timestamptz,
  acknowledged_at timestamptz, visit_started_at timestamptz, closed_at timestamptz,
  acknowledge_breached_at timestamptz, visit_breached_at timestamptz, updated_at timestamptz`;

const alertJson = (a: AlertRow) => ({
  id: a.id,
  subject_key: a.subjectKey,
  household_id: a.householdId,
  resident_id: a.residentId,
  type: a.type,
  title: a.title,
  priority: a.priority,
  origin: a.origin,
  community_code: a.communityCode,
  town_code: a.townCode,
  assignee_user_id: a.assigneeUserId,
  on_behalf_of: a.onBehalfOf,
  status: a.status,
  outcome: a.outcome,
  dismiss_reason: a.dismissReason,
  reasons: a.reasons,
  source_event_ids: a.sourceEventIds,
  rules_version: a.rulesVersion,
  sla_version: a.slaVersion,
  raised_at: a.raisedAt,
  acknowledge_due_at: a.acknowledgeDueAt,
  visit_due_at: a.visitDueAt,
  acknowledged_at: a.acknowledgedAt,
  visit_started_at: a.visitStartedAt,
  closed_at: a.closedAt,
  acknowledge_breached_at: a.acknowledgeBreachedAt,
  visit_breached_at: a.visitBreachedAt,
  updated_at: a.updatedAt,
});

const ALERT_FIELDS = ALERT_RECORD.split(',').map((c) => c.trim().split(' ')[0] as string);

/** Everything a batch writes once its alerts have numbers. */
export interface BatchWrites {
  /** New alerts. The partial unique index on live alerts refuses a twin (23505). */
  opened: readonly AlertRow[];
  /** Live alerts that took in evidence: priority, reasons, sources and clocks written back. */
  merged: readonly AlertRow[];
  /** History rows, in order (their ids keep it). */
  history: readonly HistoryEntry[];
  /** Scheduled firings, as `schedule` from @huimin/pg writes them (last one per key wins). */
  jobs: readonly { kind: string; key: string; dueAt: Date }[];
  /** The batch's events, in order, for the outbox (the relay is woken once). */
  records: readonly EventRecord[];
  signals: readonly SignalLogEntry[];
  /** Routing cursors moved and live-alert loads changed by the batch's routing. */
  cursors: Map<string, string>;
  loadDeltas: Map<string, number>;
}

export interface HistoryEntry {
  alertId: string;
  at: Date;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

export interface SignalLogEntry {
  eventId: string;
  eventType: string;
  subjectKey: string | null;
  alertId: string | null;
  outcome: string;
  at: Date;
}

/**
 * A batch's writes as ONE statement: one insert (or update) per table in data-modifying CTEs, each
 * table's rows as one JSON or array parameter. The rows of one table never touch the same row
 * twice (new and merged alerts are different rows; firings are deduplicated by key), and the
 * history's foreign key is checked at the end of the statement, after the alerts are in.
 */
export async function writeBatch(client: pg.ClientBase, w: BatchWrites): Promise<void> {
  const jobs = [...new Map(w.jobs.map((j) => [`${j.kind}|${j.key}`, j])).values()].sort((a, b) =>
    a.kind === b.kind ? (a.key < b.key ? -1 : 1) : a.kind < b.kind ? -1 : 1,
  );
  const loads = [...w.loadDeltas.entries()].filter(([, d]) => d !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
  await client.query(
    `with
     new_alerts as (
       insert into alerts (${ALERT_FIELDS.join(', ')})
       select ${ALERT_FIELDS.join(', ')} from jsonb_to_recordset($1::jsonb) as x(${ALERT_RECORD})
     ),
     merged as (
       update alerts a
          set priority = x.priority, reasons = x.reasons, source_event_ids = x.source_event_ids,
              acknowledge_due_at = x.acknowledge_due_at, visit_due_at = x.visit_due_at, updated_at = x.updated_at
         from jsonb_to_recordset($2::jsonb) as x(${ALERT_RECORD})
        where a.id = x.id
     ),
     history as (
       insert into alert_history (alert_id, at, actor, action, detail)
       select alert_id, at, actor, action, detail
         from rows from (jsonb_to_recordset($3::jsonb)
                as (alert_id text, at timestamptz, actor text, action text, detail jsonb)) with ordinality
              as x(alert_id, at, actor, action, detail, n)
        order by n
     ),
     jobs as (
       insert into scheduled_jobs (kind, key, due_at, run_after, payload)
       select kind, key, due_at, due_at, '{}'::jsonb
         from unnest($4::text[], $5::text[], $6::timestamptz[]) as v(kind, key, due_at)
       on conflict (kind, key) do update
          set due_at = excluded.due_at, run_after = excluded.run_after, payload = excluded.payload,
              attempts = 0, last_error = null, lease_until = null, lease_token = null
        where scheduled_jobs.done_at is null
          and (scheduled_jobs.due_at, scheduled_jobs.payload) is distinct from (excluded.due_at, excluded.payload)
     ),
     appended as (
       insert into outbox (id, topic, key, type, headers, payload)
       select id, topic, key, type, headers, payload
         from rows from (jsonb_to_recordset($7::jsonb)
                as (id uuid, topic text, key text, type text, headers jsonb, payload jsonb)) with ordinality
              as x(id, topic, key, type, headers, payload, n)
        order by n
       returning seq
     ),
     signals as (
       insert into signal_log (event_id, event_type, subject_key, alert_id, outcome, received_at)
       select event_id, event_type, subject_key, alert_id, outcome, at
         from jsonb_to_recordset($8::jsonb)
              as x(event_id text, event_type text, subject_key text, alert_id text, outcome text, at timestamptz)
       on conflict (event_id) do nothing
     ),
     cursors as (
       update routing_cursor c set last_user_id = v.last_user_id
         from unnest($9::text[], $10::text[]) as v(community_code, last_user_id)
        where c.community_code = v.community_code
     ),
     loads as (
       insert into handler_load (user_id, live_alerts)
       select u, greatest(d, 0) from unnest($11::text[], $12::int[]) as v(u, d)
       on conflict (user_id) do update
          set live_alerts = greatest(handler_load.live_alerts + excluded.live_alerts, 0)
     )
     select pg_notify(current_schema() || '_outbox', '') from (select 1 from appended limit 1) woken`,
    [
      JSON.stringify(w.opened.map(alertJson)),
      JSON.stringify(w.merged.map(alertJson)),
      JSON.stringify(
        w.history.map((e) => ({
          alert_id: e.alertId,
          at: e.at,
          actor: e.actor,
          action: e.action,
          detail: e.detail,
        })),
      ),
      jobs.map((j) => j.kind),
      jobs.map((j) => j.key),
      jobs.map((j) => j.dueAt),
      JSON.stringify(
        w.records.map((r) => ({
          id: r.envelope.id,
          topic: r.topic,
          key: r.key,
          type: r.envelope.type,
          headers: r.headers,
          payload: r.payload,
        })),
      ),
      JSON.stringify(
        w.signals.map((e) => ({
          event_id: e.eventId,
          event_type: e.eventType,
          subject_key: e.subjectKey,
          alert_id: e.alertId,
          outcome: e.outcome,
          at: e.at,
        })),
      ),
      [...w.cursors.keys()],
      [...w.cursors.values()],
      loads.map(([u]) => u),
      loads.map(([, d]) => d),
    ],
  );
}
