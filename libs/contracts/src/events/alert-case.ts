import { CloneType, type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event.ts';
import {
  CommunityCode,
  closedObject,
  EventId,
  Instant,
  stringEnum,
  TownCode,
  UserId,
} from '../schema-types.ts';
import { discoveryAlertStream } from '../topics.ts';
import { wangHousehold } from './example-people.ts';
import { subjectRule, withSubject } from './subject.ts';

// The alert (case) life cycle as discovery runs it: numbered alerts with a type and a priority
// P1–P4 from data-driven rules, an assignee from identity's roster, two SLA clocks (acknowledge,
// visit), evidence merged into the open alert instead of twins, and closing by resolution with an
// outcome or dismissal with a coded reason. These supersede the v1 events beside them in alert.ts,
// which carried a fixed kind and severity and no assignee; nothing published v1.
//
// Every event carries the community, the town and the current assignee, so notify can route each
// one to the people it concerns without keeping state of its own. No event carries a person's name
// or resident ID beyond the subject (household id, or resident id when no household is known).

const AlertId = Type.String({
  pattern: '^ALR-\\d{4}-\\d{6,9}$',
  description: 'the alert number: ALR-<year>-<sequence within the year>',
});
const Priority = stringEnum(['P1', 'P2', 'P3', 'P4'], { description: 'P1 is the most urgent' });
const AlertType = Type.String({
  pattern: '^[a-z][a-z0-9-]{1,47}$',
  description: 'the alert type code from discovery’s rules, e.g. medical-hardship, check-on-missed',
});
const Reason = closedObject({
  code: Type.String({ pattern: '^[A-Z][A-Z0-9_]{1,63}$' }),
  summary: Type.String({
    minLength: 1,
    maxLength: 200,
    description: 'what fired, in Chinese, for the handler',
  }),
});
const routing = {
  alertId: AlertId,
  communityCode: CommunityCode,
  townCode: TownCode,
  assigneeUserId: Type.Optional(
    CloneType(UserId, { description: 'the handler the alert is routed to; absent while nobody is' }),
  ),
};
const Actor = CloneType(UserId, { description: 'who did it (a person, or `system` for discovery itself)' });

const example = {
  alertId: 'ALR-2026-000123',
  communityCode: wangHousehold.communityCode,
  townCode: wangHousehold.townCode,
  assigneeUserId: 'u-handler-changsheng',
};

export const AlertOpened = defineEvent({
  name: 'AlertOpened',
  type: 'huimin.alert.raised.v2',
  version: 2,
  topic: discoveryAlertStream,
  key: (p) => p.alertId,
  schema: withSubject({
    ...routing,
    routedBy: Type.Optional(
      stringEnum(['roster', 'delegate', 'supervisors', 'unassigned'], {
        description:
          'how the assignee was chosen: a handler on the community’s roster, a delegate standing in for one on leave, the town’s supervisors for want of a roster, or nobody yet (routing is retried); absent in events from before it was recorded',
      }),
    ),
    type: AlertType,
    title: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'the type in Chinese, e.g. 因病致贫风险',
    }),
    priority: Priority,
    origin: stringEnum(['signal', 'manual'], { description: 'a platform signal, or opened by hand' }),
    reasons: Type.Array(Reason, { minItems: 1, maxItems: 20 }),
    sourceEventIds: Type.Array(EventId, { maxItems: 50, description: 'empty for an alert opened by hand' }),
    raisedAt: Instant,
    acknowledgeDueAt: CloneType(Instant, { description: 'SLA: acknowledge by then' }),
    visitDueAt: CloneType(Instant, { description: 'SLA: visit the household by then' }),
  }),
  description: 'Discovery opened an alert (a case) and routed it to a handler of the community.',
  example: {
    ...example,
    routedBy: 'roster',
    householdId: wangHousehold.householdId,
    type: 'medical-hardship',
    title: '因病致贫风险',
    priority: 'P1',
    origin: 'signal',
    reasons: [
      {
        code: 'OOP_OVER_25_PERCENT',
        summary: '近12个月自付医疗费用19,000元，占家庭年收入45.1%，超过25%标准',
      },
    ],
    sourceEventIds: ['c7a4e0f2-8b1d-4c3e-9f5a-2d6b8e0c1a47'],
    raisedAt: '2026-03-03T02:00:05.020Z',
    acknowledgeDueAt: '2026-03-03T04:00:05.020Z',
    visitDueAt: '2026-03-04T02:00:05.020Z',
  },
  rules: subjectRule,
});
export type AlertOpened = Static<typeof AlertOpened.schema>;

export const AlertEvidenceAdded = defineEvent({
  name: 'AlertEvidenceAdded',
  type: 'huimin.alert.evidence-added.v1',
  version: 1,
  topic: discoveryAlertStream,
  key: (p) => p.alertId,
  schema: closedObject({
    ...routing,
    priority: CloneType(Priority, { description: 'the priority now' }),
    previousPriority: Priority,
    reasons: Type.Array(Reason, { minItems: 1, maxItems: 20, description: 'the new reasons' }),
    sourceEventIds: Type.Array(EventId, { maxItems: 50 }),
    addedAt: Instant,
    acknowledgeDueAt: Type.Optional(
      CloneType(Instant, { description: 'new deadline when the priority rose' }),
    ),
    visitDueAt: Type.Optional(CloneType(Instant, { description: 'new deadline when the priority rose' })),
  }),
  description:
    'A new signal for a household with an alert of that type still open was merged into it; the priority may have risen.',
  example: {
    ...example,
    priority: 'P1',
    previousPriority: 'P2',
    reasons: [
      {
        code: 'INCOME_AFTER_OOP_BELOW_DIBAO',
        summary: '扣除医疗自付后人均月收入642.22元，低于低保标准1,045元',
      },
    ],
    sourceEventIds: ['0b5d3c1e-6f7a-4d2b-8c9e-1a2b3c4d5e6f'],
    addedAt: '2026-03-03T06:00:00.000Z',
    acknowledgeDueAt: '2026-03-03T08:00:00.000Z',
    visitDueAt: '2026-03-04T06:00:00.000Z',
  },
});
export type AlertEvidenceAdded = Static<typeof AlertEvidenceAdded.schema>;

export const AlertAssigned = defineEvent({
  name: 'AlertAssigned',
  type: 'huimin.alert.assigned.v1',
  version: 1,
  topic: discoveryAlertStream,
  key: (p) => p.alertId,
  schema: closedObject({
    ...routing,
    previousAssigneeUserId: Type.Optional(UserId),
    onBehalfOf: Type.Optional(
      CloneType(UserId, { description: 'the rostered handler a delegate stands in for' }),
    ),
    reason: stringEnum(['routed', 'reassigned', 'no-roster'], {
      description:
        'routed by the roster, reassigned by a supervisor, or given to the town supervisor for want of a roster',
    }),
    by: Actor,
    assignedAt: Instant,
  }),
  description: 'The alert got an assignee (after routing was retried, or a supervisor reassigned it).',
  example: {
    ...example,
    previousAssigneeUserId: 'u-handler-changsheng-2',
    reason: 'reassigned',
    by: 'u-supervisor-loudong',
    assignedAt: '2026-03-03T03:00:00.000Z',
  },
});
export type AlertAssigned = Static<typeof AlertAssigned.schema>;

export const AlertTaken = defineEvent({
  name: 'AlertTaken',
  type: 'huimin.alert.acknowledged.v2',
  version: 2,
  topic: discoveryAlertStream,
  key: (p) => p.alertId,
  schema: closedObject({ ...routing, by: Actor, acknowledgedAt: Instant }),
  description: 'A handler acknowledged the alert (took it on).',
  example: { ...example, by: 'u-handler-changsheng', acknowledgedAt: '2026-03-03T02:12:40.000Z' },
});
export type AlertTaken = Static<typeof AlertTaken.schema>;

export const AlertVisitStarted = defineEvent({
  name: 'AlertVisitStarted',
  type: 'huimin.alert.visit-started.v1',
  version: 1,
  topic: discoveryAlertStream,
  key: (p) => p.alertId,
  schema: closedObject({ ...routing, by: Actor, startedAt: Instant }),
  description: 'A handler started the home visit (入户核实).',
  example: { ...example, by: 'u-handler-changsheng', startedAt: '2026-03-03T07:00:00.000Z' },
});
export type AlertVisitStarted = Static<typeof AlertVisitStarted.schema>;

export const AlertNoteAdded = defineEvent({
  name: 'AlertNoteAdded',
  type: 'huimin.alert.note-added.v1',
  version: 1,
  topic: discoveryAlertStream,
  key: (p) => p.alertId,
  schema: closedObject({
    ...routing,
    noteId: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }),
    attachments: Type.Integer({ minimum: 0, maximum: 10, description: 'how many photos came with it' }),
    by: Actor,
    addedAt: Instant,
  }),
  description: 'A visit note was added. The text stays in discovery (it may speak of people).',
  example: {
    ...example,
    noteId: 'N-000045',
    attachments: 1,
    by: 'u-handler-changsheng',
    addedAt: '2026-03-03T08:00:00.000Z',
  },
});
export type AlertNoteAdded = Static<typeof AlertNoteAdded.schema>;

export const AlertSlaBreached = defineEvent({
  name: 'AlertSlaBreached',
  type: 'huimin.alert.escalated.v2',
  version: 2,
  topic: discoveryAlertStream,
  key: (p) => p.alertId,
  schema: closedObject({
    ...routing,
    priority: Priority,
    clock: stringEnum(['acknowledge', 'visit'], { description: 'which SLA ran out' }),
    dueAt: Instant,
    escalatedTo: closedObject({
      role: stringEnum(['town-supervisor']),
      townCode: TownCode,
      userIds: Type.Array(UserId, { maxItems: 20, description: 'the town’s supervisors at the time' }),
    }),
    escalatedAt: Instant,
  }),
  description:
    'An SLA of the alert ran out: it is escalated to the town’s supervisors, exactly once per clock.',
  example: {
    ...example,
    priority: 'P1',
    clock: 'acknowledge',
    dueAt: '2026-03-03T04:00:05.020Z',
    escalatedTo: {
      role: 'town-supervisor',
      townCode: wangHousehold.townCode,
      userIds: ['u-supervisor-loudong'],
    },
    escalatedAt: '2026-03-03T04:00:06.000Z',
  },
});
export type AlertSlaBreached = Static<typeof AlertSlaBreached.schema>;

export const AlertClosed = defineEvent({
  name: 'AlertClosed',
  type: 'huimin.alert.resolved.v2',
  version: 2,
  topic: discoveryAlertStream,
  key: (p) => p.alertId,
  schema: closedObject({
    ...routing,
    outcome: stringEnum(['enrolled', 'referred', 'temporary-assistance', 'no-need', 'unreachable'], {
      description:
        'enrolled in a programme, referred to another department, temporary assistance granted, no need, could not reach',
    }),
    by: Actor,
    resolvedAt: Instant,
  }),
  description: 'A handler resolved the alert with an outcome.',
  example: {
    ...example,
    outcome: 'temporary-assistance',
    by: 'u-handler-changsheng',
    resolvedAt: '2026-03-05T07:30:00.000Z',
  },
});
export type AlertClosed = Static<typeof AlertClosed.schema>;

export const AlertDismissed = defineEvent({
  name: 'AlertDismissed',
  type: 'huimin.alert.dismissed.v1',
  version: 1,
  topic: discoveryAlertStream,
  key: (p) => p.alertId,
  schema: closedObject({
    ...routing,
    reasonCode: stringEnum([
      'duplicate',
      'data-error',
      'already-assisted',
      'moved-away',
      'deceased',
      'other',
    ]),
    suppressedUntil: CloneType(Instant, {
      description: 'no new alert of this type for the household before then, unless the priority rises',
    }),
    by: Actor,
    dismissedAt: Instant,
  }),
  description: 'A handler dismissed the alert with a coded reason; the same type is suppressed for a while.',
  example: {
    ...example,
    reasonCode: 'already-assisted',
    suppressedUntil: '2026-04-02T07:30:00.000Z',
    by: 'u-handler-changsheng',
    dismissedAt: '2026-03-03T07:30:00.000Z',
  },
});
export type AlertDismissed = Static<typeof AlertDismissed.schema>;

export const AlertCauseWithdrawn = defineEvent({
  name: 'AlertCauseWithdrawn',
  type: 'huimin.alert.cause-withdrawn.v1',
  version: 1,
  topic: discoveryAlertStream,
  key: (p) => p.alertId,
  schema: closedObject({
    ...routing,
    withdrawn: Type.Array(Reason, {
      minItems: 1,
      maxItems: 20,
      description:
        'the reasons whose cause went away (a risk cleared, a gap closed, a certificate retracted)',
    }),
    summary: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'what changed, in Chinese, for the handler',
    }),
    closed: Type.Boolean({
      description:
        'true: nobody had acknowledged the alert and no cause is left, so it closed itself (outcome cause-withdrawn); false: it stays open for its handler, who sees the change',
    }),
    outcome: Type.Optional(stringEnum(['cause-withdrawn'], { description: 'present when closed' })),
    by: Actor,
    withdrawnAt: Instant,
  }),
  description:
    "The cause of some of an alert's reasons went away. An alert nobody acknowledged closes itself when no reason is left (a reason a person opened by hand never withdraws); an acknowledged one stays open and shows the change.",
  example: {
    ...example,
    withdrawn: [
      {
        code: 'OOP_OVER_WATCH_SHARE',
        summary: '近12个月自付医疗费用 4,500 元，占家庭年收入 10.7%，超过 10% 关注标准',
      },
    ],
    summary: '医疗支出风险已解除（医疗费用单据冲销，2026-03-05），预警原因已全部撤销',
    closed: true,
    outcome: 'cause-withdrawn',
    by: 'system',
    withdrawnAt: '2026-03-05T02:00:00.000Z',
  },
});
export type AlertCauseWithdrawn = Static<typeof AlertCauseWithdrawn.schema>;
