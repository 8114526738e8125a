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
} from '../schema-types.ts';
import { eligibilityHouseholdStream } from '../topics.ts';
import { wangHousehold } from './example-people.ts';

const ProgrammeOutcome = closedObject({
  programme: stringEnum(['dibao', 'edge', 'tekun', 'hardship']),
  eligible: Type.Boolean(),
  monthlyBenefitFen: Type.Optional(
    CloneType(Fen, { description: 'for dibao: standard × size − household income' }),
  ),
  memberResidentIds: Type.Optional(
    Type.Array(ResidentId, {
      maxItems: 30,
      description: 'for tekun, which is decided per person: who qualifies',
    }),
  ),
  reasons: Type.Array(Type.String({ pattern: '^[A-Z][A-Z0-9_]{1,63}$' }), {
    maxItems: 20,
    description: 'the criteria that decided it, as codes (INCOME_BELOW_STANDARD, ASSETS_OVER_LIMIT, …)',
  }),
});

export const EligibilityDecided = defineEvent({
  name: 'EligibilityDecided',
  type: 'huimin.eligibility.decided.v1',
  version: 1,
  topic: eligibilityHouseholdStream,
  key: (p) => p.householdId,
  schema: closedObject({
    decisionId: RecordId,
    householdId: HouseholdId,
    communityCode: CommunityCode,
    asOfDate: CloneType(CalendarDate, { description: 'the date the facts and the policy were taken as of' }),
    policyVersion: Type.String({ minLength: 1, maxLength: 64 }),
    householdSize: Type.Integer({ minimum: 1, maximum: 30 }),
    householdMonthlyIncomeFen: Fen,
    perCapitaMonthlyIncomeFen: Fen,
    programmes: Type.Array(ProgrammeOutcome, { minItems: 1, maxItems: 10 }),
    decidedAt: Instant,
  }),
  description:
    "A screening of the household against every programme's rules (a full decision, so the latest per household is current). Not an enrolment.",
  // 3 members, 3,510 yuan a month: 1,170 per person, above the 1,045 dibao standard and below
  // 1.5 × 1,045 = 1,567.50, so a low-income edge household.
  example: {
    decisionId: 'ED-20250301-004512',
    householdId: wangHousehold.householdId,
    communityCode: wangHousehold.communityCode,
    asOfDate: '2025-03-01',
    policyVersion: 'taicang-2020-07-01',
    householdSize: 3,
    householdMonthlyIncomeFen: 351_000,
    perCapitaMonthlyIncomeFen: 117_000,
    programmes: [
      { programme: 'dibao', eligible: false, reasons: ['INCOME_ABOVE_STANDARD'] },
      { programme: 'edge', eligible: true, reasons: ['INCOME_WITHIN_EDGE_BAND', 'ASSETS_WITHIN_LIMIT'] },
      { programme: 'tekun', eligible: false, memberResidentIds: [], reasons: ['HAS_INCOME_SOURCE'] },
    ],
    decidedAt: '2025-03-01T00:00:03.201Z',
  },
});
export type EligibilityDecided = Static<typeof EligibilityDecided.schema>;
