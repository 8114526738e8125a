import { describe, expect, it } from 'vitest';
import { percent, riskReasons, yuan } from './reasons.ts';

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
});
