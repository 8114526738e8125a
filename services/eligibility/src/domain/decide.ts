import type { Policy } from './policy.ts';

// The screening rules of DOMAIN.md ("Rules, as far as public sources confirm them"), as a pure
// function of a household's facts, a policy version and an as-of date. Money in fen, ratios in
// basis points, every comparison in integers.

export interface MemberFacts {
  residentId: string;
  birthDate: string;
  disability?: { grade: number; category: string };
  workAbility: 'full' | 'partial' | 'none';
  inInstitution: boolean;
  monthlyIncomeFen: number;
  /** Someone legally obliged to support this member can do so. */
  hasAbleSupporter: boolean;
}

export interface HouseholdFacts {
  householdId: string;
  members: MemberFacts[];
  /** Null when no asset report has arrived: asset checks cannot pass. */
  assets: { financialAssetsFen: number; hasNonEssentialVehicle: boolean; propertyCount: number } | null;
  /** Rigid spending over the rule's window (medical out of pocket from risk, for now). */
  rigidSpendingFen: number;
}

export type Programme = 'dibao' | 'edge' | 'tekun' | 'hardship' | 'disability-living' | 'disability-nursing';
export type Status = 'eligible' | 'ineligible' | 'needs_review';

export interface Check {
  code: string;
  passed: boolean;
  /** The household's figure and the threshold it was held against, in fen unless the code says otherwise. */
  actual: number | string;
  threshold: number | string;
}

export interface ProgrammeDecision {
  programme: Programme;
  status: Status;
  monthlyAmountFen: number;
  /** For programmes decided per person (tekun, the disability subsidies). */
  memberResidentIds?: string[];
  checks: Check[];
}

export interface Decision {
  householdId: string;
  asOf: string;
  policyVersion: string;
  householdSize: number;
  householdMonthlyIncomeFen: number;
  perCapitaMonthlyIncomeFen: number;
  programmes: ProgrammeDecision[];
}

/** Whole years between a birth date and the as-of date; a birthday on the as-of day counts. */
export function ageOn(birthDate: string, asOf: string): number {
  // YYYY-MM-DD compares as text: the birthday has come this year when MM-DD is not after today's.
  const years = Number(asOf.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return asOf.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

function check(code: string, passed: boolean, actual: number | string, threshold: number | string): Check {
  return { code, passed, actual, threshold };
}

function statusOf(checks: Check[], unknown: boolean): Status {
  if (checks.every((c) => c.passed)) return 'eligible';
  // A failed check that only failed for want of data is a case for a person, not a refusal.
  return unknown && checks.filter((c) => !c.passed).every((c) => c.code.startsWith('ASSET'))
    ? 'needs_review'
    : 'ineligible';
}

export function decide(facts: HouseholdFacts, policy: Policy, asOf: string): Decision {
  const size = facts.members.length;
  const income = facts.members.reduce((sum, m) => sum + m.monthlyIncomeFen, 0);
  const standardTotal = policy.dibaoStandardFen * size;
  const assetLimit = policy.financialAssetsMonthsOfStandard * policy.dibaoStandardFen * size;
  const assetsKnown = facts.assets !== null;
  const assetChecks: Check[] = [
    check(
      'ASSETS_WITHIN_LIMIT',
      assetsKnown && (facts.assets?.financialAssetsFen ?? 0) <= assetLimit,
      facts.assets?.financialAssetsFen ?? 'unknown',
      assetLimit,
    ),
    check(
      'ASSETS_NO_NON_ESSENTIAL_VEHICLE',
      assetsKnown && !facts.assets?.hasNonEssentialVehicle,
      assetsKnown ? String(facts.assets?.hasNonEssentialVehicle) : 'unknown',
      'false',
    ),
    check(
      'ASSETS_AT_MOST_ONE_HOME',
      assetsKnown && (facts.assets?.propertyCount ?? 0) <= 1,
      facts.assets?.propertyCount ?? 'unknown',
      1,
    ),
  ];
  const perCapita = size === 0 ? 0 : Math.floor(income / size);

  // 低保: per-capita income below the standard (household income below standard × size), property within limits.
  const dibaoChecks = [
    check('INCOME_BELOW_STANDARD', income < standardTotal, income, standardTotal),
    ...assetChecks,
  ];
  const dibaoStatus = statusOf(dibaoChecks, !assetsKnown);
  const dibao: ProgrammeDecision = {
    programme: 'dibao',
    status: dibaoStatus,
    monthlyAmountFen: dibaoStatus === 'eligible' ? Math.max(0, standardTotal - income) : 0,
    checks: dibaoChecks,
  };

  // 低保边缘: at or above the standard and below multiplier × standard.
  const edgeCeiling = Math.ceil((standardTotal * policy.edgeMultiplierBp) / 10_000);
  const edgeChecks = [
    check('INCOME_AT_OR_ABOVE_STANDARD', income >= standardTotal, income, standardTotal),
    check(
      'INCOME_WITHIN_EDGE_BAND',
      income * 10_000 < standardTotal * policy.edgeMultiplierBp,
      income,
      edgeCeiling,
    ),
    ...assetChecks,
  ];
  const edge: ProgrammeDecision = {
    programme: 'edge',
    status: statusOf(edgeChecks, !assetsKnown),
    monthlyAmountFen: 0,
    checks: edgeChecks,
  };

  // 特困, per person: old (60+), young (under 18) or disabled; no work ability; no income; no able supporter.
  const tekunMembers = facts.members.filter((m) => {
    const age = ageOn(m.birthDate, asOf);
    const vulnerable = age >= 60 || age < 18 || m.disability !== undefined;
    return vulnerable && m.workAbility === 'none' && m.monthlyIncomeFen === 0 && !m.hasAbleSupporter;
  });
  const tekun: ProgrammeDecision = {
    programme: 'tekun',
    status: tekunMembers.length > 0 ? 'eligible' : 'ineligible',
    monthlyAmountFen: tekunMembers.length * policy.tekunStandardFen,
    memberResidentIds: tekunMembers.map((m) => m.residentId),
    checks: [
      check('TEKUN_MEMBERS', tekunMembers.length > 0, tekunMembers.length, 1),
      check(
        'TEKUN_CENTRALISED_MEMBERS',
        true,
        tekunMembers.filter((m) => m.inInstitution).length,
        'in an institution: centralised support, else dispersed',
      ),
    ],
  };

  // 刚性支出困难: not already helped above; per-capita income below last year's disposable income;
  // property within limits; rigid spending over the window above the ratio of annual income.
  const alreadyHelped = [dibao, edge, tekun].some((p) => p.status === 'eligible');
  const annualIncome = income * 12;
  const hardshipChecks = [
    check('RULE_IN_FORCE', policy.rigidSpendingRatioBp > 0, policy.policyVersion, 'rigid-spending ratio set'),
    check(
      'NOT_OTHERWISE_ASSISTED',
      !alreadyHelped,
      alreadyHelped ? 'assisted' : 'not assisted',
      'not assisted',
    ),
    check(
      'INCOME_BELOW_LOCAL_DISPOSABLE',
      perCapita * 12 < policy.lastYearDisposableIncomeFen,
      perCapita * 12,
      policy.lastYearDisposableIncomeFen,
    ),
    check(
      'RIGID_SPENDING_ABOVE_RATIO',
      facts.rigidSpendingFen * 10_000 > annualIncome * policy.rigidSpendingRatioBp,
      facts.rigidSpendingFen,
      Math.floor((annualIncome * policy.rigidSpendingRatioBp) / 10_000),
    ),
    ...assetChecks,
  ];
  const hardship: ProgrammeDecision = {
    programme: 'hardship',
    status: statusOf(hardshipChecks, !assetsKnown),
    monthlyAmountFen: 0,
    checks: hardshipChecks,
  };

  // 残疾人两项补贴: living subsidy for disabled members of dibao or edge households; nursing subsidy
  // for grade 1–2, and grade 3–4 intellectual or mental disability.
  const poor = dibao.status === 'eligible' || edge.status === 'eligible';
  const disabled = facts.members.filter((m) => m.disability !== undefined);
  const living: ProgrammeDecision = {
    programme: 'disability-living',
    status: poor && disabled.length > 0 ? 'eligible' : 'ineligible',
    monthlyAmountFen: poor ? disabled.length * policy.disabilityLivingSubsidyFen : 0,
    memberResidentIds: poor ? disabled.map((m) => m.residentId) : [],
    checks: [
      check('DISABLED_MEMBERS', disabled.length > 0, disabled.length, 1),
      check('LOW_INCOME_HOUSEHOLD', poor, poor ? 'dibao or edge' : 'neither', 'dibao or edge'),
    ],
  };
  const severe = disabled.filter(
    (m) =>
      (m.disability?.grade ?? 9) <= 2 || ['intellectual', 'mental'].includes(m.disability?.category ?? ''),
  );
  const nursing: ProgrammeDecision = {
    programme: 'disability-nursing',
    status: severe.length > 0 ? 'eligible' : 'ineligible',
    monthlyAmountFen: severe.length * policy.disabilityNursingSubsidyFen,
    memberResidentIds: severe.map((m) => m.residentId),
    checks: [check('SEVERELY_DISABLED_MEMBERS', severe.length > 0, severe.length, 1)],
  };

  return {
    householdId: facts.householdId,
    asOf,
    policyVersion: policy.policyVersion,
    householdSize: size,
    householdMonthlyIncomeFen: income,
    perCapitaMonthlyIncomeFen: perCapita,
    programmes: [dibao, edge, tekun, hardship, living, nursing],
  };
}
