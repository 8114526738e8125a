import { describe, expect, it } from 'vitest';
import { assess, type RiskPolicy, type WindowClaim, windowStartOf } from './yardsticks.ts';

// Taicang's 2020 standards: dibao 1,045 yuan; SDG 3.8.2 10% / 25%; WHO 40% of capacity to pay.
const policy: RiskPolicy = {
  policyVersion: 'taicang-2020-07-01',
  dibaoStandardFen: 104_500,
  riskWatchRatioBp: 1_000,
  riskCatastrophicRatioBp: 2_500,
  riskCapacityToPayRatioBp: 4_000,
  majorIllnessClaimFen: 5_000_000,
};
const asOf = '2026-03-02';
let seq = 0;
const claim = (oopFen: number, dateOfCare = '2026-01-15'): WindowClaim => ({
  claimId: `C${++seq}`,
  dateOfCare,
  totalCostFen: oopFen + 10_000,
  insurancePaidFen: 8_000,
  medicalAssistancePaidFen: 2_000,
});
const levelOf = (oops: number[], annualIncomeFen: number | null, householdSize = 1) =>
  assess({ claims: oops.map((oop) => claim(oop)), annualIncomeFen, householdSize, policy, asOf }).level;

describe('the yardsticks', () => {
  it('a household of 3 earning 6,000 yuan a month with 19,000 yuan out of pocket is catastrophic (26.4% > 25%)', () => {
    const result = assess({
      claims: [claim(1_200_000), claim(700_000)],
      annualIncomeFen: 7_200_000,
      householdSize: 3,
      policy,
      asOf,
    });
    expect(result.level).toBe('catastrophic');
    expect(result.outOfPocketFen).toBe(1_900_000);
    expect(result.outOfPocketShareBp).toBe(2638);
    // 72,000 − 1,045 × 3 × 12 = 34,380 yuan capacity to pay; 19,000 is 55% of it.
    expect(result.capacityToPayFen).toBe(3_438_000);
    expect(result.outOfPocketCapacityShareBp).toBe(5526);
    expect(result.contributingClaims.map((c) => c.outOfPocketFen)).toEqual([1_200_000, 700_000]);
    expect(result.perCapitaMonthlyIncomeAfterFen).toBe(147_222);
  });

  // 100,000 yuan a year for one person: capacity to pay (87,460) keeps the WHO test out of the way.
  it('watch is strictly above 10% of income', () => {
    expect(levelOf([1_000_000], 10_000_000)).toBeNull();
    expect(levelOf([1_000_001], 10_000_000)).toBe('watch');
  });

  it('catastrophic is strictly above 25% of income', () => {
    expect(levelOf([2_500_000], 10_000_000)).toBe('watch');
    expect(levelOf([2_500_001], 10_000_000)).toBe('catastrophic');
  });

  // 20,000 yuan a year for one person: capacity to pay 7,460 yuan, 40% of it 2,984 yuan.
  it('catastrophic at 40% of capacity to pay, inclusive', () => {
    expect(levelOf([298_399], 2_000_000)).toBe('watch');
    expect(levelOf([298_400], 2_000_000)).toBe('catastrophic');
  });

  it('severe when the per-capita income left falls below the dibao standard', () => {
    // 20,000 − 7,460 = 12,540 yuan = 1,045 × 12: exactly at the standard is not below it.
    expect(levelOf([746_000], 2_000_000)).toBe('catastrophic');
    expect(levelOf([746_001], 2_000_000)).toBe('severe');
  });

  it('severe tells pushed below the line by medical costs from already below it (one fen either side)', () => {
    const causeOf = (oop: number, income: number) =>
      assess({ claims: [claim(oop)], annualIncomeFen: income, householdSize: 1, policy, asOf }).severeCause;
    // Exactly at the line (1,045 × 12 = 12,540 yuan): one fen of care pushes it below.
    expect(causeOf(1, 1_254_000)).toBe('pushed-below');
    // One fen a year under the line: already below before any care.
    expect(causeOf(1, 1_253_999)).toBe('already-below');
    expect(causeOf(746_001, 2_000_000)).toBe('pushed-below');
    // Not severe: no cause.
    expect(causeOf(746_000, 2_000_000)).toBeUndefined();
  });

  it('claims of two members sum', () => {
    expect(levelOf([500_000, 500_001], 10_000_000)).toBe('watch');
  });

  it('any out of pocket is severe when income is at or below subsistence (capacity to pay ≤ 0)', () => {
    expect(levelOf([1], 1_254_000)).toBe('severe');
    expect(levelOf([0], 1_254_000)).toBeNull();
  });

  it('without income data no ratio applies, but a 大病 claim is still seen', () => {
    const result = assess({
      claims: [claim(5_000_001), claim(5_000_000)],
      annualIncomeFen: null,
      householdSize: 2,
      policy,
      asOf,
    });
    expect(result.level).toBeNull();
    expect(result.majorIllnessClaimIds).toHaveLength(1);
  });
});

describe('the window (today − 12 months, today]', () => {
  it('counts a claim of 364 days ago and drops one of exactly a year ago', () => {
    expect(windowStartOf('2026-03-02')).toBe('2025-03-02');
    const claims = [claim(2_000_000, '2025-03-02'), claim(1_000_001, '2025-03-03')];
    const result = assess({ claims, annualIncomeFen: 10_000_000, householdSize: 1, policy, asOf });
    expect(result.outOfPocketFen).toBe(1_000_001);
    expect(result.level).toBe('watch');
  });

  it('ignores care dated after the as-of day, and handles 29 February', () => {
    expect(levelOf([], 10_000_000)).toBeNull();
    const result = assess({
      claims: [claim(2_000_000, '2026-03-03')],
      annualIncomeFen: 10_000_000,
      householdSize: 1,
      policy,
      asOf,
    });
    expect(result.outOfPocketFen).toBe(0);
    expect(windowStartOf('2028-02-29')).toBe('2027-02-28');
  });
});
