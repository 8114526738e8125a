import { DisabilityCertified, EligibilityDecided, RiskFlagged } from '@huimin/contracts';
import { describe, expect, it } from 'vitest';
import { disabilityReason, needsReviewReason, percent, riskReasons, yuan } from './reasons.ts';

describe('figures in Chinese reasons', () => {
  it('writes yuan from fen with thousands separators and cents only when there are some', () => {
    expect([yuan(1_900_000), yuan(64_222), yuan(5), yuan(0), yuan(123_456_789)]).toEqual([
      '19,000',
      '642.22',
      '0.05',
      '0',
      '1,234,567.89',
    ]);
  });

  it('writes basis points as a percentage with at most one decimal', () => {
    expect([percent(2500), percent(4511), percent(2640), percent(1000), percent(42_222)]).toEqual([
      '25%',
      '45.1%',
      '26.4%',
      '10%',
      '422.2%',
    ]);
  });

  it('explains a catastrophic flag as the console shows it', () => {
    const reasons = riskReasons({
      flagId: 'RF-1',
      householdId: 'HH-1',
      communityCode: '320585001001',
      level: 'catastrophic',
      asOfDate: '2026-11-28',
      windowStart: '2025-11-28',
      windowEnd: '2026-11-28',
      outOfPocketFen: 1_900_000,
      annualIncomeFen: 7_200_000,
      householdSize: 3,
      outOfPocketShareBp: 2639,
      capacityToPayFen: 3_438_000,
      outOfPocketCapacityShareBp: 5526,
      thresholds: {
        watchRatioBp: 1000,
        catastrophicRatioBp: 2500,
        capacityToPayRatioBp: 4000,
        dibaoStandardFen: 104_500,
        majorIllnessClaimFen: 5_000_000,
      },
      triggeringClaimIds: ['YB-1'],
      policyVersion: 'risk-2026',
      flaggedAt: '2026-11-28T02:00:00.000Z',
    });
    expect(reasons.map((r) => r.summary)).toEqual([
      '近12个月自付医疗费用 19,000 元，占家庭年收入 26.4%，超过 25% 标准',
      '近12个月自付医疗费用 19,000 元，占家庭支付能力 55.3%，达到 40% 标准',
    ]);
    expect(reasons[0]?.evidence).toMatchObject({
      outOfPocketFen: 1_900_000,
      annualIncomeFen: 7_200_000,
      claims: [{ claimId: 'YB-1' }],
    });
  });

  // One person: 1,045 yuan a month is the line (12,540 yuan a year).
  const severe = (annualIncomeFen: number, severeCause: 'pushed-below' | 'already-below') =>
    ({
      ...RiskFlagged.example,
      annualIncomeFen,
      householdSize: 1,
      outOfPocketFen: 100_000,
      outOfPocketShareBp: undefined,
      outOfPocketCapacityShareBp: undefined,
      capacityToPayFen: 0,
      perCapitaMonthlyIncomeBeforeFen: Math.floor(annualIncomeFen / 12),
      perCapitaMonthlyIncomeAfterFen: Math.floor((annualIncomeFen - 100_000) / 12),
      severeCause,
    }) as RiskFlagged;

  it('tells a household pushed below the line by medical costs from one already below it', () => {
    const pushed = riskReasons(severe(1_254_000, 'pushed-below')).map((r) => r.code);
    expect(pushed).toContain('INCOME_AFTER_OOP_BELOW_DIBAO');
    expect(pushed).not.toContain('INCOME_ALREADY_BELOW_DIBAO');
    const below = riskReasons(severe(1_200_000, 'already-below'), true);
    expect(below.map((r) => r.summary)).toContain(
      '自付前人均月收入 1,000 元已低于低保标准 1,045 元，近12个月医疗自付 1,000 元使困难加深',
    );
    expect(below.map((r) => r.code)).toContain('ASSISTED_MEDICAL_FOLLOW_UP');
    expect(riskReasons(severe(1_200_000, 'already-below'), false).map((r) => r.code)).toContain(
      'BELOW_DIBAO_NOT_ASSISTED',
    );
    expect(below.every((r) => r.cause === 'risk:medical')).toBe(true);
    expect(below[0]?.evidence).toMatchObject({ severeCause: 'already-below' });
  });

  it('names what is missing when eligibility cannot decide, and nothing when it can', () => {
    const decided = {
      ...EligibilityDecided.example,
      programmes: [
        { programme: 'dibao', eligible: false, status: 'needs_review', missing: ['income'], reasons: [] },
        {
          programme: 'tekun',
          eligible: false,
          status: 'needs_review',
          missing: ['income', 'assets'],
          reasons: [],
        },
        { programme: 'edge', eligible: false, status: 'ineligible', reasons: [] },
      ],
    } as EligibilityDecided;
    expect(needsReviewReason(decided)).toMatchObject({
      code: 'DATA_MISSING',
      summary: '缺少家庭财产申报、家庭收入申报，低保、特困资格无法判定，需核实补报',
      cause: 'eligibility:needs-review',
    });
    expect(needsReviewReason(EligibilityDecided.example)).toBeUndefined();
  });

  it('a certificate reason names the category and keeps the resident ID out of its cause', () => {
    const reason = disabilityReason({ ...DisabilityCertified.example, grade: 3, category: 'mental' });
    expect(reason.summary).toContain('三级精神残疾');
    expect(reason.cause).toMatch(/^disability:[0-9a-f]{16}:\d{4}-\d{2}-\d{2}$/);
    expect(reason.cause).not.toContain(DisabilityCertified.example.residentId);
  });
});
