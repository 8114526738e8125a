import type { Check, HouseholdFacts } from './decide.ts';
import { UNKNOWN } from './decide.ts';
import type { Policy } from './policy.ts';

// 临时救助 (temporary assistance): a one-off payment after a sudden event. Who qualifies (the
// cause, the household's income and assets), how much (a multiple of the monthly dibao standard per
// person, by cause, capped per case), how often (a waiting period between two grants) and who
// approves (by amount) are all policy data, versioned like the screening policy. Money in fen,
// every comparison in integers.

export const CAUSES = ['major-illness', 'accident', 'disaster', 'death', 'rigid-expense'] as const;
export type Cause = (typeof CAUSES)[number];
export type ApprovalLevel = 'town' | 'bureau';

export interface TemporaryAssistancePolicy {
  policyVersion: string;
  /** 00:00 Asia/Shanghai on this date, until the next version's date. */
  effectiveFrom: string;
  /** Household income line: monthly income at most this share of the dibao standard per person. */
  incomeLineBpOfDibao: number;
  /** Financial assets at most this many months of the dibao standard per person. */
  financialAssetsMonthsOfStandard: number;
  /** The amount: this many months of the dibao standard per household member, by cause. */
  monthsOfStandardPerPerson: Record<Cause, number>;
  /** No single grant above this, whatever the multiple. */
  perCaseCeilingFen: number;
  /** Days after a grant during which the household cannot receive another (the grant day is day 1). */
  waitingPeriodDays: number;
  /** Amounts up to this are approved by the town; above it, by the bureau. */
  townApprovalUpToFen: number;
  assumed: string[];
  sources: { parameter: string; source: string }[];
}

const sources = [
  {
    parameter: 'monthsOfStandardPerPerson',
    source:
      '国务院关于全面建立临时救助制度的通知（国发〔2014〕47号）：临时救助标准由县级以上地方人民政府确定，与当地经济社会发展水平相适应；地方常见以当地月低保标准的倍数核定',
  },
  {
    parameter: 'townApprovalUpToFen',
    source:
      '民政部 财政部关于进一步加强和改进临时救助工作的意见（民发〔2018〕23号）：审批权限可下放至乡镇人民政府（街道办事处），超出权限的报县级民政部门审批',
  },
];

/** DOMAIN.md's defaults: 3–6 months per person for ordinary cases, 12 for major illness; a per-case ceiling. */
export const seedTemporaryAssistancePolicies: TemporaryAssistancePolicy[] = [
  {
    policyVersion: 'taicang-ta-2024-10-24',
    effectiveFrom: '2024-10-24',
    incomeLineBpOfDibao: 20_000,
    financialAssetsMonthsOfStandard: 24,
    monthsOfStandardPerPerson: {
      'major-illness': 12,
      accident: 6,
      disaster: 6,
      death: 3,
      'rigid-expense': 3,
    },
    perCaseCeilingFen: 3_000_000,
    waitingPeriodDays: 180,
    townApprovalUpToFen: 500_000,
    assumed: [
      'incomeLineBpOfDibao',
      'financialAssetsMonthsOfStandard',
      'monthsOfStandardPerPerson',
      'perCaseCeilingFen',
      'waitingPeriodDays',
      'townApprovalUpToFen',
    ],
    sources,
  },
];

export function taPolicyOn(
  policies: readonly TemporaryAssistancePolicy[],
  date: string,
): TemporaryAssistancePolicy | undefined {
  return [...policies]
    .filter((p) => p.effectiveFrom <= date)
    .sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
}

export interface TemporaryAssistanceRequest {
  cause: Cause;
  /** What the handler asks for; 0 asks for the most the rule allows. */
  requestedFen: number;
  /** The household's last grant (YYYY-MM-DD), from the assistance service's records. */
  lastGrantedOn?: string;
  asOf: string;
}

export interface TemporaryAssistanceDecision {
  householdId: string;
  asOf: string;
  /** The temporary-assistance rule's version and the screening version whose dibao standard it multiplies. */
  policyVersion: string;
  standardPolicyVersion: string;
  dibaoStandardFen: number;
  householdSize: number;
  cause: Cause;
  status: 'eligible' | 'ineligible' | 'needs_review';
  /** The most the rule allows (the multiple, capped by the ceiling). */
  maximumFen: number;
  /** The amount proposed: the request when it passes, else the maximum; 0 when not eligible. */
  proposedFen: number;
  approvalLevel: ApprovalLevel;
  /** The first day a next grant is possible, when a waiting period applies. */
  nextPossibleOn?: string;
  checks: Check[];
}

/** Adds days to a calendar date (UTC arithmetic on a date, no time zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function decideTemporaryAssistance(
  facts: HouseholdFacts,
  standard: Policy,
  policy: TemporaryAssistancePolicy,
  request: TemporaryAssistanceRequest,
): TemporaryAssistanceDecision {
  const size = facts.members.length;
  const income = facts.members.reduce((sum, m) => sum + m.monthlyIncomeFen, 0);
  // The line for the household, in whole fen: the per-person line times the household's size.
  const incomeLine = Math.floor((standard.dibaoStandardFen * policy.incomeLineBpOfDibao * size) / 10_000);
  const assetLimit = policy.financialAssetsMonthsOfStandard * standard.dibaoStandardFen * size;
  const multiple = policy.monthsOfStandardPerPerson[request.cause] * standard.dibaoStandardFen * size;
  const maximumFen = Math.min(multiple, policy.perCaseCeilingFen);
  const requested = request.requestedFen > 0 ? request.requestedFen : maximumFen;
  const nextPossibleOn = request.lastGrantedOn
    ? addDays(request.lastGrantedOn, policy.waitingPeriodDays)
    : undefined;
  const a = facts.assets;
  const checks: Check[] = [
    {
      code: 'TA_INCOME_WITHIN_LINE',
      passed: facts.incomeKnown && income <= incomeLine,
      actual: facts.incomeKnown ? income : UNKNOWN,
      threshold: incomeLine,
    },
    {
      code: 'TA_ASSETS_WITHIN_LIMIT',
      passed: a !== null && a.financialAssetsFen <= assetLimit,
      actual: a?.financialAssetsFen ?? UNKNOWN,
      threshold: assetLimit,
    },
    {
      code: 'TA_WAITING_PERIOD_OVER',
      passed: nextPossibleOn === undefined || request.asOf >= nextPossibleOn,
      actual: request.lastGrantedOn ?? 'none',
      threshold: nextPossibleOn ?? 'none',
    },
    {
      code: 'TA_WITHIN_CAUSE_MULTIPLE',
      passed: requested <= multiple,
      actual: requested,
      threshold: multiple,
    },
    {
      code: 'TA_WITHIN_CEILING',
      passed: requested <= policy.perCaseCeilingFen,
      actual: requested,
      threshold: policy.perCaseCeilingFen,
    },
  ];
  const failed = checks.filter((c) => !c.passed);
  const status =
    failed.length === 0
      ? 'eligible'
      : failed.every((c) => c.actual === UNKNOWN)
        ? 'needs_review'
        : 'ineligible';
  const proposedFen = status === 'eligible' ? requested : 0;
  return {
    householdId: facts.householdId,
    asOf: request.asOf,
    policyVersion: policy.policyVersion,
    standardPolicyVersion: standard.policyVersion,
    dibaoStandardFen: standard.dibaoStandardFen,
    householdSize: size,
    cause: request.cause,
    status,
    maximumFen,
    proposedFen,
    approvalLevel: (proposedFen || maximumFen) <= policy.townApprovalUpToFen ? 'town' : 'bureau',
    ...(nextPossibleOn ? { nextPossibleOn } : {}),
    checks,
  };
}
