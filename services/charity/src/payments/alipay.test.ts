import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { alipaySigningContent, parseAlipayForm, verifyAlipayNotification } from './alipay.ts';
import { alipayNotification } from './provider-sandbox.ts';
import { NotificationRejected } from './verified-payment.ts';

const alipayKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const sandbox = {
  appId: '2021000000000001',
  sellerId: '2088000000000001',
  alipayPrivateKey: alipayKeys.privateKey,
};
const config = { appId: sandbox.appId, sellerId: sandbox.sellerId, alipayPublicKey: alipayKeys.publicKey };
const now = new Date('2026-03-04T06:12:30.000Z');
const payment = {
  outTradeNo: 'PO-20260304-0002',
  transactionId: '2026030422001412345678901234',
  amountFen: 20_050,
  paidAt: new Date('2026-03-04T06:12:09.000Z'),
};

function rejection(run: () => unknown): NotificationRejected {
  try {
    run();
  } catch (err: unknown) {
    if (err instanceof NotificationRejected) return err;
    throw err;
  }
  throw new Error('expected the notification to be rejected');
}

describe('the text Alipay signs', () => {
  it('is every parameter but sign and sign_type, sorted, decoded, joined with &', () => {
    // Alipay's published example notification (trade_status_sync), decoded.
    const form =
      'total_amount=2.00&buyer_id=2088102116773037&body=%E5%A4%A7%E4%B9%90%E9%80%8F2.1&trade_no=2016071921001003030200089909&refund_fee=0.00&notify_time=2016-07-19+14%3A10%3A49&subject=%E5%A4%A7%E4%B9%90%E9%80%8F2.1&sign_type=RSA2&charset=utf-8&notify_type=trade_status_sync&out_trade_no=0719141034-6418&gmt_close=2016-07-19+14%3A10%3A46&gmt_payment=2016-07-19+14%3A10%3A47&trade_status=TRADE_SUCCESS&version=1.0&sign=kPbQIjX%2BxQc8F0&gmt_create=2016-07-19+14%3A10%3A44&app_id=2015102700040153&seller_id=2088102119685838&notify_id=4a91b7a78a503640467525113fb7d8bg8e';
    expect(alipaySigningContent(parseAlipayForm(form))).toBe(
      'app_id=2015102700040153&body=大乐透2.1&buyer_id=2088102116773037&charset=utf-8&gmt_close=2016-07-19 14:10:46&gmt_create=2016-07-19 14:10:44&gmt_payment=2016-07-19 14:10:47&notify_id=4a91b7a78a503640467525113fb7d8bg8e&notify_time=2016-07-19 14:10:49&notify_type=trade_status_sync&out_trade_no=0719141034-6418&refund_fee=0.00&seller_id=2088102119685838&subject=大乐透2.1&total_amount=2.00&trade_no=2016071921001003030200089909&trade_status=TRADE_SUCCESS&version=1.0',
    );
  });

  it('leaves out empty parameters', () => {
    expect(
      alipaySigningContent(
        new Map([
          ['b', '2'],
          ['a', ''],
          ['sign', 'x'],
        ]),
      ),
    ).toBe('b=2');
  });
});

describe('an Alipay notification', () => {
  it('verifies into the payment it reports, the amount read exactly in fen', () => {
    const params = parseAlipayForm(alipayNotification(sandbox, payment, { now }));
    expect(verifyAlipayNotification(params, config, now)).toMatchObject({
      provider: 'alipay',
      outTradeNo: payment.outTradeNo,
      transactionId: payment.transactionId,
      amountFen: 20_050,
      paid: true,
      paidAt: payment.paidAt,
    });
  });

  it('is forged when a parameter was changed after signing', () => {
    const params = parseAlipayForm(alipayNotification(sandbox, payment, { now }));
    params.set('total_amount', '2000.50');
    expect(rejection(() => verifyAlipayNotification(params, config, now))).toMatchObject({
      reason: 'forged',
      message: 'sign does not verify',
    });
  });

  it('is forged when signed by another key, unsigned, not RSA2, or with a parameter twice', () => {
    const byStranger = parseAlipayForm(
      alipayNotification({ ...sandbox, alipayPrivateKey: stranger.privateKey }, payment, { now }),
    );
    expect(rejection(() => verifyAlipayNotification(byStranger, config, now)).reason).toBe('forged');

    const unsigned = parseAlipayForm(alipayNotification(sandbox, payment, { now }));
    unsigned.delete('sign');
    expect(rejection(() => verifyAlipayNotification(unsigned, config, now)).reason).toBe('forged');

    const rsa1 = parseAlipayForm(alipayNotification(sandbox, payment, { now }));
    rsa1.set('sign_type', 'RSA');
    expect(rejection(() => verifyAlipayNotification(rsa1, config, now)).message).toBe(
      'sign_type must be RSA2',
    );

    const form = alipayNotification(sandbox, payment, { now });
    expect(rejection(() => parseAlipayForm(`${form}&total_amount=0.01`)).reason).toBe('forged');
  });

  it('does not fit a payment to another seller, signed by Alipay’s own key under our app id', () => {
    const toAnother = parseAlipayForm(
      alipayNotification({ ...sandbox, sellerId: '2088999999999999' }, payment, { now }),
    );
    expect(rejection(() => verifyAlipayNotification(toAnother, config, now))).toMatchObject({
      reason: 'mismatch',
      message: 'the notification is for another seller_id',
    });
  });

  it('does not fit another app, and reports a trade still waiting as unpaid', () => {
    const other = parseAlipayForm(
      alipayNotification({ ...sandbox, appId: '2021000000000999' }, payment, { now }),
    );
    expect(rejection(() => verifyAlipayNotification(other, config, now)).reason).toBe('mismatch');
    const waiting = parseAlipayForm(
      alipayNotification(sandbox, payment, { now, tradeStatus: 'WAIT_BUYER_PAY' }),
    );
    expect(verifyAlipayNotification(waiting, config, now).paid).toBe(false);
  });
});
