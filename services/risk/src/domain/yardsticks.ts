// The risk yardsticks (DOMAIN.md, "Catastrophic health expenditure"), as pure functions of a
// household's claims in the window, its income and size, and the policy in force. Every ratio
// is compared in integers (fen × basis points), so a threshold is exact to the fen.

export interface WindowClaim {
  claimId: string;
  /** YYYY-MM-DD, Asia/Shanghai. */
  dateOfCare: string;
  totalCostFen: number;
  insurancePaidFen: number;
  medicalAssistancePaidFen: number;
}

export interface RiskPolicy {
  policyVersion: string;
  dibaoStandardFen: number;
  riskWatchRatioBp: number;
  riskCatastrophicRatioBp: number;
  riskCapacityToPayRatioBp: number;
  majorIllnessClaimFen: number;
}

export type RiskLevel = 'watch' | 'catastrophic' | 'severe';
export const levelRank: Record<RiskLevel, number> = { watch: 1, catastrophic: 2, severe: 3 };

export interface RiskAssessment {
  windowStart: string;
  windowEnd: string;
  outOfPocketFen: number;
  /** Null when no member's income is known: ratio yardsticks cannot be applied. */
  annualIncomeFen: number | null;
  householdSize: number;
  level: RiskLevel | null;
  /** Out of pocket as basis points of annual income (rounded down); absent when income is 0 or unknown. */
  outOfPocketShareBp?: number;
  capacityToPayFen: number;
  /** Out of pocket as basis points of capacity to pay (rounded down); absent when capacity is 0. */
  outOfPocketCapacityShareBp?: number;
  perCapitaMonthlyIncomeBeforeFen?: number;
  perCapitaMonthlyIncomeAfterFen?: number;
  /**
   * For severe: whether medical costs took income from at or above the dibao line to below it
   * (因病致贫, pushed-below), or income was under the line already and the costs deepen it.
   */
  severeCause?: 'pushed-below' | 'already-below';
  /** Claims in the window, largest out of pocket first. */
  contributingClaimIds: string[];
  /** The same claims with their date of care and out of pocket. */
  contributingClaims: { claimId: string; dateOfCare: string; outOfPocketFen: number }[];
  /** Claims in the window whose own out of pocket is above the 大病 amount. */
  majorIllnessClaimIds: string[];
}

/** OOP of one claim: total − insurance − medical assistance, never below zero. */
export function outOfPocket(claim: WindowClaim): number {
  return Math.max(0, claim.totalCostFen - claim.insurancePaidFen - claim.medicalAssistancePaidFen);
}

/** The window (asOf − 12 months, asOf]: its exclusive start, the same calendar day a year before. */
export function windowStartOf(asOf: string): string {
  const [y, m, d] = asOf.split('-').map(Number) as [number, number, number];
  // 29 February has no twin a year before: the window then starts after 28 February.
  const lastDay = new Date(Date.UTC(y - 1, m, 0)).getUTCDate();
  return `${y - 1}-${String(m).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

export function assess(input: {
  claims: readonly WindowClaim[];
  annualIncomeFen: number | null;
  householdSize: number;
  policy: RiskPolicy;
  asOf: string;
}): RiskAssessment {
  const { policy, asOf } = input;
  const size = Math.max(1, input.householdSize);
  const windowStart = windowStartOf(asOf);
  const inWindow = input.claims.filter((c) => c.dateOfCare > windowStart && c.dateOfCare <= asOf);
  const ranked = [...inWindow].sort(
    (a, b) => outOfPocket(b) - outOfPocket(a) || a.claimId.localeCompare(b.claimId),
  );
  const oop = ranked.reduce((sum, claim) => sum + outOfPocket(claim), 0);
  const subsistence = policy.dibaoStandardFen * size * 12;
  const income = input.annualIncomeFen;
  const assessment: RiskAssessment = {
    windowStart,
    windowEnd: asOf,
    outOfPocketFen: oop,
    annualIncomeFen: income,
    householdSize: size,
    level: null,
    capacityToPayFen: income === null ? 0 : Math.max(0, income - subsistence),
    contributingClaimIds: ranked.filter((c) => outOfPocket(c) > 0).map((c) => c.claimId),
    contributingClaims: ranked
      .filter((c) => outOfPocket(c) > 0)
      .map((c) => ({ claimId: c.claimId, dateOfCare: c.dateOfCare, outOfPocketFen: outOfPocket(c) })),
    majorIllnessClaimIds: ranked
      .filter((c) => outOfPocket(c) > policy.majorIllnessClaimFen)
      .map((c) => c.claimId),
  };
  if (income === null || oop === 0) return assessment;

  if (income > 0) assessment.outOfPocketShareBp = Math.floor((oop * 10_000) / income);
  if (assessment.capacityToPayFen > 0)
    assessment.outOfPocketCapacityShareBp = Math.floor((oop * 10_000) / assessment.capacityToPayFen);
  assessment.perCapitaMonthlyIncomeBeforeFen = Math.floor(income / 12 / size);
  assessment.perCapitaMonthlyIncomeAfterFen = Math.max(0, Math.floor((income - oop) / 12 / size));

  // SDG 3.8.2: strictly greater than 10% (watch) and 25% (catastrophic) of income.
  const watch = oop * 10_000 > income * policy.riskWatchRatioBp;
  const overShare = oop * 10_000 > income * policy.riskCatastrophicRatioBp;
  // WHO capacity to pay: OOP ≥ 40% of (income − subsistence), or any OOP when that is not positive.
  const capacity = income - subsistence;
  const overCapacity = capacity <= 0 || oop * 10_000 >= capacity * policy.riskCapacityToPayRatioBp;
  // 因病致贫: per-capita monthly income after OOP below the dibao standard, i.e. (income − OOP) / 12 / size < standard.
  const severe = income - oop < subsistence;

  if (severe) {
    assessment.level = 'severe';
    // Per-capita income before OOP under the standard ⇔ income < standard × size × 12.
    assessment.severeCause = income < subsistence ? 'already-below' : 'pushed-below';
  } else if (overShare || overCapacity) assessment.level = 'catastrophic';
  else if (watch) assessment.level = 'watch';
  return assessment;
}
