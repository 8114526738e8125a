import { createCipheriv, type KeyObject, randomBytes, sign } from 'node:crypto';
import { yuanText } from '../domain/money.ts';

// The providers' side of a notification, for tests, the dev-stack donation simulator and the
// benchmark: it builds what WeChat Pay and Alipay would send, signed with keys made locally.
// Production never signs notifications; it only verifies them (wechat-pay.ts, alipay.ts).

export interface SandboxPayment {
  outTradeNo: string;
  transactionId: string;
  amountFen: number;
  paidAt: Date;
}

export interface WechatPaySandbox {
  mchId: string;
  appId: string;
  apiV3Key: string;
  serial: string;
  platformPrivateKey: KeyObject;
}

export interface SignedWechatPayNotification {
  headers: Record<string, string>;
  body: string;
}

/** A TRANSACTION.SUCCESS notification as WeChat Pay delivers it; every call is a fresh delivery. */
export function wechatPayNotification(
  sandbox: WechatPaySandbox,
  payment: SandboxPayment,
  options: { now: Date; tradeState?: string; nonce?: string } = { now: new Date() },
): SignedWechatPayNotification {
  const tradeState = options.tradeState ?? 'SUCCESS';
  const transaction = {
    mchid: sandbox.mchId,
    appid: sandbox.appId,
    out_trade_no: payment.outTradeNo,
    transaction_id: payment.transactionId,
    trade_type: 'NATIVE',
    trade_state: tradeState,
    trade_state_desc: tradeState === 'SUCCESS' ? '支付成功' : '未支付',
    bank_type: 'OTHERS',
    attach: '',
    success_time: beijingIso(payment.paidAt),
    payer: { openid: `sandbox-${payment.transactionId.slice(-8)}` },
    amount: {
      total: payment.amountFen,
      payer_total: payment.amountFen,
      currency: 'CNY',
      payer_currency: 'CNY',
    },
  };
  const resourceNonce = randomBytes(6).toString('hex'); // 12 characters, as WeChat Pay sends
  const associatedData = 'transaction';
  const cipher = createCipheriv(
    'aes-256-gcm',
    Buffer.from(sandbox.apiV3Key, 'utf8'),
    Buffer.from(resourceNonce, 'utf8'),
  );
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([
    cipher.update(JSON.stringify(transaction), 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  const body = JSON.stringify({
    id: `EV-${randomBytes(8).toString('hex')}`,
    create_time: beijingIso(options.now),
    resource_type: 'encrypt-resource',
    event_type: tradeState === 'SUCCESS' ? 'TRANSACTION.SUCCESS' : 'TRANSACTION.CLOSED',
    summary: '支付成功',
    resource: {
      original_type: 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: ciphertext.toString('base64'),
      associated_data: associatedData,
      nonce: resourceNonce,
    },
  });
  const timestamp = String(Math.floor(options.now.getTime() / 1000));
  const nonce = options.nonce ?? randomBytes(16).toString('hex').toUpperCase();
  const signature = sign(
    'RSA-SHA256',
    Buffer.from(`${timestamp}\n${nonce}\n${body}\n`, 'utf8'),
    sandbox.platformPrivateKey,
  );
  return {
    headers: {
      'content-type': 'application/json',
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-signature': signature.toString('base64'),
      'wechatpay-serial': sandbox.serial,
    },
    body,
  };
}

export interface AlipaySandbox {
  appId: string;
  sellerId: string;
  alipayPrivateKey: KeyObject;
}

/** An Alipay trade_status_sync notification as a form body; every call is a fresh delivery. */
export function alipayNotification(
  sandbox: AlipaySandbox,
  payment: SandboxPayment,
  options: { now: Date; tradeStatus?: string } = { now: new Date() },
): string {
  const params = new Map<string, string>([
    ['notify_time', beijingText(options.now)],
    ['notify_type', 'trade_status_sync'],
    ['notify_id', randomBytes(17).toString('hex')],
    ['app_id', sandbox.appId],
    ['seller_id', sandbox.sellerId],
    ['charset', 'utf-8'],
    ['version', '1.0'],
    ['trade_no', payment.transactionId],
    ['out_trade_no', payment.outTradeNo],
    ['trade_status', options.tradeStatus ?? 'TRADE_SUCCESS'],
    ['total_amount', yuanText(payment.amountFen).replaceAll(',', '')],
    ['receipt_amount', yuanText(payment.amountFen).replaceAll(',', '')],
    ['subject', '慈善捐赠'],
    ['gmt_create', beijingText(payment.paidAt)],
    ['gmt_payment', beijingText(payment.paidAt)],
  ]);
  const content = [...params]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  params.set('sign_type', 'RSA2');
  params.set(
    'sign',
    sign('RSA-SHA256', Buffer.from(content, 'utf8'), sandbox.alipayPrivateKey).toString('base64'),
  );
  return new URLSearchParams([...params]).toString();
}

const BEIJING_MS = 8 * 3_600_000;

/** `2026-03-04T14:12:09+08:00`, as WeChat Pay writes times. */
function beijingIso(instant: Date): string {
  return `${new Date(instant.getTime() + BEIJING_MS).toISOString().slice(0, 19)}+08:00`;
}

/** `2026-03-04 14:12:09`, as Alipay writes times. */
function beijingText(instant: Date): string {
  return new Date(instant.getTime() + BEIJING_MS).toISOString().slice(0, 19).replace('T', ' ');
}
