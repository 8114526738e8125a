import { readRecords } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alipayNotification,
  type SandboxPayment,
  wechatPayNotification,
} from '../src/payments/provider-sandbox.ts';
import { bookkeeping, type Charity, startCharity } from './harness.ts';

// Donations paid through WeChat Pay and Alipay: the notification is verified, matched to the
// payment order, booked once per provider transaction however often it is delivered, and a forged
// or replayed one is refused with nothing written.

let charity: Charity;
beforeAll(async () => {
  charity = await startCharity({ name: 'charity_pay', broker: true });
});
afterAll(async () => {
  await charity?.close();
});

async function order(
  provider: 'wechat-pay' | 'alipay',
  amountFen: number,
  extra: Record<string, unknown> = {},
) {
  const res = await charity.app.server.inject({
    method: 'POST',
    url: '/public/v1/payment-orders',
    payload: {
      provider,
      fundId: 'fund-320585100',
      amountFen,
      restriction: { purpose: 'medical' },
      donor: { kind: 'person', name: '周晓梅', publishName: true },
      ...extra,
    },
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ orderId: string }>().orderId;
}

let transactionSeq = 0;
function paymentFor(orderId: string, amountFen: number): SandboxPayment {
  transactionSeq++;
  return {
    outTradeNo: orderId,
    transactionId: `42000012342026030${String(transactionSeq).padStart(11, '0')}`,
    amountFen,
    paidAt: new Date(Date.now() - 5_000),
  };
}

function deliverWechat(payment: SandboxPayment, options: { now?: Date; tradeState?: string } = {}) {
  const n = wechatPayNotification(charity.sandbox.wechatPay, payment, {
    now: options.now ?? new Date(),
    ...(options.tradeState ? { tradeState: options.tradeState } : {}),
  });
  return { n, send: () => postWechat(n.headers, n.body) };
}

function postWechat(headers: Record<string, string>, body: string) {
  return charity.app.server.inject({
    method: 'POST',
    url: '/public/v1/payments/wechat-pay/notify',
    headers,
    payload: body,
  });
}

function postAlipay(form: string) {
  return charity.app.server.inject({
    method: 'POST',
    url: '/public/v1/payments/alipay/notify',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    payload: form,
  });
}

describe('a WeChat Pay payment notified three times', () => {
  it('is booked once: one donation, one receipt, one DonationReceived event, three deliveries on file', async () => {
    const orderId = await order('wechat-pay', 50_000);
    const payment = paymentFor(orderId, 50_000);
    const before = await bookkeeping(charity);

    const statuses: number[] = [];
    for (let delivery = 0; delivery < 3; delivery++)
      statuses.push((await deliverWechat(payment).send()).statusCode);
    expect(statuses).toEqual([204, 204, 204]);

    const { rows } = await charity.env.pool.query(
      'select receipt_number, amount_fen, channel, purpose, donor_name from donations where provider_transaction_id = $1',
      [payment.transactionId],
    );
    expect(rows).toEqual([
      {
        receipt_number: expect.stringMatching(/^TC-\d{4}-\d{6}$/),
        amount_fen: '50000',
        channel: 'wechat-pay',
        purpose: 'medical',
        donor_name: '周晓梅',
      },
    ]);
    const after = await bookkeeping(charity);
    expect(after.donations - before.donations).toBe(1);
    expect(after.ledger_entries - before.ledger_entries).toBe(2);
    expect(after.notification_deliveries - before.notification_deliveries).toBe(3);
    const { rows: outcomes } = await charity.env.pool.query(
      'select outcome from notification_deliveries where provider_transaction_id = $1 order by received_at',
      [payment.transactionId],
    );
    expect(outcomes.map((r) => r.outcome).sort()).toEqual(['already-booked', 'already-booked', 'booked']);

    await charity.drainOutbox();
    const events = (await readRecords(charity.env.kafka, 'huimin.charity.fund'))
      .filter((r) => r.headers.ce_type === 'huimin.charity.donation.received.v1')
      .map((r) => JSON.parse(r.value));
    const mine = events.filter((e) => e.receiptNumber === rows[0]?.receipt_number);
    expect(mine).toEqual([
      expect.objectContaining({
        fundId: 'fund-320585100',
        amountFen: 50_000,
        channel: 'wechat-pay',
        restriction: { purpose: 'medical' },
      }),
    ]);
    // No donor name travels on Kafka.
    expect(JSON.stringify(events)).not.toContain('周晓梅');
  });

  it('is booked once when the three deliveries arrive at the same moment', async () => {
    const orderId = await order('wechat-pay', 12_300);
    const payment = paymentFor(orderId, 12_300);
    const responses = await Promise.all([0, 1, 2].map(() => deliverWechat(payment).send()));
    expect(responses.map((r) => r.statusCode)).toEqual([204, 204, 204]);
    expect(await charity.count(`donations where provider_transaction_id = '${payment.transactionId}'`)).toBe(
      1,
    );
  });
});

describe('an Alipay payment notified three times', () => {
  it('is booked once and every delivery is answered “success”', async () => {
    const orderId = await order('alipay', 20_050);
    const payment = { ...paymentFor(orderId, 20_050), transactionId: '2026030422001412345678901234' };
    const bodies: string[] = [];
    for (let delivery = 0; delivery < 3; delivery++) {
      const res = await postAlipay(alipayNotification(charity.sandbox.alipay, payment, { now: new Date() }));
      expect(res.statusCode).toBe(200);
      bodies.push(res.body);
    }
    expect(bodies).toEqual(['success', 'success', 'success']);
    const { rows } = await charity.env.pool.query(
      'select amount_fen, channel from donations where provider = $1 and provider_transaction_id = $2',
      ['alipay', payment.transactionId],
    );
    expect(rows).toEqual([{ amount_fen: '20050', channel: 'alipay' }]);
  });

  it('books nothing for a trade still waiting for payment, and acknowledges it', async () => {
    const orderId = await order('alipay', 8_800);
    const payment = paymentFor(orderId, 8_800);
    const before = await bookkeeping(charity);
    const res = await postAlipay(
      alipayNotification(charity.sandbox.alipay, payment, { now: new Date(), tradeStatus: 'WAIT_BUYER_PAY' }),
    );
    expect(res.body).toBe('success');
    const after = await bookkeeping(charity);
    expect({ ...after, notification_deliveries: 0 }).toEqual({ ...before, notification_deliveries: 0 });
  });
});

describe('a forged or replayed notification', () => {
  it('is refused with 401 when the body was changed after signing, and nothing is written', async () => {
    const orderId = await order('wechat-pay', 10_000);
    const { n } = deliverWechat(paymentFor(orderId, 10_000));
    const before = await bookkeeping(charity);
    const tampered = n.body.replace(
      '"event_type":"TRANSACTION.SUCCESS"',
      '"event_type":"TRANSACTION.SUCCESS" ',
    );
    const res = await postWechat(n.headers, tampered);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'NOTIFICATION_FORGED' });
    expect(await bookkeeping(charity)).toEqual(before);
  });

  it('is refused with 401 when signed with a key that is not the provider’s', async () => {
    const { makeSandbox } = await import('./harness.ts');
    const impostor = makeSandbox();
    const orderId = await order('alipay', 10_000);
    const payment = paymentFor(orderId, 10_000);
    const before = await bookkeeping(charity);
    const forgedAlipay = await postAlipay(
      alipayNotification({ ...impostor.alipay, appId: charity.sandbox.alipay.appId }, payment, {
        now: new Date(),
      }),
    );
    expect(forgedAlipay.statusCode).toBe(401);
    const wechatOrder = await order('wechat-pay', 10_000);
    const n = wechatPayNotification(
      { ...charity.sandbox.wechatPay, platformPrivateKey: impostor.wechatPay.platformPrivateKey },
      paymentFor(wechatOrder, 10_000),
      { now: new Date() },
    );
    expect((await postWechat(n.headers, n.body)).statusCode).toBe(401);
    expect(await bookkeeping(charity)).toEqual(before);
  });

  it('books nothing for an Alipay payment to another seller, though Alipay signed it for our app', async () => {
    const orderId = await order('alipay', 10_000);
    const before = await bookkeeping(charity);
    const res = await postAlipay(
      alipayNotification(
        { ...charity.sandbox.alipay, sellerId: '2088999999999999' },
        paymentFor(orderId, 10_000),
        {
          now: new Date(),
        },
      ),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'NOTIFICATION_MISMATCH' });
    expect(await bookkeeping(charity)).toEqual(before);
  });

  it('is refused with 409 when the same signed delivery comes again, and books nothing more', async () => {
    const orderId = await order('wechat-pay', 30_000);
    const { n } = deliverWechat(paymentFor(orderId, 30_000));
    expect((await postWechat(n.headers, n.body)).statusCode).toBe(204);
    const before = await bookkeeping(charity);
    const replay = await postWechat(n.headers, n.body);
    expect(replay.statusCode).toBe(409);
    expect(replay.json()).toMatchObject({ code: 'NOTIFICATION_REPLAYED' });
    expect(await bookkeeping(charity)).toEqual(before);

    const alipayOrder = await order('alipay', 30_000);
    const form = alipayNotification(charity.sandbox.alipay, paymentFor(alipayOrder, 30_000), {
      now: new Date(),
    });
    expect((await postAlipay(form)).body).toBe('success');
    const beforeAlipay = await bookkeeping(charity);
    const alipayReplay = await postAlipay(form);
    expect(alipayReplay.statusCode).toBe(409);
    expect(await bookkeeping(charity)).toEqual(beforeAlipay);
  });

  it('is refused with 409 when its WeChat Pay timestamp is older than five minutes, and nothing is written', async () => {
    const orderId = await order('wechat-pay', 10_000);
    const before = await bookkeeping(charity);
    const stale = deliverWechat(paymentFor(orderId, 10_000), { now: new Date(Date.now() - 6 * 60_000) });
    const res = await stale.send();
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'NOTIFICATION_REPLAYED' });
    expect(await bookkeeping(charity)).toEqual(before);
  });

  it('is refused with 422 when it reports another amount than the order, or an order we never made', async () => {
    const orderId = await order('wechat-pay', 10_000);
    const before = await bookkeeping(charity);
    const cheaper = await deliverWechat(paymentFor(orderId, 1)).send();
    expect(cheaper.statusCode).toBe(422);
    expect(cheaper.json()).toMatchObject({ code: 'NOTIFICATION_MISMATCH' });
    const unknown = await deliverWechat(paymentFor('PO-NEVER-MADE', 10_000)).send();
    expect(unknown.statusCode).toBe(422);
    expect(await bookkeeping(charity)).toEqual(before);
  });
});

describe('a payment order', () => {
  it('is refused, with nothing written, for a zero amount, an unknown fund or a restriction the fund cannot take', async () => {
    const before = await bookkeeping(charity);
    const ordersBefore = await charity.count('payment_orders');
    const post = (payload: Record<string, unknown>) =>
      charity.app.server.inject({
        method: 'POST',
        url: '/public/v1/payment-orders',
        payload: {
          provider: 'wechat-pay',
          fundId: 'fund-320585100',
          amountFen: 100,
          donor: { kind: 'anonymous' },
          ...payload,
        },
      });
    expect((await post({ amountFen: 0 })).json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await post({ amountFen: -500 })).statusCode).toBe(400);
    expect((await post({ fundId: 'fund-999' })).statusCode).toBe(404);
    const elsewhere = await post({ restriction: { communityCode: '320585109002' } });
    expect(elsewhere.statusCode).toBe(422);
    expect(elsewhere.json()).toMatchObject({ code: 'RESTRICTION_VIOLATED' });
    expect(await bookkeeping(charity)).toEqual(before);
    expect(await charity.count('payment_orders')).toBe(ordersBefore);
  });
});
