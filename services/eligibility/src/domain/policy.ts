/** One version of the assistance policy, as eligibility holds and publishes it (fen and basis points). */
export interface Policy {
  policyVersion: string;
  /** 00:00 Asia/Shanghai on this date, until the next version's date. */
  effectiveFrom: string;
  dibaoStandardFen: number;
  tekunStandardFen: number;
  edgeMultiplierBp: number;
  financialAssetsMonthsOfStandard: number;
  /** 0 while the expenditure-type hardship rule (national, 2024-10-24) is not in force. */
  rigidSpendingRatioBp: number;
  rigidSpendingWindowMonths: number;
  lastYearDisposableIncomeFen: number;
  disabilityLivingSubsidyFen: number;
  disabilityNursingSubsidyFen: number;
  riskWatchRatioBp: number;
  riskCatastrophicRatioBp: number;
  riskCapacityToPayRatioBp: number;
  majorIllnessClaimFen: number;
  /**
   * 特困 "no means of living" (无生活来源): a member's monthly income strictly below this share of
   * the dibao standard (10,000 bp: below the standard itself), property within the dibao limits.
   */
  tekunIncomeLimitBpOfDibao: number;
  /** Programme precedence: tekun members leave the household's dibao calculation. */
  tekunExcludedFromDibao: boolean;
  assumed: string[];
  /** Where a rule of this version comes from, per parameter. */
  sources: { parameter: string; source: string }[];
}

/**
 * The rules every seed version carries, with their sources. Migration 004 gives the versions
 * stored before these fields existed the same values (it adds the fields; no figure changes).
 */
export const programmeRules = {
  tekunIncomeLimitBpOfDibao: 10_000,
  tekunExcludedFromDibao: true,
  sources: [
    {
      parameter: 'tekunIncomeLimitBpOfDibao',
      source:
        '特困人员认定办法（民发〔2021〕43号）第七条：收入低于当地最低生活保障标准，且财产符合当地特困人员财产状况规定的，认定为无生活来源',
    },
    {
      parameter: 'tekunExcludedFromDibao',
      source:
        '国务院关于进一步健全特困人员救助供养制度的意见（国发〔2016〕14号）：特困人员救助供养与最低生活保障等制度相衔接；受特困供养的人员不再同时计入家庭低保',
    },
  ],
};

const yardsticks = {
  riskWatchRatioBp: 1_000,
  riskCatastrophicRatioBp: 2_500,
  riskCapacityToPayRatioBp: 4_000,
  majorIllnessClaimFen: 5_000_000,
};
// Placeholders until the bureau's documents confirm them (DOMAIN.md): marked assumed.
const placeholders = {
  lastYearDisposableIncomeFen: 6_000_000,
  disabilityLivingSubsidyFen: 10_000,
  disabilityNursingSubsidyFen: 10_000,
};
const placeholderNames = [
  'lastYearDisposableIncomeFen',
  'disabilityLivingSubsidyFen',
  'disabilityNursingSubsidyFen',
  'majorIllnessClaimFen',
];

/** The seed table of DOMAIN.md: Taicang's standards from the plan; the months they took effect are assumed. */
export const seedPolicies: Policy[] = [
  {
    policyVersion: 'taicang-2015-07-01',
    effectiveFrom: '2015-07-01',
    dibaoStandardFen: 75_000,
    tekunStandardFen: 105_000,
    edgeMultiplierBp: 15_000,
    financialAssetsMonthsOfStandard: 24,
    rigidSpendingRatioBp: 0,
    rigidSpendingWindowMonths: 12,
    ...placeholders,
    ...yardsticks,
    ...programmeRules,
    assumed: ['dibaoStandardFen', 'tekunStandardFen', ...placeholderNames],
  },
  {
    policyVersion: 'taicang-2016-07-01',
    effectiveFrom: '2016-07-01',
    dibaoStandardFen: 81_000,
    tekunStandardFen: 105_000,
    edgeMultiplierBp: 15_000,
    financialAssetsMonthsOfStandard: 24,
    rigidSpendingRatioBp: 0,
    rigidSpendingWindowMonths: 12,
    ...placeholders,
    ...yardsticks,
    ...programmeRules,
    assumed: ['dibaoStandardFen', ...placeholderNames],
  },
  {
    policyVersion: 'taicang-2020-07-01',
    effectiveFrom: '2020-07-01',
    dibaoStandardFen: 104_500,
    tekunStandardFen: 146_300,
    edgeMultiplierBp: 15_000,
    financialAssetsMonthsOfStandard: 24,
    rigidSpendingRatioBp: 0,
    rigidSpendingWindowMonths: 12,
    ...placeholders,
    ...yardsticks,
    ...programmeRules,
    assumed: ['dibaoStandardFen', 'tekunStandardFen', ...placeholderNames],
  },
  {
    policyVersion: 'taicang-2024-10-24',
    effectiveFrom: '2024-10-24',
    dibaoStandardFen: 104_500,
    tekunStandardFen: 146_300,
    edgeMultiplierBp: 15_000,
    financialAssetsMonthsOfStandard: 24,
    rigidSpendingRatioBp: 6_000,
    rigidSpendingWindowMonths: 12,
    ...placeholders,
    ...yardsticks,
    ...programmeRules,
    assumed: ['dibaoStandardFen', 'tekunStandardFen', ...placeholderNames],
  },
];

/** The version in force on a date: the latest effective on or before it. */
export function policyOn(policies: readonly Policy[], date: string): Policy | undefined {
  return [...policies]
    .filter((p) => p.effectiveFrom <= date)
    .sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
}
