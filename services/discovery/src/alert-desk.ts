import { randomUUID } from 'node:crypto';
import { hasRole, inJurisdiction, type UserPrincipal } from '@huimin/auth';
import {
  AlertAssigned,
  AlertClosed,
  AlertDismissed,
  AlertEvidenceAdded,
  AlertNoteAdded,
  AlertOpened,
  AlertSlaBreached,
  AlertTaken,
  AlertVisitStarted,
  type EventDefinition,
  townOf,
} from '@huimin/contracts';
import { appendEvent } from '@huimin/kafka';
import { AppError, type Logger } from '@huimin/kit';
import { cancel, type JobHandler, schedule, withTransaction } from '@huimin/pg';
import type { Static, TObject } from '@sinclair/typebox';
import type pg from 'pg';
import { Counter, Histogram, type Registry } from 'prom-client';
import { higher, type Priority, rank } from './domain/priority.ts';
import type { Reason } from './domain/reasons.ts';
import { decide, defaultRuleSet, type RuleSet, type SignalCode, titleOf } from './domain/rules.ts';
import { deadlinesFor, defaultSlaPolicy, type SlaPolicy } from './domain/sla.ts';
import { type Roster, type RosterSource, RosterUnavailable } from './roster.ts';
import { appendRulesForNewSignals } from './rules-upgrade.ts';
import {
  type AlertRow,
  addHistory,
  adjustLoad,
  findAlert,
  findLiveAlert,
  insertAlert,
  nextAlertId,
  openLoad,
  recordSignal,
  type StoredReason,
  saveAlert,
} from './store/alert-store.ts';
import { currentPolicy, type PolicyVersion, seedPolicy } from './store/policy-store.ts';
import { registeredPlace, unverifiedKey } from './store/registry.ts';

const SOURCE = '/huimin/discovery';
const SYSTEM = 'system';
const DAY_MS = 86_400_000;

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

export const JOB_ACKNOWLEDGE = 'sla-acknowledge';
export const JOB_VISIT = 'sla-visit';
export const JOB_ROUTE = 'route';

export const outcomes = ['enrolled', 'referred', 'temporary-assistance', 'no-need', 'unreachable'] as const;
export const dismissReasons = [
  'duplicate',
  'data-error',
  'already-assisted',
  'moved-away',
  'deceased',
  'other',
] as const;

const WRITERS = ['case-handler', 'town-supervisor', 'bureau-admin'] as const;
const READERS = [...WRITERS, 'auditor'] as const;

export function mayRead(me: UserPrincipal, alert: Pick<AlertRow, 'communityCode'>): boolean {
  return hasRole(me, ...READERS) && inJurisdiction(me, alert.communityCode);
}
export function mayWrite(me: UserPrincipal, alert: Pick<AlertRow, 'communityCode'>): boolean {
  return hasRole(me, ...WRITERS) && inJurisdiction(me, alert.communityCode);
}

const notFound = (id: string) => new AppError('ALERT_NOT_FOUND', `no alert ${id} that you may see`);
const subjectNotFound = () => new AppError('NOT_FOUND', 'no such household or person in your jurisdiction');

export interface AlertDeskOptions {
  pool: pg.Pool;
  roster: RosterSource;
  logger: Logger;
  registry?: Registry;
  now?: () => Date;
  dismissSuppressDays?: number;
}

export type AlertDesk = ReturnType<typeof createAlertDesk>;

export function createAlertDesk(options: AlertDeskOptions) {
  const { pool, roster, logger } = options;
  const now = options.now ?? (() => new Date());
  const suppressDays = options.dismissSuppressDays ?? 30;
  const registers = options.registry ? [options.registry] : [];
  const signalsTotal = new Counter({
    name: 'huimin_discovery_signals_total',
    help: 'signals handled, by outcome (opened, merged, suppressed, ignored)',
    labelNames: ['outcome'],
    registers,
  });
  const breaches = new Counter({
    name: 'huimin_discovery_sla_breaches_total',
    help: 'SLA clocks that ran out (each escalated once), by town, clock and priority',
    labelNames: ['town', 'clock', 'priority'],
    registers,
  });
  const signalToAlert = new Histogram({
    name: 'huimin_discovery_signal_to_alert_seconds',
    help: 'from the upstream signal to the alert opened or merged',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });

  let rules: PolicyVersion<RuleSet> | undefined;
  let sla: PolicyVersion<SlaPolicy> | undefined;
  let loadedAt = 0;
  /** Policies are data other replicas may change: re-read at most every few seconds. */
  async function policies(db: pg.ClientBase | pg.Pool = pool) {
    if (!rules || !sla || now().getTime() - loadedAt > 5000 || loadedAt > now().getTime()) {
      rules = await currentPolicy<RuleSet>(db, 'rules');
      sla = await currentPolicy<SlaPolicy>(db, 'sla');
      loadedAt = now().getTime();
      if (!rules || !sla)
        throw new Error('discovery has no rules or SLA policy: was it started with createApp?');
    }
    return { rules, sla } as { rules: PolicyVersion<RuleSet>; sla: PolicyVersion<SlaPolicy> };
  }

  async function event<T extends TObject>(
    client: pg.ClientBase,
    def: EventDefinition<string, T>,
    payload: Static<T>,
  ) {
    await appendEvent(client, def, payload, { source: SOURCE, now });
  }

  const routing = (a: AlertRow) => ({
    alertId: a.id,
    communityCode: a.communityCode,
    townCode: a.townCode,
    ...(a.assigneeUserId ? { assigneeUserId: a.assigneeUserId } : {}),
  });

  async function armTimers(client: pg.ClientBase, a: AlertRow) {
    if (a.status === 'open')
      await schedule(client, { kind: JOB_ACKNOWLEDGE, key: a.id, dueAt: a.acknowledgeDueAt });
    if (a.status === 'open' || a.status === 'acknowledged')
      await schedule(client, { kind: JOB_VISIT, key: a.id, dueAt: a.visitDueAt });
  }

  /**
   * Picks the assignee: the community's handlers on duty (delegates stand in during leave) with
   * the fewest live alerts, round robin among equals; the town's supervisors when nobody is on duty.
   */
  async function choose(
    client: pg.ClientBase,
    r: Roster,
  ): Promise<{ userId: string; onBehalfOf?: string; reason: 'routed' | 'no-roster' } | undefined> {
    const pool: { userId: string; onBehalfOf?: string | undefined }[] =
      r.handlers.length > 0 ? r.handlers : r.supervisors.map((userId) => ({ userId }));
    if (pool.length === 0) return undefined;
    await client.query(
      `insert into routing_cursor (community_code, last_user_id) values ($1, '') on conflict do nothing`,
      [r.communityCode],
    );
    const { rows } = await client.query<{ last_user_id: string }>(
      'select last_user_id from routing_cursor where community_code = $1 for update',
      [r.communityCode],
    );
    const last = rows[0]?.last_user_id ?? '';
    const load = await openLoad(
      client,
      pool.map((p) => p.userId),
    );
    const least = Math.min(...pool.map((p) => load.get(p.userId) ?? 0));
    const tied = pool
      .filter((p) => (load.get(p.userId) ?? 0) === least)
      .sort((a, b) => (a.userId < b.userId ? -1 : 1));
    const pick = tied.find((p) => p.userId > last) ?? tied[0];
    if (!pick) return undefined;
    await client.query('update routing_cursor set last_user_id = $2 where community_code = $1', [
      r.communityCode,
      pick.userId,
    ]);
    return {
      userId: pick.userId,
      ...(pick.onBehalfOf ? { onBehalfOf: pick.onBehalfOf } : {}),
      reason: r.handlers.length > 0 ? 'routed' : 'no-roster',
    };
  }

  /** The roster, or undefined when identity cannot answer now (the alert opens unassigned). */
  async function tryRoster(communityCode: string): Promise<Roster | undefined> {
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
  }

  async function open(
    client: pg.ClientBase,
    input: {
      subjectKey: string;
      householdId: string | null;
      residentId: string | null;
      type: string;
      title: string;
      priority: Priority;
      origin: 'signal' | 'manual';
      communityCode: string;
      reasons: StoredReason[];
      sourceEventIds: string[];
      actor: string;
    },
  ): Promise<AlertRow> {
    const { rules: r, sla: s } = await policies(client);
    const at = now();
    const townCode = townOf(input.communityCode)?.code;
    if (!townCode)
      throw new AppError('INVALID_ALERT', `community ${input.communityCode} is not in the county`);
    const deadlines = deadlinesFor(s.body, input.priority, at);
    const rosterNow = await tryRoster(input.communityCode);
    const alert: AlertRow = {
      id: await nextAlertId(client, Number(at.toISOString().slice(0, 4))),
      subjectKey: input.subjectKey,
      householdId: input.householdId,
      residentId: input.residentId,
      type: input.type,
      title: input.title,
      priority: input.priority,
      origin: input.origin,
      communityCode: input.communityCode,
      townCode,
      assigneeUserId: null,
      onBehalfOf: null,
      status: 'open',
      outcome: null,
      dismissReason: null,
      reasons: input.reasons,
      sourceEventIds: input.sourceEventIds,
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
    const pick = rosterNow ? await choose(client, rosterNow) : undefined;
    if (pick) {
      alert.assigneeUserId = pick.userId;
      alert.onBehalfOf = pick.onBehalfOf ?? null;
    }
    await insertAlert(client, alert);
    await adjustLoad(client, alert.assigneeUserId, 1);
    await addHistory(client, {
      alertId: alert.id,
      at,
      actor: input.actor,
      action: 'raised',
      detail: { priority: alert.priority, type: alert.type, reasons: input.reasons.map((x) => x.code) },
    });
    if (pick) {
      await addHistory(client, {
        alertId: alert.id,
        at,
        actor: SYSTEM,
        action: 'assigned',
        detail: {
          to: pick.userId,
          reason: pick.reason,
          ...(pick.onBehalfOf ? { onBehalfOf: pick.onBehalfOf } : {}),
        },
      });
    } else {
      // Nobody to route to now (identity unreachable, or neither handlers nor supervisors): retry.
      await schedule(client, { kind: JOB_ROUTE, key: alert.id, dueAt: new Date(at.getTime() + 30_000) });
    }
    await armTimers(client, alert);
    await event(client, AlertOpened, {
      ...routing(alert),
      ...(alert.householdId ? { householdId: alert.householdId } : {}),
      ...(alert.residentId ? { residentId: alert.residentId } : {}),
      type: alert.type,
      title: alert.title,
      priority: alert.priority,
      origin: alert.origin,
      reasons: input.reasons.slice(0, 20).map((x) => ({ code: x.code, summary: x.summary.slice(0, 200) })),
      sourceEventIds: input.sourceEventIds.slice(0, 50),
      raisedAt: at.toISOString(),
      acknowledgeDueAt: alert.acknowledgeDueAt.toISOString(),
      visitDueAt: alert.visitDueAt.toISOString(),
    });
    return alert;
  }

  /** Serialises everything that opens or merges alerts for one subject and type, across replicas. */
  async function lockSubject(client: pg.ClientBase, subjectKey: string, type: string) {
    await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `alert|${subjectKey}|${type}`,
    ]);
  }

  async function merge(
    client: pg.ClientBase,
    live: AlertRow,
    signal: Signal,
    priority: Priority,
    reasons: StoredReason[],
  ) {
    const { sla: s } = await policies(client);
    const at = now();
    const previous = live.priority;
    const next = higher(previous, priority);
    // The same fact said again (a re-sent decision listing a gap already on the alert) is not news.
    // A withdrawn reason said again is news: its cause is back.
    const known = new Set(live.reasons.filter((x) => !x.withdrawnAt).map((x) => `${x.code}|${x.summary}`));
    reasons = reasons.filter((x) => !known.has(`${x.code}|${x.summary}`));
    if (reasons.length === 0 && next === previous) return;
    live.reasons = [...live.reasons, ...reasons].slice(-200);
    live.sourceEventIds = [...live.sourceEventIds, signal.eventId].slice(-500);
    live.priority = next;
    live.updatedAt = at;
    let moved = false;
    if (next !== previous) {
      // A higher priority shortens the clocks still running; it never lengthens one.
      const d = deadlinesFor(s.body, next, at);
      if (live.status === 'open' && d.acknowledgeDueAt < live.acknowledgeDueAt) {
        live.acknowledgeDueAt = d.acknowledgeDueAt;
        moved = true;
      }
      if (live.status !== 'visiting' && d.visitDueAt < live.visitDueAt) {
        live.visitDueAt = d.visitDueAt;
        moved = true;
      }
    }
    await saveAlert(client, live);
    if (moved) await armTimers(client, live);
    await addHistory(client, {
      alertId: live.id,
      at,
      actor: SYSTEM,
      action: 'evidence-added',
      detail: {
        reasons: reasons.map((x) => x.code),
        sourceEventId: signal.eventId,
        priority: next,
        previousPriority: previous,
      },
    });
    await event(client, AlertEvidenceAdded, {
      ...routing(live),
      priority: next,
      previousPriority: previous,
      reasons: reasons.slice(0, 20).map((x) => ({ code: x.code, summary: x.summary.slice(0, 200) })),
      sourceEventIds: [signal.eventId],
      addedAt: at.toISOString(),
      ...(moved
        ? { acknowledgeDueAt: live.acknowledgeDueAt.toISOString(), visitDueAt: live.visitDueAt.toISOString() }
        : {}),
    });
  }

  /**
   * Turns a signal into an alert, in the caller's transaction (the consumer's, with its inbox row):
   * opens one, merges the evidence into the live alert of that type, or records why not.
   */
  async function handleSignal(client: pg.ClientBase, signal: Signal): Promise<SignalOutcome> {
    const { rules: r } = await policies(client);
    const verdict = decide(r.body, signal.code);
    const subjectKey = signal.householdId ?? `person:${signal.residentId}`;
    const at = now();
    const log = async (outcome: SignalOutcome, alertId?: string) => {
      await recordSignal(client, {
        eventId: signal.eventId,
        eventType: signal.eventType,
        subjectKey,
        ...(alertId ? { alertId } : {}),
        outcome,
        at,
      });
      signalsTotal.inc({ outcome });
      if (signal.raisedAt && (outcome === 'opened' || outcome === 'merged'))
        signalToAlert.observe(Math.max(0, at.getTime() - signal.raisedAt.getTime()) / 1000);
      return outcome;
    };
    if (verdict.action === 'ignore') return log('ignored');
    const reasons: StoredReason[] = signal.reasons.map((x) => ({
      ...x,
      at: at.toISOString(),
      sourceEventId: signal.eventId,
    }));
    await lockSubject(client, subjectKey, verdict.type);
    const live = await findLiveAlert(client, subjectKey, verdict.type);
    if (live) {
      await merge(client, live, signal, verdict.priority, reasons);
      return log('merged', live.id);
    }
    const { rows } = await client.query<{ priority: Priority; alert_id: string }>(
      'select priority, alert_id from suppressions where subject_key = $1 and type = $2 and until > $3',
      [subjectKey, verdict.type, at],
    );
    const suppressed = rows[0];
    if (suppressed && rank(verdict.priority) >= rank(suppressed.priority))
      return log('suppressed', suppressed.alert_id);
    const alert = await open(client, {
      subjectKey,
      householdId: signal.householdId ?? null,
      residentId: signal.residentId ?? null,
      type: verdict.type,
      title: verdict.title,
      priority: verdict.priority,
      origin: 'signal',
      communityCode: signal.communityCode,
      reasons,
      sourceEventIds: [signal.eventId],
      actor: SYSTEM,
    });
    return log('opened', alert.id);
  }

  /** Loads the alert for a person's change: 404 when it is not theirs to change. */
  async function forChange(client: pg.ClientBase, id: string, me: UserPrincipal): Promise<AlertRow> {
    const alert = await findAlert(client, id, { forUpdate: true });
    if (!alert || !mayWrite(me, alert)) throw notFound(id);
    return alert;
  }

  function requireStatus(alert: AlertRow, ...allowed: AlertRow['status'][]) {
    if (!allowed.includes(alert.status))
      throw new AppError('INVALID_STATE', `the alert is ${alert.status}`, { status: alert.status });
  }

  async function change<T>(
    id: string,
    me: UserPrincipal,
    act: (client: pg.PoolClient, alert: AlertRow, at: Date) => Promise<T>,
  ) {
    return withTransaction(pool, async (client) => {
      const alert = await forChange(client, id, me);
      return act(client, alert, now());
    });
  }

  async function stopTimers(client: pg.ClientBase, a: AlertRow) {
    if (a.status !== 'open') await cancel(client, JOB_ACKNOWLEDGE, a.id);
    if (a.status !== 'open' && a.status !== 'acknowledged') await cancel(client, JOB_VISIT, a.id);
  }

  /** Ends an alert: its clocks stop and it leaves its assignee's live load. */
  async function closeAlert(client: pg.ClientBase, a: AlertRow, status: 'resolved' | 'dismissed', at: Date) {
    a.status = status;
    a.closedAt = at;
    a.updatedAt = at;
    await saveAlert(client, a);
    await adjustLoad(client, a.assigneeUserId, -1);
    await stopTimers(client, a);
  }

  /** Escalation when a clock runs out: exactly once per clock (the job is unique per alert and clock). */
  function breachJob(clock: 'acknowledge' | 'visit'): JobHandler {
    return async (job, client) => {
      const alert = await findAlert(client, job.key, { forUpdate: true });
      if (!alert) return;
      const running =
        clock === 'acknowledge'
          ? alert.status === 'open'
          : alert.status === 'open' || alert.status === 'acknowledged';
      const due = clock === 'acknowledge' ? alert.acknowledgeDueAt : alert.visitDueAt;
      const already = clock === 'acknowledge' ? alert.acknowledgeBreachedAt : alert.visitBreachedAt;
      if (!running || already || due > now()) return;
      // Throws RosterUnavailable while identity is down: the scheduler retries the firing.
      const r = await roster.roster(alert.communityCode);
      const at = now();
      if (clock === 'acknowledge') alert.acknowledgeBreachedAt = at;
      else alert.visitBreachedAt = at;
      alert.updatedAt = at;
      await saveAlert(client, alert);
      await addHistory(client, {
        alertId: alert.id,
        at,
        actor: SYSTEM,
        action: 'sla-breached',
        detail: { clock, dueAt: due.toISOString(), escalatedTo: r.supervisors },
      });
      await event(client, AlertSlaBreached, {
        ...routing(alert),
        priority: alert.priority,
        clock,
        dueAt: due.toISOString(),
        escalatedTo: {
          role: 'town-supervisor',
          townCode: alert.townCode,
          userIds: r.supervisors.slice(0, 20),
        },
        escalatedAt: at.toISOString(),
      });
      breaches.inc({ town: alert.townCode, clock, priority: alert.priority });
    };
  }

  /**
   * Routing retried for an alert nobody could take: after 10 min, then doubling up to 6 h (a
   * community without a roster or a town without a supervisor is a data gap someone must fix; the
   * alert is in every admin's list meanwhile). Keys `<alert id>#<attempt>`.
   */
  const routeJob: JobHandler = async (job, client) => {
    const [alertId = job.key, attemptText = '0'] = job.key.split('#');
    const attempt = Number(attemptText) || 0;
    const alert = await findAlert(client, alertId, { forUpdate: true });
    if (!alert || alert.assigneeUserId || !['open', 'acknowledged', 'visiting'].includes(alert.status))
      return;
    const r = await roster.roster(alert.communityCode);
    const pick = await choose(client, r);
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
    await adjustLoad(client, pick.userId, 1);
    await addHistory(client, {
      alertId: alert.id,
      at,
      actor: SYSTEM,
      action: 'assigned',
      detail: { to: pick.userId, reason: pick.reason },
    });
    await event(client, AlertAssigned, {
      ...routing(alert),
      ...(pick.onBehalfOf ? { onBehalfOf: pick.onBehalfOf } : {}),
      reason: pick.reason,
      by: SYSTEM,
      assignedAt: at.toISOString(),
    });
  };

  return {
    policies,
    handleSignal,
    jobs: {
      [JOB_ACKNOWLEDGE]: breachJob('acknowledge'),
      [JOB_VISIT]: breachJob('visit'),
      [JOB_ROUTE]: routeJob,
    } satisfies Record<string, JobHandler>,

    /** Writes version 1 of the rules and the SLA policy if the schema has none. */
    async seed(): Promise<void> {
      await seedPolicy(pool, 'rules', defaultRuleSet, now());
      await seedPolicy(pool, 'sla', defaultSlaPolicy, now());
      await appendRulesForNewSignals(pool, now());
      loadedAt = 0;
    },
    /** Forget cached policies (after an admin changed them). */
    reloadPolicies() {
      loadedAt = 0;
    },

    async get(id: string, me: UserPrincipal): Promise<AlertRow> {
      const alert = await findAlert(pool, id);
      if (!alert || !mayRead(me, alert)) throw notFound(id);
      return alert;
    },

    async openByHand(
      me: UserPrincipal,
      input: {
        householdId?: string;
        residentId?: string;
        communityCode: string;
        channel: 'walk-in' | 'hotline' | 'grid-worker';
        priority?: Priority;
        summary: string;
      },
    ): Promise<AlertRow> {
      if (!hasRole(me, ...WRITERS) || !inJurisdiction(me, input.communityCode))
        throw new AppError('INVALID_ALERT', `community ${input.communityCode} is not in your jurisdiction`);
      if (!input.householdId && !input.residentId)
        throw new AppError('INVALID_ALERT', 'an alert needs a householdId or a residentId');
      return withTransaction(pool, async (client) => {
        const { rules: r } = await policies(client);
        const verdict = decide(r.body, `manual.${input.channel}`);
        if (verdict.action === 'ignore')
          throw new AppError('INVALID_ALERT', `the rules ignore ${input.channel} alerts`);
        // Someone the registry places: their community, never the one typed; out of the caller's
        // jurisdiction is "not there". Someone it does not know: only what was typed, under a key of
        // its own, so it can neither take in signals about a real household nor stand in their way.
        const place = await registeredPlace(client, input);
        if (place && !inJurisdiction(me, place.communityCode)) throw subjectNotFound();
        if (place?.householdId && input.householdId && place.householdId !== input.householdId)
          throw new AppError('INVALID_ALERT', 'the person is registered in another household');
        const householdId = place
          ? (place.householdId ?? input.householdId ?? null)
          : (input.householdId ?? null);
        const communityCode = place?.communityCode ?? input.communityCode;
        const subjectKey = place
          ? (householdId ?? `person:${input.residentId}`)
          : unverifiedKey(input.communityCode, input);
        const at = now();
        const reasons: StoredReason[] = [
          {
            code: `MANUAL_${input.channel.toUpperCase().replace('-', '_')}`,
            summary: input.summary,
            at: at.toISOString(),
          },
        ];
        const priority = input.priority ?? verdict.priority;
        await lockSubject(client, subjectKey, verdict.type);
        const live = await findLiveAlert(client, subjectKey, verdict.type);
        if (live) {
          if (!mayWrite(me, live)) throw subjectNotFound();
          await merge(
            client,
            live,
            {
              eventId: `manual-${randomUUID()}`,
              eventType: 'manual',
              code: `manual.${input.channel}`,
              communityCode,
              reasons,
            },
            priority,
            reasons,
          );
          return live;
        }
        const alert = await open(client, {
          subjectKey,
          householdId,
          residentId: input.residentId ?? null,
          type: verdict.type,
          title: verdict.title,
          priority,
          origin: 'manual',
          communityCode,
          reasons,
          sourceEventIds: [],
          actor: me.userId,
        });
        return alert;
      });
    },

    acknowledge: (id: string, me: UserPrincipal) =>
      change(id, me, async (client, alert, at) => {
        requireStatus(alert, 'open');
        alert.status = 'acknowledged';
        alert.acknowledgedAt = at;
        alert.updatedAt = at;
        await saveAlert(client, alert);
        await stopTimers(client, alert);
        await addHistory(client, { alertId: id, at, actor: me.userId, action: 'acknowledged' });
        await event(client, AlertTaken, {
          ...routing(alert),
          by: me.userId,
          acknowledgedAt: at.toISOString(),
        });
        return alert;
      }),

    startVisit: (id: string, me: UserPrincipal) =>
      change(id, me, async (client, alert, at) => {
        requireStatus(alert, 'open', 'acknowledged');
        alert.acknowledgedAt ??= at;
        alert.status = 'visiting';
        alert.visitStartedAt = at;
        alert.updatedAt = at;
        await saveAlert(client, alert);
        await stopTimers(client, alert);
        await addHistory(client, { alertId: id, at, actor: me.userId, action: 'visit-started' });
        await event(client, AlertVisitStarted, {
          ...routing(alert),
          by: me.userId,
          startedAt: at.toISOString(),
        });
        return alert;
      }),

    addNote: (
      id: string,
      me: UserPrincipal,
      note: { body: string; attachments: { contentType: string; bytes: Buffer }[] },
    ) =>
      change(id, me, async (client, alert, at) => {
        const noteId = `N-${randomUUID()}`;
        await client.query(
          'insert into alert_notes (id, alert_id, author, body, created_at) values ($1, $2, $3, $4, $5)',
          [noteId, id, me.userId, note.body, at],
        );
        for (const [i, a] of note.attachments.entries()) {
          await client.query(
            `insert into alert_attachments (note_id, position, alert_id, content_type, size_bytes, bytes)
             values ($1, $2, $3, $4, $5, $6)`,
            [noteId, i + 1, id, a.contentType, a.bytes.length, a.bytes],
          );
        }
        alert.updatedAt = at;
        await saveAlert(client, alert);
        await addHistory(client, {
          alertId: id,
          at,
          actor: me.userId,
          action: 'note-added',
          detail: { noteId, attachments: note.attachments.length },
        });
        await event(client, AlertNoteAdded, {
          ...routing(alert),
          noteId,
          attachments: note.attachments.length,
          by: me.userId,
          addedAt: at.toISOString(),
        });
        return { noteId };
      }),

    resolve: (id: string, me: UserPrincipal, outcome: (typeof outcomes)[number], noteText?: string) =>
      change(id, me, async (client, alert, at) => {
        requireStatus(alert, 'open', 'acknowledged', 'visiting');
        alert.outcome = outcome;
        await closeAlert(client, alert, 'resolved', at);
        await addHistory(client, {
          alertId: id,
          at,
          actor: me.userId,
          action: 'resolved',
          detail: { outcome, ...(noteText ? { note: noteText } : {}) },
        });
        await event(client, AlertClosed, {
          ...routing(alert),
          outcome,
          by: me.userId,
          resolvedAt: at.toISOString(),
        });
        return alert;
      }),

    dismiss: (id: string, me: UserPrincipal, reasonCode: (typeof dismissReasons)[number], noteText: string) =>
      change(id, me, async (client, alert, at) => {
        requireStatus(alert, 'open', 'acknowledged', 'visiting');
        alert.dismissReason = reasonCode;
        await closeAlert(client, alert, 'dismissed', at);
        const until = new Date(at.getTime() + suppressDays * DAY_MS);
        await client.query(
          `insert into suppressions (subject_key, type, priority, until, alert_id) values ($1, $2, $3, $4, $5)
           on conflict (subject_key, type) do update set priority = excluded.priority, until = excluded.until, alert_id = excluded.alert_id`,
          [alert.subjectKey, alert.type, alert.priority, until, alert.id],
        );
        await addHistory(client, {
          alertId: id,
          at,
          actor: me.userId,
          action: 'dismissed',
          detail: { reasonCode, note: noteText, suppressedUntil: until.toISOString() },
        });
        await event(client, AlertDismissed, {
          ...routing(alert),
          reasonCode,
          suppressedUntil: until.toISOString(),
          by: me.userId,
          dismissedAt: at.toISOString(),
        });
        return alert;
      }),

    reassign: async (id: string, me: UserPrincipal, userId: string) => {
      if (!hasRole(me, 'town-supervisor', 'bureau-admin')) {
        // A handler may not reassign; say so only about alerts they can see.
        const seen = await findAlert(pool, id);
        if (!seen || !mayRead(me, seen)) throw notFound(id);
        throw new AppError('FORBIDDEN', 'only a supervisor reassigns alerts');
      }
      const seen = await findAlert(pool, id);
      if (!seen || !mayWrite(me, seen)) throw notFound(id);
      let r: Roster;
      try {
        r = await roster.roster(seen.communityCode);
      } catch (err: unknown) {
        if (err instanceof RosterUnavailable)
          throw new AppError('ROSTER_UNAVAILABLE', 'identity could not be asked for the roster');
        throw err;
      }
      const allowed = new Set([...r.handlers.map((h) => h.userId), ...r.uncovered, ...r.supervisors]);
      if (!allowed.has(userId))
        throw new AppError(
          'INVALID_ASSIGNEE',
          `${userId} is not a handler or supervisor of community ${seen.communityCode}`,
        );
      return change(id, me, async (client, alert, at) => {
        requireStatus(alert, 'open', 'acknowledged', 'visiting');
        const previous = alert.assigneeUserId;
        alert.assigneeUserId = userId;
        alert.onBehalfOf = null;
        alert.updatedAt = at;
        await saveAlert(client, alert);
        await adjustLoad(client, previous, -1);
        await adjustLoad(client, userId, 1);
        await addHistory(client, {
          alertId: id,
          at,
          actor: me.userId,
          action: 'reassigned',
          detail: { from: previous, to: userId },
        });
        await event(client, AlertAssigned, {
          ...routing(alert),
          ...(previous ? { previousAssigneeUserId: previous } : {}),
          reason: 'reassigned',
          by: me.userId,
          assignedAt: at.toISOString(),
        });
        return alert;
      });
    },

    titleOf: async (type: string) => titleOf((await policies()).rules.body, type),
  };
}
