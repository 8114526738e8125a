import { AlertEvidenceAdded, AlertOpened, type EventDefinition, townOf } from '@huimin/contracts';
import { type EventRecord, eventRecord } from '@huimin/kafka';
import { AppError, type Logger } from '@huimin/kit';
import type { Static, TObject } from '@sinclair/typebox';
import type pg from 'pg';
import type { Counter, Histogram } from 'prom-client';
import { higher, type Priority, rank } from '../domain/priority.ts';
import { decide } from '../domain/rules.ts';
import { deadlinesFor } from '../domain/sla.ts';
import type { RosterSource } from '../roster.ts';
import type { AlertRow, StoredReason } from '../store/alert-store.ts';
import {
  alertNumber,
  type HistoryEntry,
  lockSubjects,
  reserveNumbers,
  type SignalLogEntry,
  subjectStates,
  writeBatch,
} from '../store/intake-store.ts';
import {
  JOB_ROUTE,
  type Policies,
  routingOf,
  type Signal,
  type SignalOutcome,
  SOURCE,
  SYSTEM,
  timersOf,
} from './common.ts';
import { planRoutes, resolveRosters } from './routing.ts';

/** One thing to open an alert for, or to merge into the subject's live alert of its type. */
export interface IntakeItem {
  subjectKey: string;
  householdId: string | null;
  residentId: string | null;
  type: string;
  title: string;
  priority: Priority;
  origin: 'signal' | 'manual';
  communityCode: string;
  reasons: StoredReason[];
  /** The id merged evidence is recorded under. */
  eventId: string;
  /** The sources an alert opened for it lists. */
  sourceEventIds: string[];
  actor: string;
}

export interface IntakeResult {
  outcome: 'opened' | 'merged' | 'suppressed';
  alertId: string;
  alert?: AlertRow;
}

const noWrites = {
  opened: [],
  merged: [],
  history: [],
  jobs: [],
  records: [],
  cursors: new Map<string, string>(),
  loadDeltas: new Map<string, number>(),
};

/**
 * Alert intake a batch at a time, in the caller's transaction: the rosters asked first (cached),
 * then one lock statement for the batch's subjects, one read of their live alerts and
 * suppressions, merging, suppression and routing decided in memory in the batch's order, the
 * year's numbers reserved in one statement, and one insert per table. The result is the same as
 * taking the items one at a time, in order.
 */
export function createIntake(options: {
  policies: Policies;
  roster: RosterSource;
  logger: Logger;
  now: () => Date;
  signalsTotal: Counter<'outcome'>;
  signalToAlert: Histogram;
}) {
  const { policies, roster, logger, now } = options;

  async function intake(
    client: pg.ClientBase,
    items: readonly IntakeItem[],
    opts: {
      suppress: boolean;
      /** The signal-log rows for these results, written with the batch. */
      log?: (results: IntakeResult[]) => SignalLogEntry[];
    },
  ): Promise<IntakeResult[]> {
    if (items.length === 0) return [];
    const { rules: r, sla: s } = await policies(client);
    const at = now();
    const rosters = await resolveRosters(
      roster,
      items.map((i) => i.communityCode),
      logger,
    );
    await lockSubjects(
      client,
      items.map((i) => `${i.subjectKey}|${i.type}`),
    );
    const states = await subjectStates(client, items, at);

    const current = new Map<string, { alert: AlertRow; isNew: boolean }>();
    const opened: AlertRow[] = [];
    const merged = new Map<string, AlertRow>();
    const moved = new Set<AlertRow>();
    // Rows that name an alert are built once the new alerts have their numbers, in decision order.
    const later: (() => void)[] = [];
    const history: HistoryEntry[] = [];
    const records: EventRecord[] = [];
    const emit = <T extends TObject>(def: EventDefinition<string, T>, payload: Static<T>) =>
      records.push(eventRecord(def, payload, { source: SOURCE, now }));

    const results = items.map((item): IntakeResult | { pending: AlertRow; outcome: 'opened' | 'merged' } => {
      const key = `${item.subjectKey}|${item.type}`;
      const state = states.get(key);
      const live = current.get(key) ?? (state?.live ? { alert: state.live, isNew: false } : undefined);
      if (live) {
        current.set(key, live);
        const a = live.alert;
        const previous = a.priority;
        const next = higher(previous, item.priority);
        // The same fact said again (a re-sent decision listing a gap already on the alert) is not
        // news. A withdrawn reason said again is news: its cause is back.
        const known = new Set(a.reasons.filter((x) => !x.withdrawnAt).map((x) => `${x.code}|${x.summary}`));
        const reasons = item.reasons.filter((x) => !known.has(`${x.code}|${x.summary}`));
        if (reasons.length === 0 && next === previous) return { pending: a, outcome: 'merged' };
        a.reasons = [...a.reasons, ...reasons].slice(-200);
        a.sourceEventIds = [...a.sourceEventIds, item.eventId].slice(-500);
        a.priority = next;
        a.updatedAt = at;
        let clocksMoved = false;
        if (next !== previous) {
          // A higher priority shortens the clocks still running; it never lengthens one.
          const d = deadlinesFor(s.body, next, at);
          if (a.status === 'open' && d.acknowledgeDueAt < a.acknowledgeDueAt) {
            a.acknowledgeDueAt = d.acknowledgeDueAt;
            clocksMoved = true;
          }
          if (a.status !== 'visiting' && d.visitDueAt < a.visitDueAt) {
            a.visitDueAt = d.visitDueAt;
            clocksMoved = true;
          }
        }
        if (!live.isNew) merged.set(a.id, a);
        if (clocksMoved) moved.add(a);
        const due = {
          acknowledgeDueAt: a.acknowledgeDueAt.toISOString(),
          visitDueAt: a.visitDueAt.toISOString(),
        };
        later.push(() => {
          history.push({
            alertId: a.id,
            at,
            actor: SYSTEM,
            action: 'evidence-added',
            detail: {
              reasons: reasons.map((x) => x.code),
              sourceEventId: item.eventId,
              priority: next,
              previousPriority: previous,
            },
          });
          emit(AlertEvidenceAdded, {
            ...routingOf(a),
            priority: next,
            previousPriority: previous,
            reasons: reasons.slice(0, 20).map((x) => ({ code: x.code, summary: x.summary.slice(0, 200) })),
            sourceEventIds: [item.eventId],
            addedAt: at.toISOString(),
            ...(clocksMoved ? due : {}),
          });
        });
        return { pending: a, outcome: 'merged' };
      }
      const suppressed = state?.suppressed;
      if (opts.suppress && suppressed && rank(item.priority) >= rank(suppressed.priority))
        return { outcome: 'suppressed', alertId: suppressed.alertId };
      const townCode = townOf(item.communityCode)?.code;
      if (!townCode)
        throw new AppError('INVALID_ALERT', `community ${item.communityCode} is not in the county`);
      const deadlines = deadlinesFor(s.body, item.priority, at);
      const a: AlertRow = {
        id: '',
        subjectKey: item.subjectKey,
        householdId: item.householdId,
        residentId: item.residentId,
        type: item.type,
        title: item.title,
        priority: item.priority,
        origin: item.origin,
        communityCode: item.communityCode,
        townCode,
        assigneeUserId: null,
        onBehalfOf: null,
        status: 'open',
        outcome: null,
        dismissReason: null,
        reasons: item.reasons,
        sourceEventIds: item.sourceEventIds,
        rulesVersion: r.version,
        slaVersion: s.version,
        raisedAt: at,
        acknowledgeDueAt: deadlines.acknowledgeDueAt,
        visitDueAt: deadlines.visitDueAt,
        acknowledgedAt: null,
        visitStartedAt: null,
        closedAt: null,
        acknowledgeBreachedAt: null,
        visitBreachedAt: null,
        updatedAt: at,
      };
      current.set(key, { alert: a, isNew: true });
      opened.push(a);
      const snapshot = { priority: a.priority, reasons: item.reasons, sources: item.sourceEventIds };
      later.push(() => {
        history.push({
          alertId: a.id,
          at,
          actor: item.actor,
          action: 'raised',
          detail: { priority: snapshot.priority, type: a.type, reasons: snapshot.reasons.map((x) => x.code) },
        });
        if (a.assigneeUserId)
          history.push({
            alertId: a.id,
            at,
            actor: SYSTEM,
            action: 'assigned',
            detail: {
              to: a.assigneeUserId,
              reason: routedBy.get(a) ?? 'routed',
              ...(a.onBehalfOf ? { onBehalfOf: a.onBehalfOf } : {}),
            },
          });
        const route = routedBy.get(a);
        emit(AlertOpened, {
          ...routingOf(a),
          routedBy: !a.assigneeUserId
            ? 'unassigned'
            : route === 'no-roster'
              ? 'supervisors'
              : a.onBehalfOf
                ? 'delegate'
                : 'roster',
          ...(a.householdId ? { householdId: a.householdId } : {}),
          ...(a.residentId ? { residentId: a.residentId } : {}),
          type: a.type,
          title: a.title,
          priority: snapshot.priority,
          origin: a.origin,
          reasons: snapshot.reasons
            .slice(0, 20)
            .map((x) => ({ code: x.code, summary: x.summary.slice(0, 200) })),
          sourceEventIds: snapshot.sources.slice(0, 50),
          raisedAt: at.toISOString(),
          acknowledgeDueAt: deadlines.acknowledgeDueAt.toISOString(),
          visitDueAt: deadlines.visitDueAt.toISOString(),
        });
      });
      return { pending: a, outcome: 'opened' };
    });

    // Routing in the batch's order, then the numbers: the year's counter row is the last lock taken.
    const routedBy = new Map<AlertRow, 'routed' | 'no-roster'>();
    const jobs: { kind: string; key: string; dueAt: Date }[] = [];
    let routes: { cursors: Map<string, string>; loadDeltas: Map<string, number> } = {
      cursors: new Map(),
      loadDeltas: new Map(),
    };
    if (opened.length > 0) {
      const plan = await planRoutes(
        client,
        opened.map((a) => rosters.get(a.communityCode)),
      );
      routes = plan;
      const picks = plan.picks;
      const year = Number(at.toISOString().slice(0, 4));
      const first = await reserveNumbers(client, year, opened.length);
      for (const [i, a] of opened.entries()) {
        a.id = alertNumber(year, first + i);
        const pick = picks[i];
        if (pick) {
          a.assigneeUserId = pick.userId;
          a.onBehalfOf = pick.onBehalfOf ?? null;
          routedBy.set(a, pick.reason);
        } else {
          // Nobody to route to now (identity unreachable, or neither handlers nor supervisors): retry.
          jobs.push({ kind: JOB_ROUTE, key: a.id, dueAt: new Date(at.getTime() + 30_000) });
        }
        jobs.push(...timersOf(a));
      }
    }
    for (const a of moved) jobs.push(...timersOf(a));
    for (const step of later) step();

    const done = results.map((x) =>
      'pending' in x ? { outcome: x.outcome, alertId: x.pending.id, alert: x.pending } : x,
    );
    await writeBatch(client, {
      opened,
      merged: [...merged.values()],
      history,
      jobs,
      records,
      signals: opts.log?.(done) ?? [],
      ...routes,
    });
    return done;
  }

  /** Signals to alerts, in order, with their signal-log rows. */
  async function take(client: pg.ClientBase, signals: readonly Signal[]): Promise<SignalOutcome[]> {
    if (signals.length === 0) return [];
    const { rules: r } = await policies(client);
    const at = now();
    const items: IntakeItem[] = [];
    const plan = signals.map((signal) => {
      const verdict = decide(r.body, signal.code);
      const subjectKey = signal.householdId ?? `person:${signal.residentId}`;
      if (verdict.action === 'ignore') return { signal, subjectKey, index: -1 };
      items.push({
        subjectKey,
        householdId: signal.householdId ?? null,
        residentId: signal.residentId ?? null,
        type: verdict.type,
        title: verdict.title,
        priority: verdict.priority,
        origin: 'signal',
        communityCode: signal.communityCode,
        reasons: signal.reasons.map((x) => ({ ...x, at: at.toISOString(), sourceEventId: signal.eventId })),
        eventId: signal.eventId,
        sourceEventIds: [signal.eventId],
        actor: SYSTEM,
      });
      return { signal, subjectKey, index: items.length - 1 };
    });
    let log: SignalLogEntry[] = [];
    const entries = (results: IntakeResult[]) => {
      log = plan.map(({ signal, subjectKey, index }) => {
        const result = results[index];
        return {
          eventId: signal.eventId,
          eventType: signal.eventType,
          subjectKey,
          alertId: result?.alertId ?? null,
          outcome: result?.outcome ?? 'ignored',
          at,
        };
      });
      return log;
    };
    if (items.length > 0) await intake(client, items, { suppress: true, log: entries });
    else await writeBatch(client, { ...noWrites, signals: entries([]) });
    for (const [i, entry] of log.entries()) {
      const outcome = entry.outcome as SignalOutcome;
      options.signalsTotal.inc({ outcome });
      const raisedAt = signals[i]?.raisedAt;
      if (raisedAt && (outcome === 'opened' || outcome === 'merged'))
        options.signalToAlert.observe(Math.max(0, at.getTime() - raisedAt.getTime()) / 1000);
    }
    return log.map((e) => e.outcome as SignalOutcome);
  }

  /**
   * Turns signals into alerts, in the caller's transaction (the consumer's, with the inbox rows):
   * opens, merges the evidence into the live alert of that type, or records why not. The partial
   * unique index on live alerts is the last guard against twins: if it refuses a batch's alert,
   * the statement fails, the consumer's transaction rolls back (the reserved numbers with it) and
   * the runner takes the batch's signals one at a time.
   */
  const handleSignals = (client: pg.ClientBase, signals: readonly Signal[]) => take(client, signals);

  return { intake, handleSignals };
}
