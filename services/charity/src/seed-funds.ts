import { FundOpened, type Jurisdiction } from '@huimin/contracts';
import { appendEvent } from '@huimin/kafka';
import { withTransaction } from '@huimin/pg';
import type pg from 'pg';
import type { Fund } from './domain/funds.ts';
import { EVENT_SOURCE } from './donation-book.ts';
import { createFundStore, type FundStore } from './store/fund-store.ts';

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

/**
 * Tells the platform about every fund it has not heard of yet (FundOpened through the outbox, in
 * the transaction that marks it told), so the scorecard counts open community funds. Run at start
 * and after seeding; a fund is announced once.
 */
export async function announceFunds(pool: pg.Pool): Promise<number> {
  return withTransaction(pool, async (client) => {
    const funds = await createFundStore(client).claimUnannounced();
    for (const fund of funds) {
      await appendEvent(
        client,
        FundOpened,
        {
          fundId: fund.fundId,
          name: fund.name,
          kind: fund.kind,
          jurisdictionCode: fund.jurisdictionCode,
          openedOn: fund.openedOn,
        },
        { source: EVENT_SOURCE, subject: fund.fundId },
      );
    }
    return funds.length;
  });
}
