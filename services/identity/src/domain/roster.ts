export interface Leave {
  userId: string;
  startsAt: Date;
  endsAt: Date;
  delegateId: string;
}

export interface OnDuty {
  userId: string;
  /** Set when this person stands in for a handler on leave. */
  onBehalfOf?: string;
}

/**
 * Who handles a community's alerts at `at`: its rostered handlers, except that a handler on leave
 * is replaced by their delegate for the leave's duration [startsAt, endsAt). A delegate who is
 * already on the roster is listed once.
 */
export function handlersOnDuty(rostered: readonly string[], leaves: readonly Leave[], at: Date): OnDuty[] {
  const onDuty: OnDuty[] = [];
  const seen = new Set<string>();
  for (const userId of rostered) {
    const leave = leaves.find((l) => l.userId === userId && l.startsAt <= at && at < l.endsAt);
    const entry: OnDuty = leave ? { userId: leave.delegateId, onBehalfOf: userId } : { userId };
    if (seen.has(entry.userId)) continue;
    seen.add(entry.userId);
    onDuty.push(entry);
  }
  return onDuty;
}
