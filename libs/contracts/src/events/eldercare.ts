import { CloneType, type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event.ts';
import {
  CalendarDate,
  CommunityCode,
  closedObject,
  Fen,
  HouseholdId,
  Instant,
  RecordId,
  ResidentId,
  stringEnum,
  TownCode,
} from '../schema-types.ts';
import { eldercareCaregiverStream, eldercareOrderStream } from '../topics.ts';
import { chenGuiying, chenHousehold } from './example-people.ts';

export const CheckOnMissed = defineEvent({
  name: 'CheckOnMissed',
  type: 'huimin.eldercare.check-on.missed.v1',
  version: 1,
  topic: eldercareOrderStream,
  key: (p) => p.orderId,
  schema: closedObject({
    orderId: CloneType(RecordId, { description: 'the daily check-on (日常关爱) service order' }),
    elderResidentId: ResidentId,
    householdId: Type.Optional(HouseholdId),
    communityCode: CommunityCode,
    providerId: RecordId,
    scheduledDate: CalendarDate,
    cutoffAt: CloneType(Instant, { description: 'the check-on had to be recorded by this instant' }),
    consecutiveMisses: Type.Integer({ minimum: 1, maximum: 366 }),
  }),
  description: 'No check-on visit or call was recorded for an elder by the day’s cut-off.',
  example: {
    orderId: 'EO-2025-00318',
    elderResidentId: chenGuiying.residentId,
    householdId: chenHousehold.householdId,
    communityCode: chenHousehold.communityCode,
    providerId: 'PV-0012',
    scheduledDate: '2025-03-11',
    cutoffAt: '2025-03-11T10:00:00.000Z',
    consecutiveMisses: 2,
  },
});
export type CheckOnMissed = Static<typeof CheckOnMissed.schema>;

// The order stream (keyed by orderId). Elders are named by eldercare's own id, never by resident
// ID: consumers that need the person ask eldercare, which audits the read.
const ServiceType = stringEnum(
  [
    'meal-help',
    'personal-care',
    'rehab-nursing',
    'bathing',
    'cleaning',
    'daily-check-on',
    'home-adaptation-assessment',
    'night-care',
  ],
  {
    description:
      '助餐/送餐, 生活照料, 康复护理, 助浴, 保洁, 日常关爱, 适老化改造评估, 夜间照护 (居家养老上门服务)',
  },
);
const ElderId = CloneType(RecordId, { description: "eldercare's id for the elder" });
const Location = closedObject(
  {
    lng: Type.Number({ minimum: 73, maximum: 136 }),
    lat: Type.Number({ minimum: 3, maximum: 54 }),
  },
  { description: 'GCJ-02' },
);

export const OrderCreated = defineEvent({
  name: 'OrderCreated',
  type: 'huimin.eldercare.order.created.v1',
  version: 1,
  topic: eldercareOrderStream,
  key: (p) => p.orderId,
  schema: closedObject({
    orderId: RecordId,
    elderId: ElderId,
    householdId: Type.Optional(
      CloneType(HouseholdId, { description: "the elder's household when the order was placed" }),
    ),
    townCode: TownCode,
    communityCode: CommunityCode,
    serviceType: ServiceType,
    windowStart: Instant,
    windowEnd: Instant,
    channel: stringEnum(['family', 'case-handler', 'hotline', 'scheduler']),
    priceFen: Fen,
    subsidyFen: CloneType(Fen, { description: "taken from the elder's monthly quota" }),
    selfPayFen: Fen,
    quotaMonth: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' }),
    policyVersion: Type.String({ minLength: 1, maxLength: 64 }),
    createdAt: Instant,
  }),
  description: 'A home-visit service order was placed; its subsidy is reserved from the quota.',
  example: {
    orderId: 'EO-2025-00318',
    elderId: 'EL-000042',
    townCode: chenHousehold.townCode,
    communityCode: chenHousehold.communityCode,
    serviceType: 'bathing',
    windowStart: '2025-03-11T01:00:00.000Z',
    windowEnd: '2025-03-11T03:00:00.000Z',
    channel: 'family',
    priceFen: 8000,
    subsidyFen: 8000,
    selfPayFen: 0,
    quotaMonth: '2025-03',
    policyVersion: 'eldercare-2025-01-01',
    createdAt: '2025-03-10T08:00:00.000Z',
  },
});
export type OrderCreated = Static<typeof OrderCreated.schema>;

export const OrderAssigned = defineEvent({
  name: 'OrderAssigned',
  type: 'huimin.eldercare.order.assigned.v1',
  version: 1,
  topic: eldercareOrderStream,
  key: (p) => p.orderId,
  schema: closedObject({
    orderId: RecordId,
    providerId: RecordId,
    attempt: Type.Integer({ minimum: 1, maximum: 100, description: '2+ after a provider declined' }),
    assignedAt: Instant,
  }),
  description: 'The order was given to a provider serving the town with free capacity that day.',
  example: {
    orderId: 'EO-2025-00318',
    providerId: 'PV-0012',
    attempt: 1,
    assignedAt: '2025-03-10T08:00:00.000Z',
  },
});
export type OrderAssigned = Static<typeof OrderAssigned.schema>;

export const OrderCheckedIn = defineEvent({
  name: 'OrderCheckedIn',
  type: 'huimin.eldercare.order.checked-in.v1',
  version: 1,
  topic: eldercareOrderStream,
  key: (p) => p.orderId,
  schema: closedObject({
    orderId: RecordId,
    providerId: RecordId,
    caregiverId: RecordId,
    at: Instant,
    location: Location,
    distanceM: Type.Integer({ minimum: 0, description: "from the elder's address (haversine)" }),
  }),
  description: "A caregiver checked in at the elder's home (visit verification).",
  example: {
    orderId: 'EO-2025-00318',
    providerId: 'PV-0012',
    caregiverId: 'CG-0101',
    at: '2025-03-11T01:05:00.000Z',
    location: { lng: 121.1093, lat: 31.4571 },
    distanceM: 35,
  },
});
export type OrderCheckedIn = Static<typeof OrderCheckedIn.schema>;

export const OrderCompleted = defineEvent({
  name: 'OrderCompleted',
  type: 'huimin.eldercare.order.completed.v1',
  version: 1,
  topic: eldercareOrderStream,
  key: (p) => p.orderId,
  schema: closedObject({
    orderId: RecordId,
    providerId: RecordId,
    caregiverId: RecordId,
    serviceType: ServiceType,
    startedAt: Instant,
    endedAt: Instant,
    location: Location,
    distanceM: Type.Integer({ minimum: 0 }),
    subsidyFen: Fen,
    selfPayFen: Fen,
  }),
  description: 'The caregiver checked out: the visit is done and billable.',
  example: {
    orderId: 'EO-2025-00318',
    providerId: 'PV-0012',
    caregiverId: 'CG-0101',
    serviceType: 'bathing',
    startedAt: '2025-03-11T01:05:00.000Z',
    endedAt: '2025-03-11T02:00:00.000Z',
    location: { lng: 121.1093, lat: 31.4571 },
    distanceM: 20,
    subsidyFen: 8000,
    selfPayFen: 0,
  },
});
export type OrderCompleted = Static<typeof OrderCompleted.schema>;

export const OrderCancelled = defineEvent({
  name: 'OrderCancelled',
  type: 'huimin.eldercare.order.cancelled.v1',
  version: 1,
  topic: eldercareOrderStream,
  key: (p) => p.orderId,
  schema: closedObject({
    orderId: RecordId,
    reason: stringEnum(['requested', 'no-provider', 'no-show']),
    refundedSubsidyFen: CloneType(Fen, { description: 'returned to the quota of the order’s month' }),
    cancelledAt: Instant,
  }),
  description: 'The order ended before any visit: cancelled before check-in, no provider, or a no-show.',
  example: {
    orderId: 'EO-2025-00318',
    reason: 'requested',
    refundedSubsidyFen: 8000,
    cancelledAt: '2025-03-10T09:00:00.000Z',
  },
});
export type OrderCancelled = Static<typeof OrderCancelled.schema>;

export const VisitAnomalyFlagged = defineEvent({
  name: 'VisitAnomalyFlagged',
  type: 'huimin.eldercare.visit.anomaly-flagged.v1',
  version: 1,
  topic: eldercareOrderStream,
  key: (p) => p.orderId,
  schema: closedObject({
    orderId: RecordId,
    providerId: RecordId,
    caregiverId: RecordId,
    kind: stringEnum([
      'too-short',
      'too-long',
      'outside-radius',
      'caregiver-overlap',
      'check-out-without-check-in',
    ]),
    detail: Type.String({ maxLength: 200 }),
    flaggedAt: Instant,
  }),
  description: 'Visit verification found something the provider and the bureau should look at.',
  example: {
    orderId: 'EO-2025-00318',
    providerId: 'PV-0012',
    caregiverId: 'CG-0101',
    kind: 'too-short',
    detail: 'visit lasted 4 min, minimum 15 min',
    flaggedAt: '2025-03-11T01:09:00.000Z',
  },
});
export type VisitAnomalyFlagged = Static<typeof VisitAnomalyFlagged.schema>;

// The providers' staff register (keyed by caregiver id): when each caregiver started, was trained
// and certified, so the plan's indicators #16 and #17 are computed rather than typed in. No name or
// resident ID travels: the certificate number identifies the certificate, not the person.
export const CaregiverRecorded = defineEvent({
  name: 'CaregiverRecorded',
  type: 'huimin.eldercare.caregiver.recorded.v1',
  version: 1,
  topic: eldercareCaregiverStream,
  key: (p) => p.caregiverId,
  schema: closedObject({
    caregiverId: RecordId,
    providerId: RecordId,
    businessDate: CloneType(CalendarDate, { description: 'date the record holds from' }),
    startedOn: CloneType(CalendarDate, { description: 'first day of work for the provider' }),
    trainedOn: Type.Optional(
      CloneType(CalendarDate, { description: 'pre-service training (岗前培训) completed on' }),
    ),
    certifiedOn: Type.Optional(
      CloneType(CalendarDate, { description: 'vocational certificate (养老护理员证书) issued on' }),
    ),
    certificateNumber: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]{4,40}$' })),
    leftOn: Type.Optional(CloneType(CalendarDate, { description: 'last day of work, once they left' })),
  }),
  description:
    "A provider's caregiver as the staff register holds them now: start, training and certificate dates (a full snapshot).",
  example: {
    caregiverId: 'CG-0101',
    providerId: 'PV-0012',
    businessDate: '2025-03-01',
    startedOn: '2024-06-01',
    trainedOn: '2024-05-20',
    certifiedOn: '2024-11-15',
    certificateNumber: 'YLHL-2024-003117',
  },
  rules: (p) =>
    p.certifiedOn !== undefined && p.certificateNumber === undefined
      ? [
          {
            pointer: '/certificateNumber',
            code: 'INCONSISTENT',
            message: 'is required with a certificate date',
          },
        ]
      : [],
});
export type CaregiverRecorded = Static<typeof CaregiverRecorded.schema>;
