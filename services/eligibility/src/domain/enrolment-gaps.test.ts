import { describe, expect, it } from 'vitest';
import { decide, type HouseholdFacts } from './decide.ts';
import { enrolmentGaps, sameGaps } from './enrolment-gaps.ts';
import { type Policy, policyOn, seedPolicies } from './policy.ts';

const policy = policyOn(seedPolicies, '2025-03-02') as Policy; // dibao 1,045 yuan, tekun 1,463 yuan
const asOf = '2025-03-02';

// Two adults earning 1,500 yuan in all: dibao 2 × 1,045 − 1,500 = 590 yuan.
const poor: HouseholdFacts = {
  householdId: 'H1',
  members: [
    {
      residentId: '990000198001010011',
      birthDate: '1980-01-01',
      workAbility: 'full',
      inInstitution: false,
      monthlyIncomeFen: 150_000,
      hasAbleSupporter: false,
    },
    {
      residentId: '990000198201010021',
      birthDate: '1982-01-01',
      workAbility: 'full',
      inInstitution: false,
      monthlyIncomeFen: 0,
      hasAbleSupporter: false,
    },
  ],
  assets: { financialAssetsFen: 0, hasNonEssentialVehicle: false, propertyCount: 1 },
  rigidSpendingFen: 0,
};

describe('screening against enrolment', () => {
  it('eligible for dibao and not enrolled: eligible but not receiving, with the amount decided', () => {
    expect(enrolmentGaps(decide(poor, policy, asOf), [])).toEqual([
      {
        programme: 'dibao',
        kind: 'eligible-not-receiving',
        receivingMonthlyFen: 0,
        decidedMonthlyFen: 59_000,
      },
    ]);
  });

  it('enrolled in what it screens for: no gap', () => {
    const enrolled = [{ enrolmentId: 'DB-1', programme: 'dibao' as const, monthlyFen: 59_000 }];
    expect(enrolmentGaps(decide(poor, policy, asOf), enrolled)).toEqual([]);
  });

  it('receiving dibao while income has risen to the standard: receiving but no longer eligible', () => {
    const richer = structuredClone(poor);
    (richer.members[0] as { monthlyIncomeFen: number }).monthlyIncomeFen = 209_000; // exactly 2 × 1,045
    const enrolled = [{ enrolmentId: 'DB-1', programme: 'dibao' as const, monthlyFen: 59_000 }];
    const gaps = enrolmentGaps(decide(richer, policy, asOf), enrolled);
    expect(gaps).toContainEqual({
      programme: 'dibao',
      kind: 'receiving-not-eligible',
      enrolmentId: 'DB-1',
      receivingMonthlyFen: 59_000,
      decidedMonthlyFen: 0,
    });
    // At exactly the standard the household is a low-income edge household, not yet enrolled as one.
    expect(gaps).toContainEqual(
      expect.objectContaining({ programme: 'edge', kind: 'eligible-not-receiving' }),
    );
  });

  it('without an asset report the screening needs review: neither gap is claimed', () => {
    const unknown = { ...poor, assets: null };
    const enrolled = [{ enrolmentId: 'DB-1', programme: 'dibao' as const, monthlyFen: 59_000 }];
    expect(enrolmentGaps(decide(unknown, policy, asOf), enrolled)).toEqual([]);
    expect(enrolmentGaps(decide(unknown, policy, asOf), [])).toEqual([]);
  });

  it('tekun enrolled dispersed counts for tekun screened; an elder alone unenrolled is a dispersed-tekun gap', () => {
    const elder: HouseholdFacts = {
      householdId: 'H2',
      members: [
        {
          residentId: '990000194001010011',
          birthDate: '1940-01-01',
          workAbility: 'none',
          inInstitution: false,
          monthlyIncomeFen: 0,
          hasAbleSupporter: false,
        },
      ],
      assets: { financialAssetsFen: 0, hasNonEssentialVehicle: false, propertyCount: 1 },
      rigidSpendingFen: 0,
    };
    const decision = decide(elder, policy, asOf);
    expect(enrolmentGaps(decision, [])).toContainEqual({
      programme: 'tekun-dispersed',
      kind: 'eligible-not-receiving',
      receivingMonthlyFen: 0,
      decidedMonthlyFen: 146_300,
    });
    const gaps = enrolmentGaps(decision, [
      { enrolmentId: 'TK-1', programme: 'tekun-dispersed', monthlyFen: 146_300 },
    ]);
    expect(gaps.filter((g) => g.programme.startsWith('tekun'))).toEqual([]);
  });

  it('compares gaps regardless of order', () => {
    const a = enrolmentGaps(decide(poor, policy, asOf), []);
    expect(sameGaps(a, [...a].reverse())).toBe(true);
    expect(sameGaps(a, [])).toBe(false);
  });
});
