// Who receives a community's alerts at a given instant: its rostered handlers, each replaced by
// their delegate while on leave (following the chain when the delegate is away too).

export interface Leave {
  userId: string;
  startsAt: Date;
  endsAt: Date;
  delegateId: string;
  /** A cancelled leave (or one cut short) ends here, if that is before endsAt. */
  cancelledAt?: Date | null;
}

export interface OnDuty {
  userId: string;
  /** Set when this person stands in for a rostered handler on leave. */
  onBehalfOf?: string;
}

export interface Routing {
  handlers: OnDuty[];
  /** Rostered handlers nobody stands in for (disabled, or a chain of leave with no one at the end). */
  uncovered: string[];
}

/** A chain longer than this is a data problem, not a staffing plan: treat it as uncovered. */
const MAX_HOPS = 5;

/** The leave `userId` is on at `at`: [startsAt, min(endsAt, cancelledAt)). */
export function leaveAt(userId: string, leaves: readonly Leave[], at: Date): Leave | undefined {
  return leaves.find((l) => l.userId === userId && l.startsAt <= at && at < effectiveEnd(l));
}

export function effectiveEnd(leave: Leave): Date {
  return leave.cancelledAt && leave.cancelledAt < leave.endsAt ? leave.cancelledAt : leave.endsAt;
}

/**
 * Routes a community's alerts at `at`. `active` holds the users who may receive alerts (not
 * disabled). A delegate who is rostered too is listed once.
 */
export function routeAlerts(
  rostered: readonly string[],
  leaves: readonly Leave[],
  active: ReadonlySet<string>,
  at: Date,
): Routing {
  const handlers: OnDuty[] = [];
  const uncovered: string[] = [];
  const seen = new Set<string>();
  for (const userId of rostered) {
    const reached = standingIn(userId, leaves, active, at);
    if (reached === undefined) {
      uncovered.push(userId);
      continue;
    }
    if (seen.has(reached)) continue;
    seen.add(reached);
    handlers.push(reached === userId ? { userId } : { userId: reached, onBehalfOf: userId });
  }
  return { handlers, uncovered };
}

/** Who handles `userId`'s work at `at`: themself, the end of their delegation chain, or nobody. */
function standingIn(
  userId: string,
  leaves: readonly Leave[],
  active: ReadonlySet<string>,
  at: Date,
): string | undefined {
  let current = userId;
  const visited = new Set<string>();
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    if (!active.has(current) || visited.has(current)) return undefined;
    visited.add(current);
    const leave = leaveAt(current, leaves, at);
    if (!leave) return current;
    current = leave.delegateId;
  }
  return undefined;
}

/**
 * The handlers `delegateId` stands in for at `at`, directly or down a chain (A's delegate B is
 * away too and delegated to C: C stands in for B and A). Their communities join C's token, so
 * C can open the alerts routed to them.
 */
export function standsInFor(delegateId: string, leaves: readonly Leave[], at: Date): string[] {
  const found: string[] = [];
  const queue = [delegateId];
  for (let hop = 0; hop < MAX_HOPS && queue.length > 0; hop++) {
    const next: string[] = [];
    for (const person of queue) {
      for (const leave of leaves) {
        if (leave.delegateId !== person || leave.userId === delegateId || found.includes(leave.userId))
          continue;
        if (leave.startsAt <= at && at < effectiveEnd(leave)) {
          found.push(leave.userId);
          next.push(leave.userId);
        }
      }
    }
    queue.splice(0, queue.length, ...next);
  }
  return found;
}

/** Whether two leaves of one person overlap in time (a person is on one leave at a time). */
export function overlaps(a: Pick<Leave, 'startsAt' | 'endsAt'>, b: Leave): boolean {
  return a.startsAt < effectiveEnd(b) && b.startsAt < a.endsAt;
}
