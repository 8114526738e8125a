import { fileURLToPath } from 'node:url';
import { FundOpened, taicang } from '@huimin/contracts';
import { startTestEnv, type TestEnv } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceFunds, seedFunds } from '../src/seed-funds.ts';
import { createFundStore } from '../src/store/fund-store.ts';

// The platform learns of charity's funds from FundOpened on the fund stream (the scorecard counts
// open community charity funds, the plan's indicator #11): each fund announced exactly once.

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv({
    name: 'charity_fund_announcement',
    migrationsDir: fileURLToPath(new URL('../migrations', import.meta.url)),
    broker: false,
    redis: false,
  });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

async function opened(): Promise<{ key: string; payload: FundOpened }[]> {
  const { rows } = await env.pool.query<{ key: string; payload: FundOpened }>(
    'select key, payload from outbox where type = $1 order by seq',
    [FundOpened.type],
  );
  return rows;
}

describe('announcing funds', () => {
  it('puts one FundOpened per seeded fund in the outbox, keyed by fund, and none on a second run', async () => {
    await seedFunds(createFundStore(env.pool), taicang);
    expect(await announceFunds(env.pool)).toBe(18);
    const events = await opened();
    expect(events).toHaveLength(18);
    const community = events.filter((e) => e.payload.kind === 'community-fund');
    // The plan's 2025 target of nine community funds, as seeded.
    expect(community).toHaveLength(9);
    expect(community[0]).toMatchObject({
      key: 'fund-320585001001',
      payload: { fundId: 'fund-320585001001', jurisdictionCode: '320585001001', kind: 'community-fund' },
    });
    expect(community[0]?.payload.openedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    await seedFunds(createFundStore(env.pool), taicang);
    expect(await announceFunds(env.pool)).toBe(0);
    expect(await opened()).toHaveLength(18);
  });
});
