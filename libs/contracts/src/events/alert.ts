import { CloneType, type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event.ts';
import {
  CommunityCode,
  closedObject,
  EventId,
  Instant,
  JurisdictionCode,
  RecordId,
  stringEnum,
  TownCode,
  UserId,
} from '../schema-types.ts';
import { discoveryAlertStream } from '../topics.ts';
import { wangHousehold } from './example-people.ts';
import { subjectRule, withSubject } from './subject.ts';

// An alert (a case) goes raised → acknowledged → resolved, escalating when its SLA runs out.
// Every event carries the community code so notify can route it without keeping state.

export const AlertRaised = defineEvent({
  name: 'AlertRaised',
  type: 'huimin.alert.raised.v1',
  version: 1,
  topic: discoveryAlertStream,
  key: (p) => p.alertId,
  schema: withSubject({
    alertId: RecordId,
    communityCode: CommunityCode,
    townCode: TownCode,
    kind: stringEnum([
      'catastrophic-health',
      'major-illness',
      'eligible-not-enrolled',
      'department-signal',
      'check-on-missed',
    ]),
    severity: stringEnum(['watch', 'high', 'urgent']),
    criteria: Type.Array(
      closedObject({
        code: Type.String({ pattern: '^[A-Z][A-Z0-9_]{1,63}$' }),
        summary: Type.String({
          minLength: 1,
          maxLength: 200,
          description: 'what fired, in Chinese, for the handler',
        }),
      }),
      { minItems: 1, maxItems: 20, description: 'each criterion that fired, as the handler sees it' },
    ),
    sourceEventIds: Type.Array(EventId, { minItems: 1, maxItems: 50 }),
    raisedAt: Instant,
    dueAt: CloneType(Instant, { description: 'when the SLA for a first response runs out' }),
  }),
  description: 'Discovery opened an alert and routed it to the community’s handlers.',
  example: {
    alertId: 'AL-20250303-000087',
    householdId: wangHousehold.householdId,
    communityCode: wangHousehold.communityCode,
    townCode: wangHousehold.townCode,
    kind: 'catastrophic-health',
    severity: 'urgent',
    criteria: [
      { code: 'OOP_OVER_25_PERCENT', summary: '近12个月自付医疗费用19,000元，占家庭年收入45.1%' },
      {
        code: 'INCOME_AFTER_OOP_BELOW_DIBAO',
        summary: '扣除医疗自付后人均月收入642.22元，低于低保标准1,045元',
      },
    ],
    sourceEventIds: ['c7a4e0f2-8b1d-4c3e-9f5a-2d6b8e0c1a47'],
    raisedAt: '2025-03-03T02:00:05.020Z',
    dueAt: '2025-03-04T02:00:05.020Z',
  },
  rules: subjectRule,
});
export type AlertRaised = Static<typeof AlertRaised.schema>;

export const AlertAcknowledged = defineEvent({
  name: 'AlertAcknowledged',
  type: 'huimin.alert.acknowledged.v1',
  version: 1,
  topic: discoveryAlertStream,
  key: (p) => p.alertId,
  schema: closedObject({
    alertId: RecordId,
    communityCode: CommunityCode,
    acknowledgedBy: UserId,
    acknowledgedAt: Instant,
  }),
  description: 'A handler took the alert on.',
  example: {
    alertId: 'AL-20250303-000087',
    communityCode: wangHousehold.communityCode,
    acknowledgedBy: 'u-weiyang-sw-03',
    acknowledgedAt: '2025-03-03T02:12:40.000Z',
  },
});
export type AlertAcknowledged = Static<typeof AlertAcknowledged.schema>;

export const AlertEscalated = defineEvent({
  name: 'AlertEscalated',
  type: 'huimin.alert.escalated.v1',
  version: 1,
  topic: discoveryAlertStream,
  key: (p) => p.alertId,
  schema: closedObject({
    alertId: RecordId,
    communityCode: CommunityCode,
    escalationLevel: Type.Integer({ minimum: 1, maximum: 5, description: '1 is the first escalation' }),
    reason: stringEnum(['sla-breached', 'handler-request']),
    escalatedTo: closedObject({
      role: stringEnum(['town-supervisor', 'county-supervisor']),
      jurisdictionCode: JurisdictionCode,
    }),
    escalatedAt: Instant,
    dueAt: CloneType(Instant, { description: 'the new deadline' }),
  }),
  description: 'An alert went up a level, usually because its SLA ran out without a response.',
  example: {
    alertId: 'AL-20250303-000087',
    communityCode: wangHousehold.communityCode,
    escalationLevel: 1,
    reason: 'sla-breached',
    escalatedTo: { role: 'town-supervisor', jurisdictionCode: wangHousehold.townCode },
    escalatedAt: '2025-03-04T02:00:05.020Z',
    dueAt: '2025-03-04T14:00:05.020Z',
  },
});
export type AlertEscalated = Static<typeof AlertEscalated.schema>;

export const AlertResolved = defineEvent({
  name: 'AlertResolved',
  type: 'huimin.alert.resolved.v1',
  version: 1,
  topic: discoveryAlertStream,
  key: (p) => p.alertId,
  schema: closedObject({
    alertId: RecordId,
    communityCode: CommunityCode,
    resolvedBy: UserId,
    resolvedAt: Instant,
    resolution: stringEnum(
      ['assistance-granted', 'referred', 'no-need', 'not-eligible', 'duplicate', 'unreachable', 'other'],
      { description: 'coded reason, as case-management systems require when closing a case' },
    ),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  }),
  description: 'A handler closed the alert with a coded resolution.',
  example: {
    alertId: 'AL-20250303-000087',
    communityCode: wangHousehold.communityCode,
    resolvedBy: 'u-weiyang-sw-03',
    resolvedAt: '2025-03-06T07:30:00.000Z',
    resolution: 'assistance-granted',
    note: '已入户核实，协助申请临时救助及支出型困难家庭认定。',
  },
});
export type AlertResolved = Static<typeof AlertResolved.schema>;
