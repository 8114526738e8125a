import { CloneType, type Static, Type } from '@sinclair/typebox';
import { defineEvent, type RuleViolation } from '../define-event.ts';
import {
  AssistanceProgramme,
  BusinessDate,
  closedObject,
  Fen,
  HouseholdId,
  RecordId,
  ResidentId,
  retractionFields,
  stringEnum,
} from '../schema-types.ts';
import { assistanceEnrolmentFeed } from '../topics.ts';
import { chenHousehold, wangHousehold, wangLei } from './example-people.ts';

export const AssistanceEnrolmentChanged = defineEvent({
  name: 'AssistanceEnrolmentChanged',
  type: 'huimin.feed.assistance-enrolment.changed.v1',
  version: 1,
  topic: assistanceEnrolmentFeed,
  key: (p) => p.householdId,
  schema: closedObject({
    enrolmentId: CloneType(RecordId, {
      description: "the assistance system's case number for this enrolment",
    }),
    householdId: HouseholdId,
    businessDate: CloneType(BusinessDate, { description: 'date the enrolment, change or exit takes effect' }),
    programme: AssistanceProgramme,
    change: stringEnum(['enrolled', 'amount-changed', 'exited']),
    monthlyAmountFen: CloneType(Fen, {
      description: 'monthly benefit from the business date on; 0 after an exit',
    }),
    beneficiaryResidentIds: Type.Optional(
      Type.Array(ResidentId, {
        minItems: 1,
        maxItems: 30,
        description: 'the members covered, for programmes paid per person (tekun, disability subsidies)',
      }),
    ),
    wantsCentralisedCare: Type.Optional(
      Type.Boolean({
        description:
          'tekun: the members covered asked for centralised care (集中供养意愿), as the assistance system records it; absent when not asked',
      }),
    ),
    cannotSelfCare: Type.Optional(
      Type.Boolean({
        description:
          'tekun: the members covered cannot care for themselves (生活不能自理) by the assessment on record; absent when not assessed',
      }),
    ),
  }),
  description:
    'A household was enrolled in, had its amount changed in, or exited from an assistance programme. This is who actually receives help; eligibility decisions are only screening.',
  example: {
    enrolmentId: 'CJ-2025-0412',
    householdId: wangHousehold.householdId,
    businessDate: '2025-04-01',
    programme: 'disability-nursing',
    change: 'enrolled',
    monthlyAmountFen: 12_000,
    beneficiaryResidentIds: [wangLei.residentId],
  },
  rules: (p): RuleViolation[] =>
    p.change === 'exited' && p.monthlyAmountFen !== 0
      ? [{ pointer: '/monthlyAmountFen', code: 'INCONSISTENT', message: 'must be 0 for an exit' }]
      : [],
});
export type AssistanceEnrolmentChanged = Static<typeof AssistanceEnrolmentChanged.schema>;

export const AssistanceEnrolmentRetracted = defineEvent({
  name: 'AssistanceEnrolmentRetracted',
  type: 'huimin.feed.assistance-enrolment.retracted.v1',
  version: 1,
  topic: assistanceEnrolmentFeed,
  key: (p) => p.householdId,
  schema: closedObject({ enrolmentId: RecordId, householdId: HouseholdId, ...retractionFields }),
  description:
    'An enrolment change was recorded in error and is withdrawn; the enrolment stands as before it.',
  example: {
    enrolmentId: 'TK-2024-0087',
    householdId: chenHousehold.householdId,
    businessDate: '2024-11-01',
    reason: 'entered-in-error',
  },
});
export type AssistanceEnrolmentRetracted = Static<typeof AssistanceEnrolmentRetracted.schema>;
