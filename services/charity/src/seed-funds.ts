import type { Jurisdiction } from '@huimin/contracts';
import type { Fund } from './domain/funds.ts';
import type { FundStore } from './store/fund-store.ts';

// Taicang's charity funds as the plan describes them: the county charity federation, a charity
// association in every town and street office, and community charity funds (6 → 9 by 2025). Which
// communities have a fund is an assumption until the federation's own list replaces it: here, the
// first community of every town and a second one in the county seat.

export const COUNTY_FEDERATION_ID = 'fund-320585';

export function taicangFunds(tree: Jurisdiction): Fund[] {
  const funds: Fund[] = [
    {
      fundId: COUNTY_FEDERATION_ID,
      name: `${tree.county.name}慈善总会`,
      kind: 'county-federation',
      jurisdictionCode: tree.county.code,
      purposes: null,
    },
  ];
  const communityFunds: Fund[] = [];
  for (const town of tree.towns()) {
    funds.push({
      fundId: `fund-${town.code}`,
      name: `${town.name}慈善分会`,
      kind: 'town-association',
      jurisdictionCode: town.code,
      purposes: null,
    });
    const communities = tree.children(town.code);
    for (const community of communities.slice(0, communityFunds.length === 0 ? 2 : 1)) {
      communityFunds.push({
        fundId: `fund-${community.code}`,
        name: `${community.name}慈善基金`,
        kind: 'community-fund',
        jurisdictionCode: community.code,
        purposes: null,
      });
    }
  }
  return [...funds, ...communityFunds.slice(0, 9)];
}

/** Idempotent: creates missing funds, leaves existing ones (and their money) alone. */
export async function seedFunds(
  store: FundStore,
  tree: Jurisdiction,
): Promise<{ created: number; total: number }> {
  let created = 0;
  const funds = taicangFunds(tree);
  for (const fund of funds) if ((await store.upsert(fund)) === 'created') created++;
  return { created, total: funds.length };
}
