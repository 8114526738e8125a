import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Charity, startCharity } from './harness.ts';

// Anyone may start a donation without signing in, and each start writes a payment order: the
// route is limited per client address, in Postgres so every replica counts together.

let charity: Charity;
const clock = { at: new Date('2026-03-02T02:00:10Z') };

beforeAll(async () => {
  charity = await startCharity({
    name: 'charity_public_limits',
    paymentOrdersPerMinute: 3,
    now: () => clock.at,
  });
});
afterAll(async () => {
  await charity?.close();
});

const order = (remoteAddress: string) =>
  charity.app.server.inject({
    method: 'POST',
    url: '/public/v1/payment-orders',
    payload: {
      provider: 'wechat-pay',
      fundId: 'fund-320585100',
      amountFen: 2_000,
      donor: { kind: 'anonymous' },
    },
    remoteAddress,
  });

describe('starting a donation', () => {
  it('answers 429 with Retry-After past the per-address limit, writing nothing, and leaves other addresses alone', async () => {
    for (let i = 0; i < 3; i++) expect((await order('203.0.113.1')).statusCode).toBe(201);
    const limited = await order('203.0.113.1');
    expect([limited.statusCode, limited.json().code]).toEqual([429, 'TOO_MANY_REQUESTS']);
    expect(Number(limited.headers['retry-after'])).toBe(50);
    expect(await charity.count('payment_orders')).toBe(3);
    expect((await order('203.0.113.2')).statusCode).toBe(201);
    clock.at = new Date(clock.at.getTime() + 50_000); // the next minute
    expect((await order('203.0.113.1')).statusCode).toBe(201);
  });
});
