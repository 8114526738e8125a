import { describe, expect, it } from 'vitest';
import { ageOn, decide, type HouseholdFacts, type MemberFacts, type Programme } from './decide.ts';
import { type Policy, policyOn, seedPolicies } from './policy.ts';

const p2024 = policyOn(seedPolicies, '2025-03-02') as Policy; // dibao 1,045 yuan; rigid-spending rule in force
const asOf = '2025-03-02';

const member = (overrides: Partial<MemberFacts> = {}): MemberFacts => ({
  residentId: `99000019800101${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`,
  birthDate: '1980-01-01',
  workAbility: 'full',
  inInstitution: false,
  monthlyIncomeFen: 0,
  hasAbleSupporter: false,
  ...overrides,
});

const household = (incomes: number[], overrides: Partial<HouseholdFacts> = {}): HouseholdFacts => ({
  householdId: 'H1',
  members: incomes.map((monthlyIncomeFen) => member({ monthlyIncomeFen })),
  assets: { financialAssetsFen: 0, hasNonEssentialVehicle: false, propertyCount: 1 },
  rigidSpendingFen: 0,
  ...overrides,
});

const status = (facts: HouseholdFacts, programme: Programme, policy = p2024, date = asOf) =>
  decide(facts, policy, date).programmes.find((p) => p.programme === programme)?.status;

describe('dibao (低保): a household of 3 against 1,045 yuan per person (3,135 yuan)', () => {
  it('income exactly at the standard is not below it; one fen below is, with the gap as the benefit', () => {
    expect(status(household([313_500, 0, 0]), 'dibao')).toBe('ineligible');
    const decision = decide(household([313_499, 0, 0]), p2024, asOf);
    expect(decision.programmes[0]).toMatchObject({
      programme: 'dibao',
      status: 'eligible',
      monthlyAmountFen: 1,
    });
  });

  it('pays standard × size − household income, and explains each check with actual and threshold', () => {
    const decision = decide(household([100_000, 50_000, 0]), p2024, asOf);
    expect(decision.programmes[0]?.monthlyAmountFen).toBe(163_500);
    expect(decision.programmes[0]?.checks[0]).toEqual({
      code: 'INCOME_BELOW_STANDARD',
      passed: true,
      actual: 150_000,
      threshold: 313_500,
    });
  });

  it('financial assets up to 24 months of the standard per person, not a fen more', () => {
    const limit = 24 * 104_500 * 3;
    const assets = (financialAssetsFen: number) => ({
      financialAssetsFen,
      hasNonEssentialVehicle: false,
      propertyCount: 1,
    });
    expect(status(household([0, 0, 0], { assets: assets(limit) }), 'dibao')).toBe('eligible');
    expect(status(household([0, 0, 0], { assets: assets(limit + 1) }), 'dibao')).toBe('ineligible');
    expect(
      status(household([0, 0, 0], { assets: { ...assets(0), hasNonEssentialVehicle: true } }), 'dibao'),
    ).toBe('ineligible');
    expect(status(household([0, 0, 0], { assets: { ...assets(0), propertyCount: 2 } }), 'dibao')).toBe(
      'ineligible',
    );
  });

  it('without an asset report a qualifying income needs review, not a refusal', () => {
    expect(status(household([0, 0, 0], { assets: null }), 'dibao')).toBe('needs_review');
  });

  it('household size changes the standard: a birth turns 3,000 yuan for two into a dibao household of three', () => {
    expect(status(household([300_000, 0]), 'dibao')).toBe('ineligible');
    expect(status(household([300_000, 0, 0]), 'dibao')).toBe('eligible');
  });

  it('a death shrinks the household (the next snapshot lists two): 3,000 yuan is then above 2 × 1,045', () => {
    const three = household([300_000, 0, 0]);
    expect(decide(three, p2024, asOf).programmes[0]).toMatchObject({
      status: 'eligible',
      monthlyAmountFen: 13_500,
    });
    const afterDeath = { ...three, members: three.members.slice(0, 2) };
    expect(decide(afterDeath, p2024, asOf).programmes[0]).toMatchObject({
      status: 'ineligible',
      monthlyAmountFen: 0,
      checks: expect.arrayContaining([
        { code: 'INCOME_BELOW_STANDARD', passed: false, actual: 300_000, threshold: 209_000 },
      ]),
    });
  });
});

describe('low-income edge (低保边缘): at or above the standard, below 1.5 × it', () => {
  it('holds from the standard up to one fen below 1.5 × (4,702.50 yuan for three)', () => {
    expect(status(household([313_499, 0, 0]), 'edge')).toBe('ineligible');
    expect(status(household([313_500, 0, 0]), 'edge')).toBe('eligible');
    expect(status(household([470_249, 0, 0]), 'edge')).toBe('eligible');
    expect(status(household([470_250, 0, 0]), 'edge')).toBe('ineligible');
  });
});

describe('tekun (特困)', () => {
  const alone = (overrides: Partial<MemberFacts>) => ({
    ...household([]),
    members: [member({ workAbility: 'none', ...overrides })],
  });

  it('an elder turns 60 on the as-of date', () => {
    const elder = alone({ birthDate: '1965-03-02' });
    expect(ageOn('1965-03-02', '2025-03-02')).toBe(60);
    expect(status(elder, 'tekun')).toBe('eligible');
    expect(status(elder, 'tekun', p2024, '2025-03-01')).toBe('ineligible');
  });

  it('a minor is under 18: on the eighteenth birthday no longer', () => {
    const young = alone({ birthDate: '2007-03-02' });
    expect(status(young, 'tekun', p2024, '2025-03-01')).toBe('eligible');
    expect(status(young, 'tekun')).toBe('ineligible');
  });

  it('not with a legal supporter able to support, nor with an income', () => {
    expect(status(alone({ birthDate: '1940-01-01', hasAbleSupporter: true }), 'tekun')).toBe('ineligible');
    expect(status(alone({ birthDate: '1940-01-01', monthlyIncomeFen: 1 }), 'tekun')).toBe('ineligible');
    const decision = decide(alone({ birthDate: '1940-01-01', inInstitution: true }), p2024, asOf);
    expect(decision.programmes[2]).toMatchObject({ status: 'eligible', monthlyAmountFen: 146_300 });
    expect(decision.programmes[2]?.checks[1]?.actual).toBe(1);
  });
});

describe('expenditure-type hardship (刚性支出困难)', () => {
  // 5,000 yuan a month for three: above the edge band; 60,000 yuan a year, 60% of it 36,000 yuan.
  it('rigid spending must exceed 60% of annual income, strictly', () => {
    expect(status(household([500_000, 0, 0], { rigidSpendingFen: 3_600_000 }), 'hardship')).toBe(
      'ineligible',
    );
    expect(status(household([500_000, 0, 0], { rigidSpendingFen: 3_600_001 }), 'hardship')).toBe('eligible');
  });

  it('is not in force before the national rule of 2024-10-24', () => {
    const before = policyOn(seedPolicies, '2024-10-23') as Policy;
    expect(
      status(household([500_000, 0, 0], { rigidSpendingFen: 9_000_000 }), 'hardship', before, '2024-10-23'),
    ).toBe('ineligible');
  });
});

describe('policy versions', () => {
  it('switch at midnight on their effective date', () => {
    expect(policyOn(seedPolicies, '2020-06-30')?.dibaoStandardFen).toBe(81_000);
    expect(policyOn(seedPolicies, '2020-07-01')?.dibaoStandardFen).toBe(104_500);
  });
});

describe('disability subsidies', () => {
  it('living subsidy for the disabled of a dibao household; nursing for grade 1–2 or intellectual grade 3', () => {
    const facts = household([0, 0]);
    facts.members[0] = member({ disability: { grade: 3, category: 'intellectual' } });
    facts.members[1] = member({ disability: { grade: 4, category: 'physical' } });
    const decision = decide(facts, p2024, asOf);
    const byName = Object.fromEntries(decision.programmes.map((p) => [p.programme, p]));
    expect(byName['disability-living']).toMatchObject({ status: 'eligible', monthlyAmountFen: 20_000 });
    expect(byName['disability-nursing']).toMatchObject({
      status: 'eligible',
      memberResidentIds: [facts.members[0]?.residentId],
    });
  });

  it('is idempotent: the same facts decide the same way', () => {
    const facts = household([200_000, 0, 0]);
    expect(decide(facts, p2024, asOf)).toEqual(decide(facts, p2024, asOf));
  });
});
