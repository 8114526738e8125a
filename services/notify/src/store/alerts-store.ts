import type { Queryable } from '@huimin/pg';
import type { AlertEvent } from '../domain/notice.ts';

/** Notify's projection of an alert: enough for titles of later events and the daily digest. */
export interface AlertView {
  alertId: string;
  communityCode: string;
  townCode: string;
  assigneeUserId: string | undefined;
  title: string | undefined;
  priority: string | undefined;
  acknowledgeDueAt: Date | undefined;
  visitDueAt: Date | undefined;
  escalated: boolean;
}

interface AlertRow {
  alert_id: string;
  community_code: string;
  town_code: string;
  assignee_user_id: string | null;
  title: string | null;
  priority: string | null;
  acknowledge_due_at: Date | null;
  visit_due_at: Date | null;
  escalated: boolean;
}

/**
 * Applies an event to the projection and returns the alert as it now stands. Events of one alert
 * arrive in order (keyed by alert id); an alert whose opening notify never saw (retention, a later
 * deployment) is projected from what its later events carry.
 */
export async function applyToAlert(client: Queryable, event: AlertEvent, at: Date): Promise<AlertView> {
  const p = event.payload;
  await client.query(
    `insert into alerts (alert_id, community_code, town_code, assignee_user_id, updated_at)
     values ($1, $2, $3, $4, $5)
     on conflict (alert_id) do update
        set community_code = excluded.community_code, town_code = excluded.town_code,
            assignee_user_id = excluded.assignee_user_id, updated_at = excluded.updated_at`,
    [p.alertId, p.communityCode, p.townCode, p.assigneeUserId ?? null, at],
  );
  const set = async (sql: string, values: unknown[]) =>
    client.query(`update alerts set ${sql} where alert_id = $1`, [p.alertId, ...values]);
  switch (event.name) {
    case 'AlertOpened': {
      const o = event.payload;
      await set(
        `alert_type = $2, title = $3, priority = $4, raised_at = $5, acknowledge_due_at = $6,
         visit_due_at = $7, status = 'open'`,
        [o.type, o.title, o.priority, o.raisedAt, o.acknowledgeDueAt, o.visitDueAt],
      );
      break;
    }
    case 'AlertEvidenceAdded': {
      const e = event.payload;
      await set(
        `priority = $2, acknowledge_due_at = coalesce($3, acknowledge_due_at),
         visit_due_at = coalesce($4, visit_due_at)`,
        [e.priority, e.acknowledgeDueAt ?? null, e.visitDueAt ?? null],
      );
      break;
    }
    case 'AlertTaken':
      await set('acknowledged_at = $2', [event.payload.acknowledgedAt]);
      break;
    case 'AlertVisitStarted':
      await set('visit_started_at = $2', [event.payload.startedAt]);
      break;
    case 'AlertSlaBreached':
      await set('escalated = true, priority = $2', [event.payload.priority]);
      break;
    case 'AlertClosed':
      await set(`status = 'closed'`, []);
      break;
    case 'AlertDismissed':
      await set(`status = 'dismissed'`, []);
      break;
    case 'AlertCauseWithdrawn':
      // Closed by discovery when nobody had acknowledged it; otherwise it stays with its handler.
      if (event.payload.closed) await set(`status = 'closed'`, []);
      break;
    case 'AlertAssigned':
    case 'AlertNoteAdded':
      break;
    default: {
      const unknown: never = event;
      throw new Error(`unhandled alert event ${(unknown as AlertEvent).name}`);
    }
  }
  const { rows } = await client.query<AlertRow>(
    `select alert_id, community_code, town_code, assignee_user_id, title, priority, acknowledge_due_at,
            visit_due_at, escalated
       from alerts where alert_id = $1`,
    [p.alertId],
  );
  const row = rows[0] as AlertRow;
  return {
    alertId: row.alert_id,
    communityCode: row.community_code,
    townCode: row.town_code,
    assigneeUserId: row.assignee_user_id ?? undefined,
    title: row.title ?? undefined,
    priority: row.priority ?? undefined,
    acknowledgeDueAt: row.acknowledge_due_at ?? undefined,
    visitDueAt: row.visit_due_at ?? undefined,
    escalated: row.escalated,
  };
}

/** Open and overdue alerts of a community at `at` (the daily digest). */
export async function communityDigest(
  db: Queryable,
  communityCode: string,
  at: Date,
): Promise<{ open: number; overdue: number; byPriority: Record<string, number> }> {
  const { rows } = await db.query<{ priority: string | null; open: string; overdue: string }>(
    `select priority, count(*) as open,
            count(*) filter (where escalated
                               or (acknowledged_at is null and acknowledge_due_at < $2)
                               or (visit_started_at is null and visit_due_at < $2)) as overdue
       from alerts
      where community_code = $1 and status = 'open'
      group by priority`,
    [communityCode, at],
  );
  const byPriority: Record<string, number> = {};
  let open = 0;
  let overdue = 0;
  for (const row of rows) {
    open += Number(row.open);
    overdue += Number(row.overdue);
    if (row.priority) byPriority[row.priority] = Number(row.open);
  }
  return { open, overdue, byPriority };
}

const STAND_IN_DAYS = 30;

/** Remembers that `delegate` was assigned an alert on behalf of `absent` in a community. */
export async function recordStandIn(
  client: Queryable,
  absent: string,
  delegate: string,
  communityCode: string,
  at: Date,
): Promise<void> {
  await client.query(
    `insert into stand_ins (absent_user_id, delegate_user_id, community_code, seen_at) values ($1, $2, $3, $4)
     on conflict (absent_user_id, delegate_user_id, community_code) do update set seen_at = excluded.seen_at`,
    [absent, delegate, communityCode, at],
  );
}

/** The handler is routed their own alerts again: their leave is over, nobody stands in. */
export async function forgetStandIns(client: Queryable, absent: string): Promise<void> {
  await client.query('delete from stand_ins where absent_user_id = $1', [absent]);
}

export async function standInsFor(
  client: Queryable,
  absent: string,
  communityCode: string,
  at: Date,
): Promise<string[]> {
  const { rows } = await client.query<{ delegate_user_id: string }>(
    `select delegate_user_id from stand_ins
      where absent_user_id = $1 and community_code = $2 and seen_at > $3
      order by delegate_user_id`,
    [absent, communityCode, new Date(at.getTime() - STAND_IN_DAYS * 86_400_000)],
  );
  return rows.map((r) => r.delegate_user_id);
}
