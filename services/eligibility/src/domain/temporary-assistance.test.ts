import { describe, expect, it } from 'vitest';
import type { HouseholdFacts } from './decide.ts';
import { type Policy, policyOn, seedPolicies } from './policy.ts';
import {
  decideTemporaryAssistance,
  seedTemporaryAssistancePolicies,
  type TemporaryAssistancePolicy,
  taPolicyOn,
} from './temporary-assistance.ts';

const asOf = '2025-03-02';
const standard = policyOn(seedPolicies, asOf) as Policy; // dibao 1,045 yuan per person per month
const rule = taPolicyOn(seedTemporaryAssistancePolicies, asOf) as TemporaryAssistancePolicy;

const household = (incomes: number[], financialAssetsFen = 0): HouseholdFacts => ({
  householdId: 'H1',
  members: incomes.map((monthlyIncomeFen, i) => ({
    residentId: `99000019800101000${i}`,
    birthDate: '1980-01-01',
    workAbility: 'full',
    inInstitution: false,
    monthlyIncomeFen,
    hasAbleSupporter: false,
  })),
  incomeKnown: true,
  assets: { financialAssetsFen, hasNonEssentialVehicle: false, propertyCount: 1 },
  rigidSpendingFen: 0,
});

const check = (d: ReturnType<typeof decideTemporaryAssistance>, code: string) =>
  d.checks.find((c) => c.code === code);

describe('temporary assistance (临时救助), a household of 3 under the 2024 rule', () => {
  // Income line: 2 × 1,045 yuan × 3 people = 6,270 yuan a month.
  it('income at the line qualifies; one fen over refuses on the income check, with both figures', () => {
    const at = decideTemporaryAssistance(household([627_000, 0, 0]), standard, rule, {
      cause: 'accident',
      requestedFen: 0,
      asOf,
    });
    expect(at.status).toBe('eligible');
    const under = decideTemporaryAssistance(household([626_999, 0, 0]), standard, rule, {
      cause: 'accident',
      requestedFen: 0,
      asOf,
    });
    expect(under.status).toBe('eligible');
    const over = decideTemporaryAssistance(household([627_001, 0, 0]), standard, rule, {
      cause: 'accident',
      requestedFen: 0,
      asOf,
    });
    expect(over.status).toBe('ineligible');
    expect(over.proposedFen).toBe(0);
    expect(check(over, 'TA_INCOME_WITHIN_LINE')).toEqual({
      code: 'TA_INCOME_WITHIN_LINE',
      passed: false,
      actual: 627_001,
      threshold: 627_000,
    });
    expect(over.policyVersion).toBe('taicang-ta-2024-10-24');
    expect(over.standardPolicyVersion).toBe('taicang-2024-10-24');
  });

  it('sizes the amount by cause and household size: 6 months × 1,045 yuan × 3 for an accident', () => {
    const d = decideTemporaryAssistance(household([0, 0, 0]), standard, rule, {
      cause: 'accident',
      requestedFen: 0,
      asOf,
    });
    expect(d.maximumFen).toBe(1_881_000);
    expect(d.proposedFen).toBe(1_881_000);
    expect(d.approvalLevel).toBe('bureau');
    const small = decideTemporaryAssistance(household([0]), standard, rule, {
      cause: 'death',
      requestedFen: 0,
      asOf,
    });
    expect(small.proposedFen).toBe(313_500);
    expect(small.approvalLevel).toBe('town');
  });

  it('a major illness is capped at the per-case ceiling; the ceiling itself passes, one fen over refuses', () => {
    // 12 × 1,045 × 3 = 37,620 yuan, over the 30,000-yuan ceiling.
    const max = decideTemporaryAssistance(household([0, 0, 0]), standard, rule, {
      cause: 'major-illness',
      requestedFen: 0,
      asOf,
    });
    expect(max.maximumFen).toBe(3_000_000);
    const atCeiling = decideTemporaryAssistance(household([0, 0, 0]), standard, rule, {
      cause: 'major-illness',
      requestedFen: 3_000_000,
      asOf,
    });
    expect(atCeiling).toMatchObject({ status: 'eligible', proposedFen: 3_000_000 });
    const over = decideTemporaryAssistance(household([0, 0, 0]), standard, rule, {
      cause: 'major-illness',
      requestedFen: 3_000_001,
      asOf,
    });
    expect(over.status).toBe('ineligible');
    expect(check(over, 'TA_WITHIN_CEILING')).toMatchObject({
      passed: false,
      actual: 3_000_001,
      threshold: 3_000_000,
    });
  });

  it('the waiting period: refused on its last day (day 180 counting the grant day), allowed the day after', () => {
    const lastDay = decideTemporaryAssistance(household([0]), standard, rule, {
      cause: 'accident',
      requestedFen: 0,
      lastGrantedOn: '2024-09-04',
      asOf: '2025-03-02',
    });
    expect(lastDay.status).toBe('ineligible');
    expect(lastDay.nextPossibleOn).toBe('2025-03-03');
    expect(check(lastDay, 'TA_WAITING_PERIOD_OVER')).toMatchObject({
      passed: false,
      threshold: '2025-03-03',
    });
    const after = decideTemporaryAssistance(household([0]), standard, rule, {
      cause: 'accident',
      requestedFen: 0,
      lastGrantedOn: '2024-09-04',
      asOf: '2025-03-03',
    });
    expect(after.status).toBe('eligible');
  });

  it('assets over 24 months of the standard per person refuse; unknown income is a case for review', () => {
    const rich = decideTemporaryAssistance(household([0], 2_508_001), standard, rule, {
      cause: 'accident',
      requestedFen: 0,
      asOf,
    });
    expect(check(rich, 'TA_ASSETS_WITHIN_LIMIT')).toMatchObject({ passed: false, threshold: 2_508_000 });
    const unknown = decideTemporaryAssistance({ ...household([0]), incomeKnown: false }, standard, rule, {
      cause: 'accident',
      requestedFen: 0,
      asOf,
    });
    expect(unknown.status).toBe('needs_review');
  });
});
