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
} from '../schema-types.ts';
import { riskHouseholdStream } from '../topics.ts';
import { wangHousehold } from './example-people.ts';

const RiskLevel = stringEnum(['watch', 'catastrophic', 'severe', 'major-illness'], {
  description:
    'watch: OOP > 10% of income; catastrophic: > 25%, or ≥ 40% of capacity to pay; severe: per-capita income after OOP below the dibao standard; major-illness: one very large claim, no income data needed',
});

const RiskThresholds = closedObject({
  watchRatioBp: Type.Integer({ minimum: 0, description: 'watch: OOP strictly above this share of income' }),
  catastrophicRatioBp: Type.Integer({
    minimum: 0,
    description: 'catastrophic: OOP strictly above this share of income',
  }),
  capacityToPayRatioBp: Type.Integer({
    minimum: 0,
    description: 'catastrophic: OOP at or above this share of capacity to pay',
  }),
  dibaoStandardFen: CloneType(Fen, { description: 'severe: per-capita monthly income after OOP below this' }),
  majorIllnessClaimFen: CloneType(Fen, { description: 'major-illness: one claim’s OOP above this' }),
});

const ContributingClaim = closedObject({
  claimId: RecordId,
  dateOfCare: CalendarDate,
  outOfPocketFen: Fen,
});

export const RiskFlagged = defineEvent({
  name: 'RiskFlagged',
  type: 'huimin.risk.flagged.v1',
  version: 1,
  topic: riskHouseholdStream,
  key: (p) => p.householdId,
  schema: closedObject({
    flagId: RecordId,
    householdId: HouseholdId,
    communityCode: CommunityCode,
    level: RiskLevel,
    asOfDate: CloneType(CalendarDate, { description: 'the day the household was evaluated' }),
    windowStart: CloneType(CalendarDate, { description: 'dates of care after this day count (exclusive)' }),
    windowEnd: CloneType(CalendarDate, { description: 'dates of care up to this day count (inclusive)' }),
    outOfPocketFen: CloneType(Fen, {
      description: 'out of pocket over the window: total − insurance − assistance',
    }),
    annualIncomeFen: CloneType(Fen, { description: "sum of members' latest monthly incomes × 12" }),
    householdSize: Type.Integer({ minimum: 1, maximum: 30 }),
    outOfPocketShareBp: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'out of pocket as basis points of annual income; absent when income is 0',
      }),
    ),
    capacityToPayFen: CloneType(Fen, {
      description: 'annual income − subsistence (dibao standard × size × 12), 0 when that is not positive',
    }),
    perCapitaMonthlyIncomeBeforeFen: Type.Optional(
      CloneType(Fen, { description: 'for severe: before out of pocket' }),
    ),
    perCapitaMonthlyIncomeAfterFen: Type.Optional(
      CloneType(Fen, { description: 'for severe: after out of pocket, 0 when negative' }),
    ),
    severeCause: Type.Optional(
      stringEnum(['pushed-below', 'already-below'], {
        description:
          'for severe: pushed-below — income was at or above the dibao line and medical costs took it below (因病致贫); already-below — income was under the line before any medical cost, which deepens it',
      }),
    ),
    outOfPocketCapacityShareBp: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'out of pocket as basis points of capacity to pay; absent when capacity is 0',
      }),
    ),
    thresholds: Type.Optional(
      CloneType(RiskThresholds, {
        description: 'the yardsticks of policyVersion each ratio is held against',
      }),
    ),
    triggeringClaimIds: Type.Array(RecordId, { minItems: 1, maxItems: 100 }),
    contributingClaims: Type.Optional(
      Type.Array(ContributingClaim, {
        minItems: 1,
        maxItems: 100,
        description: 'the triggering claims with their out of pocket, largest first',
      }),
    ),
    policyVersion: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'the policy version the thresholds came from',
    }),
    flaggedAt: Instant,
  }),
  description:
    "A household's out-of-pocket medical spending crossed a threshold (SDG 3.8.2 / WHO capacity to pay) or a single very large claim arrived.",
  // A household of 3 with 3,510 yuan a month (42,120 a year) and 19,000 yuan out of pocket in 12
  // months: 45.1% of income; 642.22 yuan per person per month left, below the 1,045 dibao standard.
  example: {
    flagId: 'RF-20250303-000211',
    householdId: wangHousehold.householdId,
    communityCode: wangHousehold.communityCode,
    level: 'severe',
    asOfDate: '2025-03-03',
    windowStart: '2024-03-03',
    windowEnd: '2025-03-03',
    outOfPocketFen: 1_900_000,
    annualIncomeFen: 4_212_000,
    householdSize: 3,
    outOfPocketShareBp: 4511,
    capacityToPayFen: 450_000,
    perCapitaMonthlyIncomeBeforeFen: 117_000,
    perCapitaMonthlyIncomeAfterFen: 64_222,
    severeCause: 'pushed-below',
    outOfPocketCapacityShareBp: 42_222,
    thresholds: {
      watchRatioBp: 1_000,
      catastrophicRatioBp: 2_500,
      capacityToPayRatioBp: 4_000,
      dibaoStandardFen: 104_500,
      majorIllnessClaimFen: 5_000_000,
    },
    triggeringClaimIds: ['YB320585-2024-000933120', 'YB320585-2025-000187456'],
    contributingClaims: [
      { claimId: 'YB320585-2024-000933120', dateOfCare: '2024-11-20', outOfPocketFen: 1_400_000 },
      { claimId: 'YB320585-2025-000187456', dateOfCare: '2025-02-10', outOfPocketFen: 500_000 },
    ],
    policyVersion: 'risk-2024-10-24',
    flaggedAt: '2025-03-03T02:00:04.512Z',
  },
  rules: (p) =>
    p.level === 'severe' &&
    (p.perCapitaMonthlyIncomeBeforeFen === undefined || p.perCapitaMonthlyIncomeAfterFen === undefined)
      ? [
          {
            pointer: '/perCapitaMonthlyIncomeAfterFen',
            code: 'INCONSISTENT',
            message: 'a severe flag carries the per-capita income before and after out of pocket',
          },
        ]
      : [],
});
export type RiskFlagged = Static<typeof RiskFlagged.schema>;

export const RiskCleared = defineEvent({
  name: 'RiskCleared',
  type: 'huimin.risk.cleared.v1',
  version: 1,
  topic: riskHouseholdStream,
  key: (p) => p.householdId,
  schema: closedObject({
    flagId: RecordId,
    householdId: HouseholdId,
    communityCode: CommunityCode,
    level: RiskLevel,
    asOfDate: CalendarDate,
    reason: stringEnum([
      'left-window',
      'below-threshold',
      'income-updated',
      'claim-reversed',
      'household-dissolved',
    ]),
    outOfPocketFen: Type.Optional(
      CloneType(Fen, {
        description: 'out of pocket still in the 12-month window when cleared (rigid spending reads it)',
      }),
    ),
    clearedAt: Instant,
  }),
  description:
    'A flag no longer holds (claims fell out of the 12-month window, income rose, a claim was reversed, …).',
  example: {
    flagId: 'RF-20250303-000211',
    householdId: wangHousehold.householdId,
    communityCode: wangHousehold.communityCode,
    level: 'severe',
    // The care of 2025-02-11 leaves the window (asOf − 12 months, asOf] on 2026-02-11.
    asOfDate: '2026-02-11',
    reason: 'left-window',
    outOfPocketFen: 500_000,
    clearedAt: '2026-02-10T16:00:02.118Z',
  },
});
export type RiskCleared = Static<typeof RiskCleared.schema>;
