import { describe, expect, it } from 'vitest';
import { type ElderFacts, monthlyEntitlementFen, policyOn, seedPolicies, splitCost } from './policy.ts';

const rules = seedPolicies[0]?.rules;
if (!rules) throw new Error('seed policy missing');
const base: ElderFacts = {
  birthDate: '1950-06-15',
  livingAlone: false,
  dibao: false,
  tekun: false,
  disabilityGrade: null,
  dependencyLevel: 0,
};

describe('monthly entitlement (seed figures, assumed)', () => {
  it('gives a 75-year-old with no status nothing, and adds each component that applies', () => {
    expect(monthlyEntitlementFen(base, rules, '2026-03-01')).toBe(0);
    // dibao 200 + living alone 50 + severe disability 100 + dependency level 2: 200 yuan.
    expect(
      monthlyEntitlementFen(
        { ...base, dibao: true, livingAlone: true, disabilityGrade: 2, dependencyLevel: 2 },
        rules,
        '2026-03-01',
      ),
    ).toBe(55_000);
  });

  it('counts 80+ from the first of the month after the birthday', () => {
    const turning80 = { ...base, birthDate: '1946-03-02' };
    expect(monthlyEntitlementFen(turning80, rules, '2026-03-01')).toBe(0);
    expect(monthlyEntitlementFen(turning80, rules, '2026-04-01')).toBe(10_000);
  });

  it('gives nothing under 60, whatever the status', () => {
    expect(
      monthlyEntitlementFen({ ...base, birthDate: '1970-01-01', tekun: true }, rules, '2026-03-01'),
    ).toBe(0);
  });
});

describe('cost split', () => {
  it('takes the subsidy from what is left and never more', () => {
    expect(splitCost(6_000, 15_000)).toEqual({ subsidyFen: 6_000, selfPayFen: 0 });
    expect(splitCost(6_000, 3_000)).toEqual({ subsidyFen: 3_000, selfPayFen: 3_000 });
    expect(splitCost(6_000, 0)).toEqual({ subsidyFen: 0, selfPayFen: 6_000 });
  });
});

describe('policy in force', () => {
  it('is the latest version effective on or before the date', () => {
    const later = {
      ...seedPolicies[0],
      policyVersion: 'v2',
      effectiveFrom: '2026-07-01',
    } as (typeof seedPolicies)[0];
    const all = [...seedPolicies, later];
    expect(policyOn(all, '2026-06-30')?.policyVersion).toBe('eldercare-2021-01-01');
    expect(policyOn(all, '2026-07-01')?.policyVersion).toBe('v2');
    expect(policyOn(all, '2020-12-31')).toBeUndefined();
  });
});
