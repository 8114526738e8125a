import type { UserPrincipal } from '@huimin/auth';
import type { Queryable } from '@huimin/pg';
import { context, propagation } from '@opentelemetry/api';
import type { Audience } from '../domain/audience.ts';
import type { Notice } from '../domain/notice.ts';

/** One logged event: its seq (the stream event id), who it concerns, and what they receive. */
export interface LogEntry extends Audience {
  seq: number;
  notice: Notice;
  occurredAt: Date;
  /** Trace context of the span that logged it (no personal data: ids only). */
  traceparent?: string;
}

interface LogRow {
  seq: string;
  community_code: string;
  town_code: string;
  assignee_user_id: string | null;
  stand_in_user_ids: string[];
  to_supervisors: boolean;
  escalated_user_ids: string[];
  notice: Notice;
  occurred_at: Date;
  traceparent: string | null;
}

const columns = `seq, community_code, town_code, assignee_user_id, stand_in_user_ids, to_supervisors,
  escalated_user_ids, notice, occurred_at, traceparent`;

function entryOf(row: LogRow): LogEntry {
  return {
    seq: Number(row.seq),
    communityCode: row.community_code,
    townCode: row.town_code,
    assigneeUserId: row.assignee_user_id ?? undefined,
    standInUserIds: row.stand_in_user_ids,
    toSupervisors: row.to_supervisors,
    escalatedUserIds: row.escalated_user_ids,
    notice: row.notice,
    occurredAt: row.occurred_at,
    ...(row.traceparent ? { traceparent: row.traceparent } : {}),
  };
}

/** The channel that wakes the fan-out publisher when a row commits. */
export function logChannel(schema: string): string {
  return `${schema}_delivery_log`;
}

/**
 * Appends an event inside the consumer's transaction. The advisory lock, held to commit, makes
 * seq order equal commit order: whoever sees row n has seen every committed row before it, which
 * is what lets a replaying client and the fan-out read "everything after n" without gaps.
 */
export async function appendToLog(
  client: Queryable,
  entry: { eventId: string; eventType: string; audience: Audience; notice: Notice; occurredAt: Date },
): Promise<number> {
  await client.query(`select pg_advisory_xact_lock(hashtext(current_schema() || '.delivery_log'))`);
  const { audience: a } = entry;
  const trace: Record<string, string> = {};
  propagation.inject(context.active(), trace);
  const { rows } = await client.query<{ seq: string }>(
    `with appended as (
       insert into delivery_log (event_id, event_type, alert_id, community_code, town_code, assignee_user_id,
         stand_in_user_ids, to_supervisors, escalated_user_ids, notice, occurred_at, traceparent)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       returning seq)
     select seq, pg_notify(current_schema() || '_delivery_log', '') from appended`,
    [
      entry.eventId,
      entry.eventType,
      entry.notice.alertId,
      a.communityCode,
      a.townCode,
      a.assigneeUserId ?? null,
      a.standInUserIds,
      a.toSupervisors,
      a.escalatedUserIds,
      JSON.stringify(entry.notice),
      entry.occurredAt,
      trace.traceparent ?? null,
    ],
  );
  return Number(rows[0]?.seq);
}

/** Every logged event after `afterSeq`, in order (the fan-out and a replica catching up). */
export async function readLogAfter(db: Queryable, afterSeq: number, limit: number): Promise<LogEntry[]> {
  const { rows } = await db.query<LogRow>(
    `select ${columns} from delivery_log where seq > $1 order by seq limit $2`,
    [afterSeq, limit],
  );
  return rows.map(entryOf);
}

/**
 * The events after `afterSeq` that may concern this person (the caller still applies `reaches`):
 * a client reconnecting with Last-Event-ID.
 */
export async function readLogForUser(
  db: Queryable,
  user: UserPrincipal,
  afterSeq: number,
  limit: number,
): Promise<LogEntry[]> {
  const towns = user.role === 'town-supervisor' ? user.jurisdictions : [];
  const { rows } = await db.query<LogRow>(
    `select ${columns} from delivery_log
      where seq > $1
        and (assignee_user_id = $2 or $2 = any(stand_in_user_ids) or $2 = any(escalated_user_ids)
             or (to_supervisors and town_code = any($3::text[])))
      order by seq limit $4`,
    [afterSeq, user.userId, towns, limit],
  );
  return rows.map(entryOf);
}

export async function lastLoggedSeq(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ seq: string | null }>('select max(seq) as seq from delivery_log');
  return Number(rows[0]?.seq ?? 0);
}

/** The lowest seq replay can still serve: anything below was purged. */
export async function purgedBelow(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ purged_below: string }>('select purged_below from fanout_state');
  return Number(rows[0]?.purged_below ?? 0);
}

/** Deletes events logged before `before` (bounded retention); returns how many. */
export async function purgeLog(db: Queryable, before: Date): Promise<number> {
  const { rows } = await db.query<{ deleted: string; upto: string | null }>(
    `with gone as (delete from delivery_log where logged_at < $1 returning seq),
          mark as (update fanout_state set purged_below = greatest(purged_below, (select max(seq) + 1 from gone))
                    where exists (select 1 from gone))
     select count(*) as deleted, max(seq) as upto from gone`,
    [before],
  );
  return Number(rows[0]?.deleted ?? 0);
}
