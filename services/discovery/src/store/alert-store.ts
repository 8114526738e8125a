import type { Queryable } from '@huimin/pg';
import type { Priority } from '../domain/priority.ts';
import type { Reason } from '../domain/reasons.ts';

export const liveStatuses = ['open', 'acknowledged', 'visiting'] as const;
export type AlertStatus = (typeof liveStatuses)[number] | 'resolved' | 'dismissed';

export interface StoredReason extends Reason {
  at: string;
  sourceEventId?: string;
  /** When its cause went away (a risk cleared, a gap closed, a certificate retracted). */
  withdrawnAt?: string;
}

export interface AlertRow {
  id: string;
  subjectKey: string;
  householdId: string | null;
  residentId: string | null;
  type: string;
  title: string;
  priority: Priority;
  origin: 'signal' | 'manual';
  communityCode: string;
  townCode: string;
  assigneeUserId: string | null;
  onBehalfOf: string | null;
  status: AlertStatus;
  outcome: string | null;
  dismissReason: string | null;
  reasons: StoredReason[];
  sourceEventIds: string[];
  rulesVersion: number;
  slaVersion: number;
  raisedAt: Date;
  acknowledgeDueAt: Date;
  visitDueAt: Date;
  acknowledgedAt: Date | null;
  visitStartedAt: Date | null;
  closedAt: Date | null;
  acknowledgeBreachedAt: Date | null;
  visitBreachedAt: Date | null;
  updatedAt: Date;
}

const COLUMNS = `id, subject_key, household_id, resident_id, type, title, priority, origin, community_code,
  town_code, assignee_user_id, on_behalf_of, status, outcome, dismiss_reason, reasons, source_event_ids,
  rules_version, sla_version, raised_at, acknowledge_due_at, visit_due_at, acknowledged_at,
  visit_started_at, closed_at, acknowledge_breached_at, visit_breached_at, updated_at`;

// biome-ignore lint/suspicious/noExplicitAny: a pg row
export function toAlert(r: any): AlertRow {
  return {
    id: r.id,
    subjectKey: r.subject_key,
    householdId: r.household_id,
    residentId: r.resident_id,
    type: r.type,
    title: r.title,
    priority: r.priority,
    origin: r.origin,
    communityCode: r.community_code,
    townCode: r.town_code,
    assigneeUserId: r.assignee_user_id,
    onBehalfOf: r.on_behalf_of,
    status: r.status,
    outcome: r.outcome,
    dismissReason: r.dismiss_reason,
    reasons: r.reasons,
    sourceEventIds: r.source_event_ids,
    rulesVersion: r.rules_version,
    slaVersion: r.sla_version,
    raisedAt: r.raised_at,
    acknowledgeDueAt: r.acknowledge_due_at,
    visitDueAt: r.visit_due_at,
    acknowledgedAt: r.acknowledged_at,
    visitStartedAt: r.visit_started_at,
    closedAt: r.closed_at,
    acknowledgeBreachedAt: r.acknowledge_breached_at,
    visitBreachedAt: r.visit_breached_at,
    updatedAt: r.updated_at,
  };
}

export async function findAlert(db: Queryable, id: string, options: { forUpdate?: boolean } = {}) {
  const { rows } = await db.query(
    `select ${COLUMNS} from alerts where id = $1 ${options.forUpdate ? 'for update' : ''}`,
    [id],
  );
  return rows[0] ? toAlert(rows[0]) : undefined;
}

export async function findLiveAlert(db: Queryable, subjectKey: string, type: string) {
  const { rows } = await db.query(
    `select ${COLUMNS} from alerts
      where subject_key = $1 and type = $2 and status in ('open', 'acknowledged', 'visiting')
      for update`,
    [subjectKey, type],
  );
  return rows[0] ? toAlert(rows[0]) : undefined;
}

/** Every live alert of a subject, locked, oldest first. */
export async function findLiveAlertsOf(db: Queryable, subjectKey: string): Promise<AlertRow[]> {
  const { rows } = await db.query(
    `select ${COLUMNS} from alerts
      where subject_key = $1 and status in ('open', 'acknowledged', 'visiting') order by id for update`,
    [subjectKey],
  );
  return rows.map(toAlert);
}

/** Writes the mutable fields of an alert back. */
export async function saveAlert(db: Queryable, a: AlertRow): Promise<void> {
  await db.query(
    `update alerts set priority = $2, assignee_user_id = $3, on_behalf_of = $4, status = $5, outcome = $6,
            dismiss_reason = $7, reasons = $8::jsonb, source_event_ids = $9, acknowledge_due_at = $10,
            visit_due_at = $11, acknowledged_at = $12, visit_started_at = $13, closed_at = $14,
            acknowledge_breached_at = $15, visit_breached_at = $16, updated_at = $17, household_id = $18
      where id = $1`,
    [
      a.id,
      a.priority,
      a.assigneeUserId,
      a.onBehalfOf,
      a.status,
      a.outcome,
      a.dismissReason,
      JSON.stringify(a.reasons),
      a.sourceEventIds,
      a.acknowledgeDueAt,
      a.visitDueAt,
      a.acknowledgedAt,
      a.visitStartedAt,
      a.closedAt,
      a.acknowledgeBreachedAt,
      a.visitBreachedAt,
      a.updatedAt,
      a.householdId,
    ],
  );
}

export async function addHistory(
  db: Queryable,
  entry: { alertId: string; at: Date; actor: string; action: string; detail?: Record<string, unknown> },
): Promise<void> {
  await db.query(
    'insert into alert_history (alert_id, at, actor, action, detail) values ($1, $2, $3, $4, $5::jsonb)',
    [entry.alertId, entry.at, entry.actor, entry.action, JSON.stringify(entry.detail ?? {})],
  );
}

export async function historyOf(db: Queryable, alertId: string) {
  const { rows } = await db.query<{
    at: Date;
    actor: string;
    action: string;
    detail: Record<string, unknown>;
  }>('select at, actor, action, detail from alert_history where alert_id = $1 order by id', [alertId]);
  return rows.map((r) => ({ at: r.at.toISOString(), actor: r.actor, action: r.action, detail: r.detail }));
}

export async function notesOf(db: Queryable, alertId: string) {
  const { rows } = await db.query<{
    id: string;
    author: string;
    body: string;
    created_at: Date;
    attachments: { position: number; contentType: string; sizeBytes: number }[] | null;
  }>(
    `select n.id, n.author, n.body, n.created_at,
            (select json_agg(json_build_object('position', a.position, 'contentType', a.content_type,
                                               'sizeBytes', a.size_bytes) order by a.position)
               from alert_attachments a where a.note_id = n.id) as attachments
       from alert_notes n where n.alert_id = $1 order by n.created_at, n.id`,
    [alertId],
  );
  return rows.map((r) => ({
    id: r.id,
    author: r.author,
    body: r.body,
    createdAt: r.created_at.toISOString(),
    attachments: r.attachments ?? [],
  }));
}

/** Moves a user's live-alert count by `delta` (+1 when an alert becomes theirs, −1 when it leaves). */
export async function adjustLoad(db: Queryable, userId: string | null, delta: 1 | -1): Promise<void> {
  if (!userId) return;
  await db.query(
    `insert into handler_load (user_id, live_alerts) values ($1, greatest($2, 0))
     on conflict (user_id) do update set live_alerts = greatest(handler_load.live_alerts + $2, 0)`,
    [userId, delta],
  );
}

export const ALERT_COLUMNS = COLUMNS;
