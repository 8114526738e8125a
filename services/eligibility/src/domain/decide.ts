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
  /**
   * False while no member's income report has arrived: unknown is not zero, so every income check
   * is undecided and the decision `needs_review` names the income as missing. Once any member's
   * report is in, members without one count as having none (the feed reports earners only).
   */
  incomeKnown: boolean;
  /** Null when no asset report has arrived: asset checks cannot pass. */
  assets: { financialAssetsFen: number; hasNonEssentialVehicle: boolean; propertyCount: number } | null;
  /** Rigid spending over the rule's window (medical out of pocket from risk, for now). */
  rigidSpendingFen: number;
}

export type Programme = 'dibao' | 'edge' | 'tekun' | 'hardship' | 'disability-living' | 'disability-nursing';
export type Status = 'eligible' | 'ineligible' | 'needs_review';
/** A fact whose absence leaves a programme undecided. */
export type MissingFact = 'income' | 'assets';

/** The value a check shows for a fact that has not arrived. */
export const UNKNOWN = 'unknown';

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
  /** For `needs_review`: the facts that have not arrived. */
  missing?: MissingFact[];
}

export interface Decision {
  householdId: string;
  asOf: string;
  policyVersion: string;
  householdSize: number;
  householdMonthlyIncomeFen: number;
  perCapitaMonthlyIncomeFen: number;
  /** Facts that have not arrived for the household (the programmes say which each waits for). */
  missing?: MissingFact[];
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

function statusOf(checks: Check[]): Status {
  if (checks.every((c) => c.passed)) return 'eligible';
  // A check that failed only for want of data is a case for a person, not a refusal; one that
  // failed on a known figure is a refusal whatever else is missing.
  return checks.filter((c) => !c.passed).every((c) => c.actual === UNKNOWN) ? 'needs_review' : 'ineligible';
}

/** The facts a programme's undecided checks wait for. */
function missingOf(checks: Check[]): MissingFact[] {
  const undecided = checks.filter((c) => !c.passed && c.actual === UNKNOWN);
  const missing: MissingFact[] = [];
  const isAsset = (c: Check) => c.code.startsWith('ASSETS') || c.code.startsWith('TEKUN_ASSETS');
  // Every other undecided check is an income test (the income itself, or a share of it).
  if (undecided.some((c) => !isAsset(c))) missing.push('income');
  if (undecided.some(isAsset)) missing.push('assets');
  return missing;
}

function programme(
  name: Programme,
  checks: Check[],
  amount: (status: Status) => number,
  extra: Partial<ProgrammeDecision> = {},
): ProgrammeDecision {
  const status = statusOf(checks);
  return {
    programme: name,
    status,
    monthlyAmountFen: status === 'eligible' ? amount(status) : 0,
    ...extra,
    checks,
    ...(status === 'needs_review' ? { missing: missingOf(checks) } : {}),
  };
}

/** Property checks against the per-person limits of the dibao rule, for `size` people. */
function assetChecks(facts: HouseholdFacts, policy: Policy, size: number, prefix = 'ASSETS'): Check[] {
  const assetLimit = policy.financialAssetsMonthsOfStandard * policy.dibaoStandardFen * size;
  const a = facts.assets;
  return [
    check(
      `${prefix}_WITHIN_LIMIT`,
      a !== null && a.financialAssetsFen <= assetLimit,
      a?.financialAssetsFen ?? UNKNOWN,
      assetLimit,
    ),
    check(
      `${prefix}_NO_NON_ESSENTIAL_VEHICLE`,
      a !== null && !a.hasNonEssentialVehicle,
      a ? String(a.hasNonEssentialVehicle) : UNKNOWN,
      'false',
    ),
    check(`${prefix}_AT_MOST_ONE_HOME`, a !== null && a.propertyCount <= 1, a?.propertyCount ?? UNKNOWN, 1),
  ];
}

/** An income check: undecided (`unknown`) while no income has arrived. */
function incomeCheck(
  code: string,
  known: boolean,
  passed: boolean,
  actual: number,
  threshold: number | string,
): Check {
  return check(code, known && passed, known ? actual : UNKNOWN, threshold);
}

/**
 * 特困, per person (特困人员认定办法, 民发〔2021〕43号): 60 or older, under 18, or disabled; no work
 * ability; no legal supporter able to support; and no means of living (无生活来源, art. 7): income
 * below the local dibao standard (the policy's share of it) and property within the county's limits.
 */
function decideTekun(facts: HouseholdFacts, policy: Policy, asOf: string): ProgrammeDecision {
  const candidates = facts.members.filter((m) => {
    const age = ageOn(m.birthDate, asOf);
    const vulnerable = age >= 60 || age < 18 || m.disability !== undefined;
    return vulnerable && m.workAbility === 'none' && !m.hasAbleSupporter;
  });
  // Income strictly below limitBp / 10,000 of the standard, compared in integers.
  const incomeBelow = (m: MemberFacts) =>
    m.monthlyIncomeFen * 10_000 < policy.dibaoStandardFen * policy.tekunIncomeLimitBpOfDibao;
  const incomeLimit = Math.ceil((policy.dibaoStandardFen * policy.tekunIncomeLimitBpOfDibao) / 10_000);
  const property = assetChecks(facts, policy, facts.members.length, 'TEKUN_ASSETS');
  const propertyWithin = property.every((c) => c.passed);
  const eligible = facts.incomeKnown && propertyWithin ? candidates.filter(incomeBelow) : [];
  const lowest = Math.min(...candidates.map((m) => m.monthlyIncomeFen));
  const checks: Check[] = [
    check('TEKUN_CANDIDATES', candidates.length > 0, candidates.length, 1),
    ...(candidates.length > 0
      ? [
          incomeCheck(
            'TEKUN_INCOME_BELOW_STANDARD',
            facts.incomeKnown,
            candidates.some(incomeBelow),
            lowest,
            incomeLimit,
          ),
          ...property,
        ]
      : []),
    check(
      'TEKUN_CENTRALISED_MEMBERS',
      true,
      eligible.filter((m) => m.inInstitution).length,
      'in an institution: centralised support, else dispersed',
    ),
  ];
  return programme('tekun', checks, () => eligible.length * policy.tekunStandardFen, {
    memberResidentIds: eligible.map((m) => m.residentId),
  });
}

export function decide(facts: HouseholdFacts, policy: Policy, asOf: string): Decision {
  const size = facts.members.length;
  const known = facts.incomeKnown;
  const income = facts.members.reduce((sum, m) => sum + m.monthlyIncomeFen, 0);
  const standardTotal = policy.dibaoStandardFen * size;
  const householdAssets = assetChecks(facts, policy, size);
  const perCapita = size === 0 ? 0 : Math.floor(income / size);

  const tekun = decideTekun(facts, policy, asOf);

  // Precedence: a person supported as tekun is not also counted for dibao — tekun members leave
  // the household's dibao calculation, and a household wholly covered by tekun has no dibao.
  const tekunIds = new Set(policy.tekunExcludedFromDibao ? (tekun.memberResidentIds ?? []) : []);
  const dibaoMembers = facts.members.filter((m) => !tekunIds.has(m.residentId));
  const dibaoIncome = dibaoMembers.reduce((sum, m) => sum + m.monthlyIncomeFen, 0);
  const dibaoStandardTotal = policy.dibaoStandardFen * dibaoMembers.length;

  // 低保: per-capita income below the standard (household income below standard × size), property within limits.
  const dibaoChecks = [
    ...(tekunIds.size > 0
      ? [check('MEMBERS_NOT_COVERED_BY_TEKUN', dibaoMembers.length > 0, dibaoMembers.length, 1)]
      : []),
    incomeCheck(
      'INCOME_BELOW_STANDARD',
      known,
      dibaoIncome < dibaoStandardTotal,
      dibaoIncome,
      dibaoStandardTotal,
    ),
    ...(tekunIds.size > 0 ? assetChecks(facts, policy, dibaoMembers.length) : householdAssets),
  ];
  const dibao = programme('dibao', dibaoChecks, () => Math.max(0, dibaoStandardTotal - dibaoIncome));

  // 低保边缘: at or above the standard and below multiplier × standard.
  const edgeCeiling = Math.ceil((standardTotal * policy.edgeMultiplierBp) / 10_000);
  const edge = programme(
    'edge',
    [
      incomeCheck('INCOME_AT_OR_ABOVE_STANDARD', known, income >= standardTotal, income, standardTotal),
      incomeCheck(
        'INCOME_WITHIN_EDGE_BAND',
        known,
        income * 10_000 < standardTotal * policy.edgeMultiplierBp,
        income,
        edgeCeiling,
      ),
      ...householdAssets,
    ],
    () => 0,
  );

  // 刚性支出困难: not already helped above; per-capita income below last year's disposable income;
  // property within limits; rigid spending over the window above the ratio of annual income.
  // Both income tests are exact in fen: annual household income against the per-capita limit ×
  // size, never a rounded per-capita figure.
  const alreadyHelped = [dibao, edge, tekun].some((p) => p.status === 'eligible');
  const annualIncome = income * 12;
  const disposableLimit = policy.lastYearDisposableIncomeFen * size;
  const hardshipChecks = [
    check('RULE_IN_FORCE', policy.rigidSpendingRatioBp > 0, policy.policyVersion, 'rigid-spending ratio set'),
    check(
      'NOT_OTHERWISE_ASSISTED',
      !alreadyHelped,
      alreadyHelped ? 'assisted' : 'not assisted',
      'not assisted',
    ),
    incomeCheck(
      'INCOME_BELOW_LOCAL_DISPOSABLE',
      known,
      annualIncome < disposableLimit,
      annualIncome,
      disposableLimit,
    ),
    // Nothing spent exceeds no share of any income: decided even while the income is unknown.
    check(
      'RIGID_SPENDING_ABOVE_RATIO',
      known && facts.rigidSpendingFen * 10_000 > annualIncome * policy.rigidSpendingRatioBp,
      known || facts.rigidSpendingFen === 0 ? facts.rigidSpendingFen : UNKNOWN,
      known ? Math.floor((annualIncome * policy.rigidSpendingRatioBp) / 10_000) : UNKNOWN,
    ),
    ...householdAssets,
  ];
  const hardship = programme('hardship', hardshipChecks, () => 0);

  // 残疾人两项补贴: living subsidy for disabled members of dibao or edge households; nursing subsidy
  // for grade 1–2, and grade 3–4 intellectual or mental disability.
  const poor = dibao.status === 'eligible' || edge.status === 'eligible';
  const maybePoor = dibao.status === 'needs_review' || edge.status === 'needs_review';
  const disabled = facts.members.filter((m) => m.disability !== undefined);
  const livingChecks = [
    check('DISABLED_MEMBERS', disabled.length > 0, disabled.length, 1),
    poor || !maybePoor
      ? check('LOW_INCOME_HOUSEHOLD', poor, poor ? 'dibao or edge' : 'neither', 'dibao or edge')
      : // Undecided with dibao and edge: what they wait for is what this waits for.
        check('LOW_INCOME_HOUSEHOLD', false, UNKNOWN, 'dibao or edge'),
  ];
  const living = programme(
    'disability-living',
    livingChecks,
    () => disabled.length * policy.disabilityLivingSubsidyFen,
    {
      memberResidentIds: poor ? disabled.map((m) => m.residentId) : [],
    },
  );
  if (living.status === 'needs_review')
    living.missing = [...new Set([...(dibao.missing ?? []), ...(edge.missing ?? [])])];
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
    ...(known ? {} : { missing: ['income'] as MissingFact[] }),
    programmes: [dibao, edge, tekun, hardship, living, nursing],
  };
}
