import { AlertAssigned } from '@huimin/contracts';
import type { Logger } from '@huimin/kit';
import { type JobHandler, schedule } from '@huimin/pg';
import type pg from 'pg';
import { type Roster, type RosterSource, RosterUnavailable } from '../roster.ts';
import { addHistory, findAlert, saveAlert } from '../store/alert-store.ts';
import { adjustLoads, routingState, saveCursors } from '../store/intake-store.ts';
import { eventWriter, JOB_ROUTE, routingOf, SYSTEM } from './common.ts';

export interface Pick {
  userId: string;
  onBehalfOf?: string;
  reason: 'routed' | 'no-roster';
}

/**
 * The rosters of these communities, asked before any lock is taken (the roster client caches
 * them); a community whose roster identity cannot give now maps to undefined: its alerts open
 * unassigned and routing is retried.
 */
export async function resolveRosters(
  roster: RosterSource,
  communities: Iterable<string>,
  logger: Logger,
): Promise<Map<string, Roster | undefined>> {
  const codes = [...new Set(communities)];
  const answers = await Promise.all(
    codes.map(async (communityCode) => {
      try {
        return await roster.roster(communityCode);
      } catch (err: unknown) {
        if (!(err instanceof RosterUnavailable)) throw err;
        logger.warn(
          { err, communityCode },
          'roster unavailable: the alert opens unassigned and routing is retried',
        );
        return undefined;
      }
    }),
  );
  return new Map(codes.map((c, i) => [c, answers[i]]));
}

const candidatesOf = (r: Roster): { userId: string; onBehalfOf?: string | undefined }[] =>
  r.handlers.length > 0 ? r.handlers : r.supervisors.map((userId) => ({ userId }));

export interface RoutePlan {
  picks: (Pick | undefined)[];
  /** The cursors moved and the loads changed, for the caller to write. */
  cursors: Map<string, string>;
  loadDeltas: Map<string, number>;
}

/**
 * Routes a run of alerts, in order, with one read of the communities' cursors (locked) and the
 * candidates' load: the community's handlers on duty (delegates stand in during leave) with the
 * fewest live alerts, round robin among equals; the town's supervisors when nobody is on duty.
 * Each pick counts towards the next one's load.
 */
export async function planRoutes(
  client: pg.ClientBase,
  rosters: readonly (Roster | undefined)[],
): Promise<RoutePlan> {
  const routable = rosters.filter((r): r is Roster => r !== undefined && candidatesOf(r).length > 0);
  if (routable.length === 0)
    return { picks: rosters.map(() => undefined), cursors: new Map(), loadDeltas: new Map() };
  const { cursors, load } = await routingState(
    client,
    routable.map((r) => r.communityCode),
    [...new Set(routable.flatMap((r) => candidatesOf(r).map((p) => p.userId)))],
  );
  const moved = new Map<string, string>();
  const deltas = new Map<string, number>();
  const picks = rosters.map((r): Pick | undefined => {
    if (!r) return undefined;
    const candidates = candidatesOf(r);
    if (candidates.length === 0) return undefined;
    const last = cursors.get(r.communityCode) ?? '';
    const least = Math.min(...candidates.map((p) => load.get(p.userId) ?? 0));
    const tied = candidates
      .filter((p) => (load.get(p.userId) ?? 0) === least)
      .sort((a, b) => (a.userId < b.userId ? -1 : 1));
    const pick = tied.find((p) => p.userId > last) ?? tied[0];
    if (!pick) return undefined;
    cursors.set(r.communityCode, pick.userId);
    moved.set(r.communityCode, pick.userId);
    load.set(pick.userId, (load.get(pick.userId) ?? 0) + 1);
    deltas.set(pick.userId, (deltas.get(pick.userId) ?? 0) + 1);
    return {
      userId: pick.userId,
      ...(pick.onBehalfOf ? { onBehalfOf: pick.onBehalfOf } : {}),
      reason: r.handlers.length > 0 ? 'routed' : 'no-roster',
    };
  });
  return { picks, cursors: moved, loadDeltas: deltas };
}

/** Routes and writes the cursors and loads back (for a single alert outside intake). */
export async function routeMany(
  client: pg.ClientBase,
  rosters: readonly (Roster | undefined)[],
): Promise<(Pick | undefined)[]> {
  const plan = await planRoutes(client, rosters);
  await saveCursors(client, plan.cursors);
  await adjustLoads(client, plan.loadDeltas);
  return plan.picks;
}

/**
 * Routing retried for an alert nobody could take: after 10 min, then doubling up to 6 h (a
 * community without a roster or a town without a supervisor is a data gap someone must fix; the
 * alert is in every admin's list meanwhile). Keys `<alert id>#<attempt>`.
 */
export function routeJob(options: { roster: RosterSource; now: () => Date }): JobHandler {
  const { roster, now } = options;
  const event = eventWriter(now);
  return async (job, client) => {
    const [alertId = job.key, attemptText = '0'] = job.key.split('#');
    const attempt = Number(attemptText) || 0;
    const alert = await findAlert(client, alertId, { forUpdate: true });
    if (!alert || alert.assigneeUserId || !['open', 'acknowledged', 'visiting'].includes(alert.status))
      return;
    // Throws RosterUnavailable while identity is down: the scheduler retries the firing.
    const r = await roster.roster(alert.communityCode);
    const [pick] = await routeMany(client, [r]);
    const at = now();
    if (!pick) {
      const delayMs = Math.min(600_000 * 2 ** attempt, 6 * 3_600_000);
      await schedule(client, {
        kind: JOB_ROUTE,
        key: `${alert.id}#${attempt + 1}`,
        dueAt: new Date(at.getTime() + delayMs),
      });
      return;
    }
    alert.assigneeUserId = pick.userId;
    alert.onBehalfOf = pick.onBehalfOf ?? null;
    alert.updatedAt = at;
    await saveAlert(client, alert);
    await addHistory(client, {
      alertId: alert.id,
      at,
      actor: SYSTEM,
      action: 'assigned',
      detail: { to: pick.userId, reason: pick.reason },
    });
    await event(client, AlertAssigned, {
      ...routingOf(alert),
      ...(pick.onBehalfOf ? { onBehalfOf: pick.onBehalfOf } : {}),
      reason: pick.reason,
      by: SYSTEM,
      assignedAt: at.toISOString(),
    });
  };
}
