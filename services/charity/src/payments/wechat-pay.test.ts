import { createCipheriv, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { wechatPayNotification } from './provider-sandbox.ts';
import { NotificationRejected } from './verified-payment.ts';
import { verifyWechatPayNotification, type WechatPayConfig } from './wechat-pay.ts';

const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const apiV3Key = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
const sandbox = {
  mchId: '1900000109',
  appId: 'wxd678efh567hg6787',
  apiV3Key,
  serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  platformPrivateKey: platform.privateKey,
};
const config: WechatPayConfig = {
  mchId: sandbox.mchId,
  apiV3Key,
  platformKeys: new Map([[sandbox.serial, platform.publicKey]]),
  toleranceSeconds: 300,
};
const now = new Date('2026-03-04T06:12:30.000Z');
const payment = {
  outTradeNo: 'PO-20260304-0001',
  transactionId: '4200001234202603041234567890',
  amountFen: 50_000,
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

describe('a WeChat Pay notification', () => {
  it('verifies and decrypts into the payment it reports', () => {
    const delivery = wechatPayNotification(sandbox, payment, { now });
    const verified = verifyWechatPayNotification(
      { headers: delivery.headers, rawBody: delivery.body, now },
      config,
    );
    expect(verified).toMatchObject({
      provider: 'wechat-pay',
      outTradeNo: payment.outTradeNo,
      transactionId: payment.transactionId,
      amountFen: 50_000,
      paid: true,
      paidAt: payment.paidAt,
    });
    expect(verified.deliveryFingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies one built by hand from the documented message and resource formats', () => {
    const transaction = JSON.stringify({
      mchid: sandbox.mchId,
      out_trade_no: 'PO-HAND-1',
      transaction_id: '4200000000000000000000000001',
      trade_state: 'SUCCESS',
      success_time: '2026-03-04T14:12:09+08:00',
      amount: { total: 100, currency: 'CNY' },
    });
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from('0123456789ab'));
    cipher.setAAD(Buffer.from('transaction'));
    const ciphertext = Buffer.concat([cipher.update(transaction), cipher.final(), cipher.getAuthTag()]);
    const body = JSON.stringify({
      id: 'EV-1',
      event_type: 'TRANSACTION.SUCCESS',
      resource_type: 'encrypt-resource',
      resource: {
        original_type: 'transaction',
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: ciphertext.toString('base64'),
        associated_data: 'transaction',
        nonce: '0123456789ab',
      },
    });
    const timestamp = String(now.getTime() / 1000);
    const signature = sign(
      'RSA-SHA256',
      Buffer.from(`${timestamp}\nNONCE42\n${body}\n`),
      platform.privateKey,
    );
    const headers = {
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': 'NONCE42',
      'wechatpay-signature': signature.toString('base64'),
      'wechatpay-serial': sandbox.serial,
    };
    const verified = verifyWechatPayNotification({ headers, rawBody: body, now }, config);
    expect(verified).toMatchObject({ outTradeNo: 'PO-HAND-1', amountFen: 100, paid: true });
    expect(verified.paidAt.toISOString()).toBe('2026-03-04T06:12:09.000Z');
  });

  it('is forged when the body was changed after signing', () => {
    const delivery = wechatPayNotification(sandbox, payment, { now });
    const rawBody = delivery.body.replace('"summary":"支付成功"', '"summary":"x"');
    expect(
      rejection(() => verifyWechatPayNotification({ headers: delivery.headers, rawBody, now }, config)),
    ).toMatchObject({
      reason: 'forged',
      message: 'Wechatpay-Signature does not verify',
    });
  });

  it('is forged when signed by a key that is not the platform key, or names an unknown serial', () => {
    const byStranger = wechatPayNotification(
      { ...sandbox, platformPrivateKey: stranger.privateKey },
      payment,
      { now },
    );
    expect(
      rejection(() =>
        verifyWechatPayNotification({ headers: byStranger.headers, rawBody: byStranger.body, now }, config),
      ).reason,
    ).toBe('forged');
    const unknownSerial = wechatPayNotification({ ...sandbox, serial: 'FFFF' }, payment, { now });
    expect(
      rejection(() =>
        verifyWechatPayNotification(
          { headers: unknownSerial.headers, rawBody: unknownSerial.body, now },
          config,
        ),
      ).message,
    ).toBe('unknown Wechatpay-Serial');
  });

  it('is forged when a header is missing or the signature is WeChat Pay’s deliberate probe', () => {
    const delivery = wechatPayNotification(sandbox, payment, { now });
    const { 'wechatpay-signature': _, ...unsigned } = delivery.headers;
    expect(
      rejection(() => verifyWechatPayNotification({ headers: unsigned, rawBody: delivery.body, now }, config))
        .reason,
    ).toBe('forged');
    const probe = {
      ...delivery.headers,
      'wechatpay-signature': `WECHATPAY/SIGNTEST/${delivery.headers['wechatpay-signature']}`,
    };
    expect(
      rejection(() => verifyWechatPayNotification({ headers: probe, rawBody: delivery.body, now }, config))
        .reason,
    ).toBe('forged');
  });

  it('is a replay when its timestamp is outside the five-minute window', () => {
    const old = wechatPayNotification(sandbox, payment, { now: new Date(now.getTime() - 301_000) });
    expect(
      rejection(() => verifyWechatPayNotification({ headers: old.headers, rawBody: old.body, now }, config)),
    ).toMatchObject({
      reason: 'replayed',
    });
    const recent = wechatPayNotification(sandbox, payment, { now: new Date(now.getTime() - 299_000) });
    expect(
      verifyWechatPayNotification({ headers: recent.headers, rawBody: recent.body, now }, config).paid,
    ).toBe(true);
  });

  it('is forged when its resource was not encrypted under our APIv3 key', () => {
    const delivery = wechatPayNotification(
      { ...sandbox, apiV3Key: 'ffffffffffffffffffffffffffffffff' },
      payment,
      { now },
    );
    expect(
      rejection(() =>
        verifyWechatPayNotification({ headers: delivery.headers, rawBody: delivery.body, now }, config),
      ),
    ).toMatchObject({
      reason: 'forged',
      message: 'resource does not decrypt under the APIv3 key',
    });
  });

  it('does not fit when it is for another merchant, and reports an unpaid trade as unpaid', () => {
    const other = wechatPayNotification({ ...sandbox, mchId: '1900000999' }, payment, { now });
    expect(
      rejection(() =>
        verifyWechatPayNotification({ headers: other.headers, rawBody: other.body, now }, config),
      ).reason,
    ).toBe('mismatch');
    const closed = wechatPayNotification(sandbox, payment, { now, tradeState: 'CLOSED' });
    expect(
      verifyWechatPayNotification({ headers: closed.headers, rawBody: closed.body, now }, config).paid,
    ).toBe(false);
  });
});
