import { describe, expect, it } from 'vitest';
import { buildDisclosure, monthsOfYear } from './disclosure.ts';

const fund = {
  fundId: 'fund-320585100',
  name: '城厢镇慈善分会',
  kind: 'town-association' as const,
  jurisdictionCode: '320585100',
  jurisdictionName: '城厢镇',
  purposes: null,
};

describe('the monthly disclosure of a fund', () => {
  it('carries the balance from month to month: opening + income − spending', () => {
    const disclosure = buildDisclosure({
      year: 2026,
      throughMonth: '2026-03',
      funds: [fund],
      openingBalances: new Map([[fund.fundId, 100_000]]),
      movements: [
        { fundId: fund.fundId, month: '2026-01', kind: 'donation', changeFen: 50_000 },
        { fundId: fund.fundId, month: '2026-01', kind: 'disbursement', changeFen: -30_000 },
        { fundId: fund.fundId, month: '2026-03', kind: 'donation', changeFen: 20_000 },
        { fundId: fund.fundId, month: '2026-03', kind: 'donation-reversal', changeFen: -5_000 },
        { fundId: 'fund-other', month: '2026-03', kind: 'donation', changeFen: 999_999 },
      ],
      householdsByMonth: [{ fundId: fund.fundId, month: '2026-01', households: 2 }],
      householdsByYear: new Map([[fund.fundId, 2]]),
      spendingByPurpose: [{ fundId: fund.fundId, purpose: 'medical', amountFen: 30_000 }],
      namedDonors: [{ fundId: fund.fundId, name: '太仓某实业有限公司', amountFen: 50_000, donations: 1 }],
      otherDonors: [{ fundId: fund.fundId, amountFen: 15_000, donations: 2 }],
    });
    const [only] = disclosure.funds;
    expect(only?.months).toEqual([
      { month: '2026-01', incomeFen: 50_000, spendingFen: 30_000, balanceFen: 120_000, householdsHelped: 2 },
      { month: '2026-02', incomeFen: 0, spendingFen: 0, balanceFen: 120_000, householdsHelped: 0 },
      { month: '2026-03', incomeFen: 15_000, spendingFen: 0, balanceFen: 135_000, householdsHelped: 0 },
    ]);
    expect(only).toMatchObject({
      openingBalanceFen: 100_000,
      incomeFen: 65_000,
      spendingFen: 30_000,
      closingBalanceFen: 135_000,
      householdsHelped: 2,
      spendingByPurpose: [{ purpose: 'medical', label: '医疗救助', amountFen: 30_000 }],
      donors: {
        named: [{ name: '太仓某实业有限公司', amountFen: 50_000, donations: 1 }],
        others: { amountFen: 15_000, donations: 2 },
      },
    });
    expect(disclosure.totals).toEqual({
      incomeFen: 65_000,
      spendingFen: 30_000,
      closingBalanceFen: 135_000,
      householdsHelped: 2,
    });
  });

  it('shows the months of a year up to the one asked for', () => {
    expect(monthsOfYear(2026, '2026-02')).toEqual(['2026-01', '2026-02']);
    expect(monthsOfYear(2025, '2025-12')).toHaveLength(12);
  });
});
