import type { UserPrincipal } from '@huimin/auth';
import { AppError } from '@huimin/kit';
import type { Queryable } from '@huimin/pg';
import { ALERT_COLUMNS, type AlertRow, toAlert } from './alert-store.ts';

export interface AlertFilter {
  status?: string[] | undefined;
  priority?: string[] | undefined;
  communityCode?: string | undefined;
  townCode?: string | undefined;
  type?: string | undefined;
  householdId?: string | undefined;
  /** A user id; `me` is resolved by the route. */
  assignee?: string | undefined;
  /** Only alerts with a clock that ran out. */
  breached?: boolean | undefined;
  raisedFrom?: Date | undefined;
  raisedTo?: Date | undefined;
}

/**
 * The WHERE clause for what `me` may see with the filters applied. Division codes nest by prefix
 * (county 6 digits ⊂ town 9 ⊂ community 12), so a jurisdiction is a prefix of the community code.
 */
function where(me: UserPrincipal, f: AlertFilter, params: unknown[]): string {
  const clauses: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replaceAll('$?', `$${params.length}`));
  };
  add(`community_code like any(select code || '%' from unnest($?::text[]) as code)`, me.jurisdictions);
  if (f.status?.length) add('status = any($?)', f.status);
  if (f.priority?.length) add('priority = any($?)', f.priority);
  if (f.communityCode) add('community_code = $?', f.communityCode);
  if (f.townCode) add('town_code = $?', f.townCode);
  if (f.type) add('type = $?', f.type);
  if (f.householdId) add('household_id = $?', f.householdId);
  if (f.assignee) add('assignee_user_id = $?', f.assignee);
  if (f.breached === true)
    clauses.push('(acknowledge_breached_at is not null or visit_breached_at is not null)');
  if (f.breached === false) clauses.push('(acknowledge_breached_at is null and visit_breached_at is null)');
  if (f.raisedFrom) add('raised_at >= $?', f.raisedFrom);
  if (f.raisedTo) add('raised_at < $?', f.raisedTo);
  return clauses.join(' and ');
}

export function encodeCursor(a: Pick<AlertRow, 'raisedAt' | 'id'>): string {
  return Buffer.from(`${a.raisedAt.toISOString()}|${a.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { raisedAt: Date; id: string } {
  const [at = '', id = ''] = Buffer.from(cursor, 'base64url').toString().split('|');
  const raisedAt = new Date(at);
  if (Number.isNaN(raisedAt.getTime()) || !/^ALR-\d{4}-\d{6,9}$/.test(id))
    throw new AppError('VALIDATION_FAILED', 'the cursor is not one this API gave out');
  return { raisedAt, id };
}

/** Newest first, `limit` at a time; `next` resumes after the last one (stable under inserts). */
export async function listAlerts(
  db: Queryable,
  me: UserPrincipal,
  f: AlertFilter,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ alerts: AlertRow[]; next?: string }> {
  const params: unknown[] = [];
  let sql = `select ${ALERT_COLUMNS} from alerts where ${where(me, f, params)}`;
  if (page.cursor) {
    const c = decodeCursor(page.cursor);
    params.push(c.raisedAt, c.id);
    sql += ` and (raised_at, id) < ($${params.length - 1}, $${params.length})`;
  }
  params.push(page.limit + 1);
  sql += ` order by raised_at desc, id desc limit $${params.length}`;
  const { rows } = await db.query(sql, params);
  const alerts = rows.slice(0, page.limit).map(toAlert);
  const last = alerts.at(-1);
  return rows.length > page.limit && last ? { alerts, next: encodeCursor(last) } : { alerts };
}

/** Every matching alert, a page at a time, for the CSV export (one page in memory at once). */
export async function* eachAlertPage(
  db: Queryable,
  me: UserPrincipal,
  f: AlertFilter,
  pageSize = 500,
): AsyncGenerator<AlertRow[]> {
  let cursor: string | undefined;
  do {
    const page = await listAlerts(db, me, f, { limit: pageSize, cursor });
    if (page.alerts.length > 0) yield page.alerts;
    cursor = page.next;
  } while (cursor);
}

export interface AlertStatistics {
  openByPriority: Record<string, number>;
  openByCommunity: { communityCode: string; P1: number; P2: number; P3: number; P4: number; total: number }[];
  slaBreaches: { acknowledge: number; visit: number; openBreached: number };
  medianSecondsToAcknowledge: number | null;
  medianSecondsToResolve: number | null;
  raised: number;
}

/** Open alerts now, and breaches and medians over alerts raised in the period the filter gives. */
export async function alertStatistics(
  db: Queryable,
  me: UserPrincipal,
  f: AlertFilter,
): Promise<AlertStatistics> {
  const openParams: unknown[] = [];
  const openWhere = where(
    me,
    { ...f, raisedFrom: undefined, raisedTo: undefined, status: ['open', 'acknowledged', 'visiting'] },
    openParams,
  );
  const { rows: open } = await db.query<{ community_code: string; priority: string; n: string }>(
    `select community_code, priority, count(*) as n from alerts where ${openWhere} group by 1, 2 order by 1, 2`,
    openParams,
  );
  const params: unknown[] = [];
  const periodWhere = where(me, f, params);
  const { rows } = await db.query<{
    raised: string;
    ack_breaches: string;
    visit_breaches: string;
    open_breached: string;
    median_ack: number | null;
    median_resolve: number | null;
  }>(
    `select count(*) as raised,
            count(acknowledge_breached_at) as ack_breaches,
            count(visit_breached_at) as visit_breaches,
            count(*) filter (where status in ('open', 'acknowledged', 'visiting')
                               and (acknowledge_breached_at is not null or visit_breached_at is not null)) as open_breached,
            percentile_cont(0.5) within group (order by extract(epoch from acknowledged_at - raised_at))
              filter (where acknowledged_at is not null) as median_ack,
            percentile_cont(0.5) within group (order by extract(epoch from closed_at - raised_at))
              filter (where status = 'resolved') as median_resolve
       from alerts where ${periodWhere}`,
    params,
  );
  const byPriority: Record<string, number> = { P1: 0, P2: 0, P3: 0, P4: 0 };
  const byCommunity = new Map<string, AlertStatistics['openByCommunity'][number]>();
  for (const r of open) {
    const n = Number(r.n);
    byPriority[r.priority] = (byPriority[r.priority] ?? 0) + n;
    const row = byCommunity.get(r.community_code) ?? {
      communityCode: r.community_code,
      P1: 0,
      P2: 0,
      P3: 0,
      P4: 0,
      total: 0,
    };
    row[r.priority as 'P1'] += n;
    row.total += n;
    byCommunity.set(r.community_code, row);
  }
  const s = rows[0];
  const round = (x: number | null | undefined) =>
    x === null || x === undefined ? null : Math.round(Number(x));
  return {
    openByPriority: byPriority,
    openByCommunity: [...byCommunity.values()],
    slaBreaches: {
      acknowledge: Number(s?.ack_breaches ?? 0),
      visit: Number(s?.visit_breaches ?? 0),
      openBreached: Number(s?.open_breached ?? 0),
    },
    medianSecondsToAcknowledge: round(s?.median_ack),
    medianSecondsToResolve: round(s?.median_resolve),
    raised: Number(s?.raised ?? 0),
  };
}
