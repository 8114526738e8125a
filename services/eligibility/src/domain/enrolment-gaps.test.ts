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
  incomeKnown: true,
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
      incomeKnown: true,
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

describe('tekun takes precedence over dibao (one person is not paid twice)', () => {
  // A 70-year-old alone: no income, no work ability, no able supporter — tekun; once counted for
  // tekun, nobody is left in the household's dibao calculation.
  const elder = {
    residentId: '990000195501010011',
    birthDate: '1955-01-01',
    workAbility: 'none' as const,
    inInstitution: false,
    monthlyIncomeFen: 0,
    hasAbleSupporter: false,
  };
  const alone: HouseholdFacts = { ...poor, householdId: 'H3', members: [elder] };
  const tekunEnrolled = [{ enrolmentId: 'TK-1', programme: 'tekun-dispersed' as const, monthlyFen: 146_300 }];

  it('a household wholly covered by tekun has no dibao gap, enrolled in tekun or not', () => {
    const decision = decide(alone, policy, asOf);
    expect(decision.programmes.find((p) => p.programme === 'dibao')).toMatchObject({
      status: 'ineligible',
      checks: expect.arrayContaining([
        { code: 'MEMBERS_NOT_COVERED_BY_TEKUN', passed: false, actual: 0, threshold: 1 },
      ]),
    });
    expect(enrolmentGaps(decision, tekunEnrolled)).toEqual([]);
    expect(enrolmentGaps(decision, []).map((g) => g.programme)).toEqual(['tekun-dispersed']);
  });

  it('paid dibao as well as tekun: the dibao is receiving but not eligible', () => {
    const both = [
      ...tekunEnrolled,
      { enrolmentId: 'DB-9', programme: 'dibao' as const, monthlyFen: 104_500 },
    ];
    expect(enrolmentGaps(decide(alone, policy, asOf), both)).toEqual([
      {
        programme: 'dibao',
        kind: 'receiving-not-eligible',
        enrolmentId: 'DB-9',
        receivingMonthlyFen: 104_500,
        decidedMonthlyFen: 0,
      },
    ]);
  });

  it('the other members still count for dibao: the son earning 500 yuan is a household of one', () => {
    const son = {
      ...elder,
      residentId: '990000198501010031',
      birthDate: '1985-01-01',
      workAbility: 'full' as const,
      monthlyIncomeFen: 50_000,
    };
    const decision = decide({ ...alone, members: [elder, son] }, policy, asOf);
    // 1 × 1,045 − 500 = 545 yuan, not 2 × 1,045 − 500.
    expect(enrolmentGaps(decision, tekunEnrolled)).toEqual([
      {
        programme: 'dibao',
        kind: 'eligible-not-receiving',
        receivingMonthlyFen: 0,
        decidedMonthlyFen: 54_500,
      },
    ]);
  });

  it('is policy data: without the precedence the elder screens for both and dibao is a gap', () => {
    const without = { ...policy, tekunExcludedFromDibao: false };
    expect(enrolmentGaps(decide(alone, without, asOf), tekunEnrolled)).toEqual([
      {
        programme: 'dibao',
        kind: 'eligible-not-receiving',
        receivingMonthlyFen: 0,
        decidedMonthlyFen: 104_500,
      },
    ]);
  });
});
