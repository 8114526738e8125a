// A small reference implementation of the risk yardsticks and discovery's default rules, written
// for the end-to-end test from DOMAIN.md ("Catastrophic health expenditure") and the services'
// READMEs — not from the services' code. From the events the test posted it says which alerts must
// exist at the end, with which priority. It holds for inputs whose out-of-pocket only grows (no
// corrections or reversals, incomes known before the claims), where the highest level a household
// reaches is the level of its final state, whatever order the platform processed the claims in.
// Enrolments are known before the claims too (the test loads every fact first).

import type {
  AssistanceEnrolmentChanged,
  AssistanceEnrolmentRetracted,
  HouseholdRegistered,
  MedicalExpenseRecorded,
  MemberIncomeReported,
  PolicyVersionPublished,
} from '@huimin/contracts';

export interface ExpectedAlert {
  householdId: string;
  type: 'medical-hardship' | 'major-illness';
  priority: 'P1' | 'P2' | 'P3';
}

/** The calendar day a year before (29 February → 28 February): the window's exclusive start. */
function yearBefore(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const daysInMonth = new Date(Date.UTC(y - 1, m, 0)).getUTCDate();
  return [y - 1, m, Math.min(d, daysInMonth)]
    .map((n, i) => String(n).padStart(i === 0 ? 4 : 2, '0'))
    .join('-');
}

/** The policy in force on `day`: the latest effectiveFrom on or before it. */
export function policyOn(policies: readonly PolicyVersionPublished[], day: string): PolicyVersionPublished {
  const inForce = policies
    .filter((p) => p.effectiveFrom <= day)
    .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
  if (!inForce) throw new Error(`no policy in force on ${day}`);
  return inForce;
}

/**
 * The programmes each household receives on `today`, from the assistance system's enrolment feed:
 * per enrolment, its latest change by business date on or before today that was not retracted;
 * an exit ends it.
 */
export function receivingOn(
  changes: readonly AssistanceEnrolmentChanged[],
  retractions: readonly AssistanceEnrolmentRetracted[],
  today: string,
): Map<string, Set<string>> {
  const withdrawn = new Set(retractions.map((r) => `${r.enrolmentId}|${r.businessDate}`));
  const latest = new Map<string, AssistanceEnrolmentChanged>();
  for (const c of changes) {
    if (c.businessDate > today || withdrawn.has(`${c.enrolmentId}|${c.businessDate}`)) continue;
    const seen = latest.get(c.enrolmentId);
    if (!seen || seen.businessDate <= c.businessDate) latest.set(c.enrolmentId, c);
  }
  const receiving = new Map<string, Set<string>>();
  for (const c of latest.values()) {
    if (c.change === 'exited') continue;
    const set = receiving.get(c.householdId) ?? new Set<string>();
    set.add(c.programme);
    receiving.set(c.householdId, set);
  }
  return receiving;
}

export function expectedAlerts(input: {
  households: readonly HouseholdRegistered[];
  incomes: readonly MemberIncomeReported[];
  claims: readonly MedicalExpenseRecorded[];
  /** The assistance system's enrolment feed (who receives dibao or tekun). */
  enrolments?: readonly AssistanceEnrolmentChanged[];
  enrolmentRetractions?: readonly AssistanceEnrolmentRetracted[];
  policy: PolicyVersionPublished;
  /** Asia/Shanghai calendar date the platform evaluates on. */
  today: string;
}): ExpectedAlert[] {
  const receiving = receivingOn(input.enrolments ?? [], input.enrolmentRetractions ?? [], input.today);
  const { policy, today } = input;
  const start = yearBefore(today);
  const householdOf = new Map<string, string>();
  for (const h of input.households) for (const m of h.members) householdOf.set(m.residentId, h.householdId);

  // The latest report per member (by business date) is the member's income.
  const latest = new Map<string, MemberIncomeReported>();
  for (const r of input.incomes) {
    const seen = latest.get(r.residentId);
    if (!seen || seen.businessDate <= r.businessDate) latest.set(r.residentId, r);
  }
  const monthlyIncome = new Map<string, bigint>();
  for (const r of latest.values()) {
    const householdId = householdOf.get(r.residentId);
    if (!householdId) continue;
    const sum = r.incomes.reduce((acc, i) => acc + BigInt(i.monthlyFen), 0n);
    monthlyIncome.set(householdId, (monthlyIncome.get(householdId) ?? 0n) + sum);
  }

  const oop = new Map<string, bigint>();
  const major = new Set<string>();
  const byClaim = new Map<string, MedicalExpenseRecorded>();
  for (const c of input.claims) byClaim.set(c.claimId, c); // a claim id twice: the later one stands
  for (const c of byClaim.values()) {
    const householdId = householdOf.get(c.patientResidentId);
    if (!householdId || !(c.dateOfCare > start && c.dateOfCare <= today)) continue;
    const own = BigInt(Math.max(0, c.totalCostFen - c.insurancePaidFen - c.medicalAssistancePaidFen));
    oop.set(householdId, (oop.get(householdId) ?? 0n) + own);
    if (own > BigInt(policy.majorIllnessClaimFen)) major.add(householdId);
  }

  const expected: ExpectedAlert[] = [];
  for (const h of input.households) {
    const id = h.householdId;
    if (major.has(id)) expected.push({ householdId: id, type: 'major-illness', priority: 'P2' });
    const spent = oop.get(id) ?? 0n;
    const monthly = monthlyIncome.get(id);
    // No member's income known, or nothing spent: no ratio yardstick applies.
    if (monthly === undefined || spent === 0n) continue;
    const income = monthly * 12n;
    const subsistence = BigInt(policy.dibaoStandardFen) * BigInt(h.members.length) * 12n;
    const capacity = income - subsistence;
    // Per-capita monthly income left after OOP below the standard ⇔ income − OOP < standard × size × 12.
    const severe = income - spent < subsistence;
    const catastrophic =
      spent * 10_000n > income * BigInt(policy.riskCatastrophicRatioBp) ||
      capacity <= 0n ||
      spent * 10_000n >= capacity * BigInt(policy.riskCapacityToPayRatioBp);
    const watch = spent * 10_000n > income * BigInt(policy.riskWatchRatioBp);
    // Severe splits in two (discovery's README): pushed below the line by the care (因病致贫, P1),
    // or under the line before any care — then P2 when the household already receives dibao or
    // tekun (a medical-assistance follow-up), P1 when it receives neither (the eligibility gap).
    const alreadyBelow = income < subsistence;
    const assisted = ['dibao', 'tekun-dispersed', 'tekun-centralised'].some((p) => receiving.get(id)?.has(p));
    const priority = severe
      ? alreadyBelow && assisted
        ? 'P2'
        : 'P1'
      : catastrophic
        ? 'P2'
        : watch
          ? 'P3'
          : undefined;
    if (priority) expected.push({ householdId: id, type: 'medical-hardship', priority });
  }
  return expected;
}
