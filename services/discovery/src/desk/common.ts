import { hasRole, inJurisdiction, type UserPrincipal } from '@huimin/auth';
import type { EventDefinition } from '@huimin/contracts';
import { appendEvent } from '@huimin/kafka';
import { AppError } from '@huimin/kit';
import type { Static, TObject } from '@sinclair/typebox';
import type pg from 'pg';
import type { Reason } from '../domain/reasons.ts';
import type { RuleSet, SignalCode } from '../domain/rules.ts';
import type { SlaPolicy } from '../domain/sla.ts';
import type { AlertRow } from '../store/alert-store.ts';
import type { PolicyVersion } from '../store/policy-store.ts';

export const SOURCE = '/huimin/discovery';
export const SYSTEM = 'system';
export const DAY_MS = 86_400_000;

export const JOB_ACKNOWLEDGE = 'sla-acknowledge';
export const JOB_VISIT = 'sla-visit';
export const JOB_ROUTE = 'route';

/** What a signal consumer hands the desk: a fact about a household (or a person), already in Chinese. */
export interface Signal {
  eventId: string;
  eventType: string;
  code: SignalCode;
  householdId?: string | undefined;
  residentId?: string | undefined;
  communityCode: string;
  reasons: Reason[];
  /** When the signal was raised upstream (for signal → alert latency). */
  raisedAt?: Date;
}

export type SignalOutcome = 'opened' | 'merged' | 'suppressed' | 'ignored';

/** The rules and SLA policy in force (cached; other replicas may change them). */
export type Policies = (
  db?: pg.ClientBase | pg.Pool,
) => Promise<{ rules: PolicyVersion<RuleSet>; sla: PolicyVersion<SlaPolicy> }>;

export const WRITERS = ['case-handler', 'town-supervisor', 'bureau-admin'] as const;
export const READERS = [...WRITERS, 'auditor'] as const;

export function mayRead(me: UserPrincipal, alert: Pick<AlertRow, 'communityCode'>): boolean {
  return hasRole(me, ...READERS) && inJurisdiction(me, alert.communityCode);
}
export function mayWrite(me: UserPrincipal, alert: Pick<AlertRow, 'communityCode'>): boolean {
  return hasRole(me, ...WRITERS) && inJurisdiction(me, alert.communityCode);
}

export const notFound = (id: string) => new AppError('ALERT_NOT_FOUND', `no alert ${id} that you may see`);
export const subjectNotFound = () =>
  new AppError('NOT_FOUND', 'no such household or person in your jurisdiction');

/** The routing fields every alert event carries. */
export const routingOf = (a: AlertRow) => ({
  alertId: a.id,
  communityCode: a.communityCode,
  townCode: a.townCode,
  ...(a.assigneeUserId ? { assigneeUserId: a.assigneeUserId } : {}),
});

export function eventWriter(now: () => Date) {
  return async function event<T extends TObject>(
    client: pg.ClientBase,
    def: EventDefinition<string, T>,
    payload: Static<T>,
  ) {
    await appendEvent(client, def, payload, { source: SOURCE, now });
  };
}

/** The SLA firings an alert's status keeps running. */
export function timersOf(a: AlertRow): { kind: string; key: string; dueAt: Date }[] {
  const jobs: { kind: string; key: string; dueAt: Date }[] = [];
  if (a.status === 'open') jobs.push({ kind: JOB_ACKNOWLEDGE, key: a.id, dueAt: a.acknowledgeDueAt });
  if (a.status === 'open' || a.status === 'acknowledged')
    jobs.push({ kind: JOB_VISIT, key: a.id, dueAt: a.visitDueAt });
  return jobs;
}
