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
  stringEnum,
  UserId,
} from '../schema-types.ts';
import { assistanceApplicationStream } from '../topics.ts';
import { wangHousehold } from './example-people.ts';

// The assistance service's temporary-assistance (临时救助) applications, one stream keyed by
// application so each case's steps stay in order. Households travel by number; no person's name,
// resident ID or evidence content is ever on this stream.

export const ApplicationId = Type.String({
  pattern: '^TA-\\d{4}-\\d{6}$',
  description: 'temporary-assistance application number, TA-<year>-<sequence>',
});

export const TemporaryAssistanceCause = stringEnum(
  ['major-illness', 'accident', 'disaster', 'death', 'rigid-expense'],
  { description: '重大疾病, 意外事故, 自然灾害, 家庭成员死亡, 突发刚性支出' },
);

const caseFields = {
  applicationId: ApplicationId,
  householdId: HouseholdId,
  communityCode: CommunityCode,
};
const example = {
  applicationId: 'TA-2025-000042',
  householdId: wangHousehold.householdId,
  communityCode: wangHousehold.communityCode,
};

export const TemporaryAssistanceApplied = defineEvent({
  name: 'TemporaryAssistanceApplied',
  type: 'huimin.assistance.application.applied.v1',
  version: 1,
  topic: assistanceApplicationStream,
  key: (p) => p.applicationId,
  schema: closedObject({
    ...caseFields,
    alertId: Type.Optional(RecordId),
    cause: TemporaryAssistanceCause,
    requestedFen: CloneType(Fen, { description: 'the amount the handler asks for' }),
    proposedFen: CloneType(Fen, { description: 'what eligibility proposed when the application was opened' }),
    policyVersion: Type.String({ minLength: 1, maxLength: 64 }),
    appliedBy: UserId,
    appliedAt: Instant,
  }),
  description: 'A handler opened a temporary-assistance application, usually from an alert.',
  example: {
    ...example,
    alertId: 'ALR-2025-000087',
    cause: 'major-illness',
    requestedFen: 1_254_000,
    proposedFen: 1_254_000,
    policyVersion: 'taicang-ta-2024-10-24',
    appliedBy: 'u-weiyang-sw-03',
    appliedAt: '2025-03-06T07:30:00.000Z',
  },
});
export type TemporaryAssistanceApplied = Static<typeof TemporaryAssistanceApplied.schema>;

export const TemporaryAssistanceEvidenceAttached = defineEvent({
  name: 'TemporaryAssistanceEvidenceAttached',
  type: 'huimin.assistance.application.evidence-attached.v1',
  version: 1,
  topic: assistanceApplicationStream,
  key: (p) => p.applicationId,
  schema: closedObject({
    ...caseFields,
    evidenceId: RecordId,
    kind: stringEnum(['hospital-bill', 'photo', 'other']),
    contentType: stringEnum(['image/jpeg', 'image/png', 'application/pdf']),
    sizeBytes: Type.Integer({ minimum: 1 }),
    attachedBy: UserId,
    attachedAt: Instant,
  }),
  description:
    'Evidence (a hospital bill, a photo) was attached to an application; its content stays in the service.',
  example: {
    ...example,
    evidenceId: 'EV-5f0c7a52',
    kind: 'hospital-bill',
    contentType: 'image/jpeg',
    sizeBytes: 182_113,
    attachedBy: 'u-weiyang-sw-03',
    attachedAt: '2025-03-06T07:35:00.000Z',
  },
});
export type TemporaryAssistanceEvidenceAttached = Static<typeof TemporaryAssistanceEvidenceAttached.schema>;

export const TemporaryAssistanceApproved = defineEvent({
  name: 'TemporaryAssistanceApproved',
  type: 'huimin.assistance.application.approved.v1',
  version: 1,
  topic: assistanceApplicationStream,
  key: (p) => p.applicationId,
  schema: closedObject({
    ...caseFields,
    amountFen: Fen,
    approvedBy: UserId,
    level: stringEnum(['town', 'bureau']),
    approvalsGiven: Type.Integer({ minimum: 1 }),
    approvalsNeeded: Type.Integer({ minimum: 1 }),
    approvedAt: Instant,
  }),
  description:
    'An approver approved an application; it is granted once approvalsGiven reaches approvalsNeeded (two different people above the four-eyes amount).',
  example: {
    ...example,
    amountFen: 1_254_000,
    approvedBy: 'u-chengxiang-sup-01',
    level: 'bureau',
    approvalsGiven: 1,
    approvalsNeeded: 2,
    approvedAt: '2025-03-07T02:00:00.000Z',
  },
});
export type TemporaryAssistanceApproved = Static<typeof TemporaryAssistanceApproved.schema>;

export const TemporaryAssistanceRefused = defineEvent({
  name: 'TemporaryAssistanceRefused',
  type: 'huimin.assistance.application.refused.v1',
  version: 1,
  topic: assistanceApplicationStream,
  key: (p) => p.applicationId,
  schema: closedObject({
    ...caseFields,
    refusedBy: UserId,
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    refusedAt: Instant,
  }),
  description: 'An approver refused an application, with the reason the household is told.',
  example: {
    ...example,
    refusedBy: 'u-chengxiang-sup-01',
    reason: '家庭收入超过临时救助收入标准',
    refusedAt: '2025-03-07T02:00:00.000Z',
  },
});
export type TemporaryAssistanceRefused = Static<typeof TemporaryAssistanceRefused.schema>;

export const TemporaryAssistancePaid = defineEvent({
  name: 'TemporaryAssistancePaid',
  type: 'huimin.assistance.application.paid.v1',
  version: 1,
  topic: assistanceApplicationStream,
  key: (p) => p.applicationId,
  schema: closedObject({
    ...caseFields,
    alertId: Type.Optional(RecordId),
    amountFen: Fen,
    paymentReference: Type.String({ minLength: 1, maxLength: 64 }),
    paidOn: CalendarDate,
    recordedBy: UserId,
    recordedAt: Instant,
  }),
  description: 'The granted amount was paid to the household; the payment reference is the treasury’s.',
  example: {
    ...example,
    alertId: 'ALR-2025-000087',
    amountFen: 1_254_000,
    paymentReference: 'GK-20250308-0042',
    paidOn: '2025-03-08',
    recordedBy: 'u-chengxiang-sup-01',
    recordedAt: '2025-03-08T03:00:00.000Z',
  },
});
export type TemporaryAssistancePaid = Static<typeof TemporaryAssistancePaid.schema>;
