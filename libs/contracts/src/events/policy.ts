import { CloneType, type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event.ts';
import { CalendarDate, closedObject, Fen, Instant } from '../schema-types.ts';
import { eligibilityPolicyStream } from '../topics.ts';

// Ratios are integer basis points (1 bp = 0.01%), so no float ever meets money: 15,000 bp = 1.5×.
const BasisPoints = Type.Integer({
  minimum: 0,
  maximum: 1_000_000,
  description: 'basis points (10,000 = 100%)',
});

const parameterNames = [
  'dibaoStandardFen',
  'tekunStandardFen',
  'edgeMultiplierBp',
  'financialAssetsMonthsOfStandard',
  'rigidSpendingRatioBp',
  'rigidSpendingWindowMonths',
  'lastYearDisposableIncomeFen',
  'disabilityLivingSubsidyFen',
  'disabilityNursingSubsidyFen',
  'riskWatchRatioBp',
  'riskCatastrophicRatioBp',
  'riskCapacityToPayRatioBp',
  'majorIllnessClaimFen',
] as const;

export const PolicyVersionPublished = defineEvent({
  name: 'PolicyVersionPublished',
  type: 'huimin.eligibility.policy.published.v1',
  version: 1,
  topic: eligibilityPolicyStream,
  key: (p) => p.policyVersion,
  schema: closedObject({
    policyVersion: Type.String({
      pattern: '^[a-z0-9][a-z0-9-]{0,63}$',
      description: 'e.g. taicang-2020-07-01',
    }),
    effectiveFrom: CloneType(CalendarDate, {
      description: 'takes effect at 00:00 Asia/Shanghai on this date, until the next version’s date',
    }),
    dibaoStandardFen: CloneType(Fen, { description: '低保 standard per person per month' }),
    tekunStandardFen: CloneType(Fen, { description: '特困 basic support per person per month' }),
    edgeMultiplierBp: CloneType(BasisPoints, {
      description: '低保边缘 band: income below this × the dibao standard',
    }),
    financialAssetsMonthsOfStandard: Type.Integer({
      minimum: 0,
      maximum: 600,
      description: 'financial assets per person at most this many months of the dibao standard',
    }),
    rigidSpendingRatioBp: CloneType(BasisPoints, {
      description: '刚性支出: rigid spending over the window above this share of household income',
    }),
    rigidSpendingWindowMonths: Type.Integer({ minimum: 1, maximum: 36 }),
    lastYearDisposableIncomeFen: CloneType(Fen, {
      description: "last year's local per-capita disposable income (annual)",
    }),
    disabilityLivingSubsidyFen: CloneType(Fen, { description: '困难残疾人生活补贴 per person per month' }),
    disabilityNursingSubsidyFen: CloneType(Fen, { description: '重度残疾人护理补贴 per person per month' }),
    riskWatchRatioBp: CloneType(BasisPoints, {
      description: 'OOP above this share of annual income: watch (SDG 3.8.2, 10%)',
    }),
    riskCatastrophicRatioBp: CloneType(BasisPoints, {
      description: 'OOP above this share of annual income: catastrophic (SDG 3.8.2, 25%)',
    }),
    riskCapacityToPayRatioBp: CloneType(BasisPoints, {
      description: 'OOP at or above this share of capacity to pay: catastrophic (WHO, 40%)',
    }),
    majorIllnessClaimFen: CloneType(Fen, {
      description: 'a single claim’s out-of-pocket above this is a 大病 flag',
    }),
    tekunIncomeLimitBpOfDibao: Type.Optional(
      CloneType(BasisPoints, {
        description:
          '特困 no means of living (特困人员认定办法 2021, art. 7): monthly income below this share of the dibao standard, property within limits',
      }),
    ),
    tekunExcludedFromDibao: Type.Optional(
      Type.Boolean({ description: "precedence: tekun members leave the household's dibao calculation" }),
    ),
    sources: Type.Optional(
      Type.Array(
        closedObject({
          parameter: Type.String({ minLength: 1, maxLength: 64 }),
          source: Type.String({ minLength: 1, maxLength: 400, description: 'the rule it comes from' }),
        }),
        { maxItems: 40, description: 'where a rule of this version comes from' },
      ),
    ),
    assumed: Type.Array(Type.Union(parameterNames.map((name) => Type.Literal(name))), {
      maxItems: parameterNames.length,
      uniqueItems: true,
      description: 'parameters whose values are assumptions until the bureau’s own documents confirm them',
    }),
    publishedAt: Instant,
  }),
  description:
    'A version of the assistance policy and the risk yardsticks, effective from a date. The version in force on a date is the one with the latest effectiveFrom on or before it.',
  // Taicang's 2020 standards from the 14th Five-Year plan; the month they took effect is assumed.
  example: {
    policyVersion: 'taicang-2020-07-01',
    effectiveFrom: '2020-07-01',
    dibaoStandardFen: 104_500,
    tekunStandardFen: 146_300,
    edgeMultiplierBp: 15_000,
    financialAssetsMonthsOfStandard: 24,
    rigidSpendingRatioBp: 6_000,
    rigidSpendingWindowMonths: 12,
    lastYearDisposableIncomeFen: 6_000_000,
    disabilityLivingSubsidyFen: 10_000,
    disabilityNursingSubsidyFen: 10_000,
    riskWatchRatioBp: 1_000,
    riskCatastrophicRatioBp: 2_500,
    riskCapacityToPayRatioBp: 4_000,
    majorIllnessClaimFen: 5_000_000,
    assumed: [
      'lastYearDisposableIncomeFen',
      'disabilityLivingSubsidyFen',
      'disabilityNursingSubsidyFen',
      'majorIllnessClaimFen',
    ],
    publishedAt: '2020-06-20T02:00:00.000Z',
  },
});
export type PolicyVersionPublished = Static<typeof PolicyVersionPublished.schema>;
