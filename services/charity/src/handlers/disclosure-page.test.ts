import { describe, expect, it } from 'vitest';
import { buildDisclosure } from '../domain/disclosure.ts';
import { renderDisclosurePage } from './disclosure-page.ts';

describe('the disclosure page', () => {
  it('escapes what donors typed, so a name cannot inject markup into the public page', () => {
    const disclosure = buildDisclosure({
      year: 2026,
      throughMonth: '2026-01',
      funds: [
        {
          fundId: 'fund-320585',
          name: '太仓市慈善总会',
          kind: 'county-federation',
          jurisdictionCode: '320585',
          jurisdictionName: '太仓市',
          purposes: null,
        },
      ],
      openingBalances: new Map(),
      movements: [{ fundId: 'fund-320585', month: '2026-01', kind: 'donation', changeFen: 100 }],
      householdsByMonth: [],
      householdsByYear: new Map(),
      spendingByPurpose: [],
      namedDonors: [
        { fundId: 'fund-320585', name: '<script>alert("x")</script>', amountFen: 100, donations: 1 },
      ],
      otherDonors: [],
    });
    const page = renderDisclosurePage(disclosure);
    expect(page).not.toContain('<script>');
    expect(page).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;：1.00 元（1 笔）');
    expect(page).toContain('<td>1月</td><td>1.00 元</td><td>0.00 元</td><td>1.00 元</td><td>0</td>');
  });
});
