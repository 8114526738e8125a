import { CloneType, type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event.ts';
import {
  AssistanceProgramme,
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
  status: Type.Optional(
    stringEnum(['eligible', 'ineligible', 'needs_review'], {
      description:
        'needs_review: a fact has not arrived (never eligible for want of data); eligible is `eligible`',
    }),
  ),
  missing: Type.Optional(
    Type.Array(stringEnum(['income', 'assets']), {
      maxItems: 2,
      uniqueItems: true,
      description: 'for needs_review: the facts that have not arrived',
    }),
  ),
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

const EnrolmentGap = closedObject({
  programme: AssistanceProgramme,
  kind: stringEnum(['eligible-not-receiving', 'receiving-not-eligible'], {
    description:
      'eligible-not-receiving: the screening says eligible and the assistance system pays nothing; receiving-not-eligible: it pays, and the screening no longer says eligible',
  }),
  enrolmentId: Type.Optional(
    CloneType(RecordId, { description: "the assistance system's case, when receiving" }),
  ),
  receivingMonthlyFen: CloneType(Fen, {
    description: 'what the assistance system pays; 0 when not receiving',
  }),
  decidedMonthlyFen: CloneType(Fen, { description: 'what the screening decided; 0 when not eligible' }),
});

export const EnrolmentGapsChanged = defineEvent({
  name: 'EnrolmentGapsChanged',
  type: 'huimin.eligibility.enrolment-gaps.changed.v1',
  version: 1,
  topic: eligibilityHouseholdStream,
  key: (p) => p.householdId,
  schema: closedObject({
    householdId: HouseholdId,
    communityCode: CommunityCode,
    asOfDate: CloneType(CalendarDate, { description: 'the date of the screening and enrolment compared' }),
    decisionId: CloneType(RecordId, { description: 'the eligibility decision compared' }),
    gaps: Type.Array(EnrolmentGap, {
      maxItems: 10,
      description: 'every gap the household has now; empty when screening and enrolment agree again',
    }),
    receiving: Type.Optional(
      Type.Array(AssistanceProgramme, {
        maxItems: 10,
        uniqueItems: true,
        description:
          'the programmes the assistance system pays the household now (its enrolments in force); the event also goes out when only these change',
      }),
    ),
    detectedAt: Instant,
  }),
  description:
    "The household's screening and its enrolments in the assistance system disagree differently than before: the full list of gaps now (the latest per household is current), for proactive discovery.",
  // The Wangs screen as a low-income edge household but the assistance system has no edge enrolment.
  example: {
    householdId: wangHousehold.householdId,
    communityCode: wangHousehold.communityCode,
    asOfDate: '2025-03-01',
    decisionId: 'ED-20250301-004512',
    gaps: [
      {
        programme: 'edge',
        kind: 'eligible-not-receiving',
        receivingMonthlyFen: 0,
        decidedMonthlyFen: 0,
      },
    ],
    receiving: ['disability-nursing'],
    detectedAt: '2025-03-01T00:00:03.201Z',
  },
});
export type EnrolmentGapsChanged = Static<typeof EnrolmentGapsChanged.schema>;
