import { randomUUID } from 'node:crypto';
import { hasRole, inJurisdiction, type UserPrincipal } from '@huimin/auth';
import {
  AlertAssigned,
  AlertClosed,
  AlertDismissed,
  AlertNoteAdded,
  AlertTaken,
  AlertVisitStarted,
} from '@huimin/contracts';
import { AppError } from '@huimin/kit';
import { withTransaction } from '@huimin/pg';
import type pg from 'pg';
import type { Priority } from '../domain/priority.ts';
import { decide } from '../domain/rules.ts';
import { type Roster, type RosterSource, RosterUnavailable } from '../roster.ts';
import {
  type AlertRow,
  addHistory,
  adjustLoad,
  findAlert,
  findLiveAlert,
  type StoredReason,
  saveAlert,
} from '../store/alert-store.ts';
import { lockSubjects } from '../store/intake-store.ts';
import { registeredPlace, unverifiedKey } from '../store/registry.ts';
import {
  DAY_MS,
  eventWriter,
  mayRead,
  mayWrite,
  notFound,
  type Policies,
  routingOf as routing,
  subjectNotFound,
  WRITERS,
} from './common.ts';
import type { IntakeItem, IntakeResult } from './intake.ts';
import { stopTimers } from './sla-jobs.ts';

export const outcomes = ['enrolled', 'referred', 'temporary-assistance', 'no-need', 'unreachable'] as const;
export const dismissReasons = [
  'duplicate',
  'data-error',
  'already-assisted',
  'moved-away',
  'deceased',
  'other',
] as const;

/** What people do with alerts: open one by hand, take it, visit, note, close, dismiss, reassign. */
export function createActions(options: {
  pool: pg.Pool;
  roster: RosterSource;
  now: () => Date;
  suppressDays: number;
  policies: Policies;
  intake: (
    client: pg.ClientBase,
    items: IntakeItem[],
    opts: { suppress: boolean },
  ) => Promise<IntakeResult[]>;
}) {
  const { pool, roster, now, suppressDays, policies } = options;
  const event = eventWriter(now);

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

  return {
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
        await lockSubjects(client, [`${subjectKey}|${verdict.type}`]);
        const live = await findLiveAlert(client, subjectKey, verdict.type);
        if (live && !mayWrite(me, live)) throw subjectNotFound();
        const [result] = await options.intake(
          client,
          [
            {
              subjectKey,
              householdId,
              residentId: input.residentId ?? null,
              type: verdict.type,
              title: verdict.title,
              priority,
              origin: 'manual',
              communityCode,
              reasons,
              eventId: `manual-${randomUUID()}`,
              sourceEventIds: [],
              actor: me.userId,
            },
          ],
          { suppress: false },
        );
        if (!result?.alert) throw new Error('intake answered no alert for a manual opening');
        const alert = result.alert;
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
  };
}
