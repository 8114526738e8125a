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
  incomeKnown: true,
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

  it('not with a legal supporter able to support', () => {
    expect(status(alone({ birthDate: '1940-01-01', hasAbleSupporter: true }), 'tekun')).toBe('ineligible');
    const decision = decide(alone({ birthDate: '1940-01-01', inInstitution: true }), p2024, asOf);
    expect(decision.programmes[2]).toMatchObject({ status: 'eligible', monthlyAmountFen: 146_300 });
    expect(decision.programmes[2]?.checks.find((c) => c.code === 'TEKUN_CENTRALISED_MEMBERS')?.actual).toBe(
      1,
    );
  });
});

describe('tekun: no means of living is income below the dibao standard with property within limits (特困人员认定办法 2021, art. 7)', () => {
  const elder = (overrides: Partial<MemberFacts> = {}, facts: Partial<HouseholdFacts> = {}) => ({
    ...household([]),
    members: [member({ birthDate: '1950-05-01', workAbility: 'none', ...overrides })],
    ...facts,
  });

  it('a 75-year-old with a 1-fen pension qualifies; at one fen below 1,045 yuan still, at 1,045 yuan not', () => {
    expect(status(elder({ monthlyIncomeFen: 1 }), 'tekun')).toBe('eligible');
    expect(status(elder({ monthlyIncomeFen: 104_499 }), 'tekun')).toBe('eligible');
    const atStandard = decide(elder({ monthlyIncomeFen: 104_500 }), p2024, asOf).programmes[2];
    expect(atStandard).toMatchObject({ status: 'ineligible', monthlyAmountFen: 0 });
    expect(atStandard?.checks).toContainEqual({
      code: 'TEKUN_INCOME_BELOW_STANDARD',
      passed: false,
      actual: 104_500,
      threshold: 104_500,
    });
  });

  it('property within the limits: 24 months of the standard, not a fen more; no car; one home', () => {
    const limit = 24 * 104_500;
    const assets = (financialAssetsFen: number, more = {}) => ({
      assets: { financialAssetsFen, hasNonEssentialVehicle: false, propertyCount: 1, ...more },
    });
    expect(status(elder({}, assets(limit)), 'tekun')).toBe('eligible');
    expect(status(elder({}, assets(limit + 1)), 'tekun')).toBe('ineligible');
    expect(status(elder({}, assets(0, { propertyCount: 2 })), 'tekun')).toBe('ineligible');
  });

  it('the income limit is policy data with its source in the version', () => {
    expect(p2024.sources.find((s) => s.parameter === 'tekunIncomeLimitBpOfDibao')?.source).toContain(
      '民发〔2021〕43号',
    );
    const half = { ...p2024, tekunIncomeLimitBpOfDibao: 5_000 }; // below 522.50 yuan
    expect(status(elder({ monthlyIncomeFen: 52_249 }), 'tekun', half)).toBe('eligible');
    expect(status(elder({ monthlyIncomeFen: 52_250 }), 'tekun', half)).toBe('ineligible');
  });

  it('unknown income or unknown assets: needs review naming what is missing, never eligible', () => {
    const noIncome = decide(elder({}, { incomeKnown: false }), p2024, asOf).programmes[2];
    expect(noIncome).toMatchObject({ status: 'needs_review', missing: ['income'], monthlyAmountFen: 0 });
    expect(noIncome?.memberResidentIds).toEqual([]);
    const noAssets = decide(elder({}, { assets: null }), p2024, asOf).programmes[2];
    expect(noAssets).toMatchObject({ status: 'needs_review', missing: ['assets'] });
  });
});

describe('unknown is not zero: a household whose income never arrived', () => {
  const unreported = household([0, 0, 0], { incomeKnown: false });
  const byName = (facts: HouseholdFacts) =>
    Object.fromEntries(decide(facts, p2024, asOf).programmes.map((p) => [p.programme, p]));

  it('is not dibao-eligible for the full standard: dibao and edge need review, naming the income', () => {
    const decision = decide(unreported, p2024, asOf);
    expect(decision.missing).toEqual(['income']);
    const p = byName(unreported);
    expect(p.dibao).toMatchObject({ status: 'needs_review', monthlyAmountFen: 0, missing: ['income'] });
    expect(p.dibao?.checks[0]).toEqual({
      code: 'INCOME_BELOW_STANDARD',
      passed: false,
      actual: 'unknown',
      threshold: 313_500,
    });
    expect(p.edge).toMatchObject({ status: 'needs_review', missing: ['income'] });
  });

  it('with assets unknown as well both are named; a known refusal still refuses', () => {
    expect(byName({ ...unreported, assets: null }).dibao?.missing).toEqual(['income', 'assets']);
    const car = { financialAssetsFen: 0, hasNonEssentialVehicle: true, propertyCount: 1 };
    expect(byName({ ...unreported, assets: car }).dibao?.status).toBe('ineligible');
  });

  it('nothing spent is no hardship whatever the income; spending with the income unknown needs review', () => {
    expect(byName(unreported).hardship?.status).toBe('ineligible');
    expect(byName({ ...unreported, rigidSpendingFen: 100 }).hardship).toMatchObject({
      status: 'needs_review',
      missing: ['income'],
    });
  });

  it('the disability living subsidy waits with dibao; the nursing subsidy needs no income', () => {
    const facts = { ...unreported, members: [member({ disability: { grade: 1, category: 'physical' } })] };
    expect(byName(facts)['disability-living']).toMatchObject({ status: 'needs_review', missing: ['income'] });
    expect(byName(facts)['disability-nursing']?.status).toBe('eligible');
  });

  it('once one member is reported, those without a report count as earning nothing', () => {
    expect(byName(household([0, 0, 0])).dibao).toMatchObject({
      status: 'eligible',
      monthlyAmountFen: 313_500,
    });
  });
});

describe('expenditure-type hardship (刚性支出困难)', () => {
  it('the income test is exact in fen: household income × 12 against the per-capita limit × size', () => {
    // A limit of 60,000.05 yuan a year (not a multiple of 12 fen). Three people on 15,000.02 yuan a
    // month earn 180,000.24 a year, 9 fen above 3 × 60,000.05; a floored per-capita monthly
    // figure (5,000.00 × 12 = 60,000.00) would have let them through.
    const limit = { ...p2024, lastYearDisposableIncomeFen: 6_000_005 };
    const three = (monthly: number) => household([monthly, 0, 0], { rigidSpendingFen: 900_000_000 });
    const check = (monthly: number) =>
      decide(three(monthly), limit, asOf).programmes[3]?.checks.find(
        (c) => c.code === 'INCOME_BELOW_LOCAL_DISPOSABLE',
      );
    expect(check(1_500_001)).toEqual({
      code: 'INCOME_BELOW_LOCAL_DISPOSABLE',
      passed: true,
      actual: 18_000_012,
      threshold: 18_000_015,
    });
    expect(check(1_500_002)).toMatchObject({ passed: false, actual: 18_000_024 });
    expect(status(three(1_500_002), 'hardship', limit)).toBe('ineligible');
  });

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
