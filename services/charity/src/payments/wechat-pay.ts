import { createDecipheriv, createHash, type KeyObject, verify } from 'node:crypto';
import { NotificationRejected, type VerifiedPayment } from './verified-payment.ts';

// WeChat Pay API v3 payment notifications (支付结果通知):
// - headers Wechatpay-Timestamp, Wechatpay-Nonce, Wechatpay-Signature, Wechatpay-Serial;
// - the signature is SHA256withRSA by WeChat Pay's platform key (picked by the serial) over
//   `${timestamp}\n${nonce}\n${body}\n`, the body exactly as received;
// - the body's `resource` is AEAD_AES_256_GCM ciphertext (tag appended) under the merchant's
//   32-byte APIv3 key, with `resource.nonce` as IV and `resource.associated_data` as AAD.
// Verify first, then decrypt; a delivery outside the timestamp window is a replay.

export interface WechatPayConfig {
  mchId: string;
  /** Exactly 32 characters, as set in the merchant platform. */
  apiV3Key: string;
  /** Platform certificate serial (or WeChat Pay public key id) → public key; several during rotation. */
  platformKeys: ReadonlyMap<string, KeyObject>;
  /** How far Wechatpay-Timestamp may be from our clock (WeChat Pay advises 5 minutes). */
  toleranceSeconds: number;
}

export interface WechatPayDelivery {
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  now: Date;
}

interface Resource {
  algorithm?: unknown;
  ciphertext?: unknown;
  nonce?: unknown;
  associated_data?: unknown;
}

interface Transaction {
  mchid?: unknown;
  out_trade_no?: unknown;
  transaction_id?: unknown;
  trade_state?: unknown;
  success_time?: unknown;
  amount?: { total?: unknown; currency?: unknown };
}

export function verifyWechatPayNotification(
  delivery: WechatPayDelivery,
  config: WechatPayConfig,
): VerifiedPayment {
  const timestamp = header(delivery.headers, 'wechatpay-timestamp');
  const nonce = header(delivery.headers, 'wechatpay-nonce');
  const signature = header(delivery.headers, 'wechatpay-signature');
  const serial = header(delivery.headers, 'wechatpay-serial');
  if (!timestamp || !nonce || !signature || !serial) {
    throw new NotificationRejected(
      'forged',
      'Wechatpay-Timestamp, -Nonce, -Signature and -Serial are required',
    );
  }
  const key = config.platformKeys.get(serial);
  if (key === undefined) throw new NotificationRejected('forged', 'unknown Wechatpay-Serial');

  const message = `${timestamp}\n${nonce}\n${delivery.rawBody}\n`;
  const signatureBytes = Buffer.from(signature, 'base64');
  if (
    signatureBytes.length === 0 ||
    !verify('RSA-SHA256', Buffer.from(message, 'utf8'), key, signatureBytes)
  ) {
    throw new NotificationRejected('forged', 'Wechatpay-Signature does not verify');
  }

  // Only after the signature holds is the timestamp worth believing.
  if (!/^\d{1,12}$/.test(timestamp))
    throw new NotificationRejected('forged', 'Wechatpay-Timestamp is not a number');
  const skew = Math.abs(delivery.now.getTime() / 1000 - Number(timestamp));
  if (skew > config.toleranceSeconds) {
    throw new NotificationRejected('replayed', `Wechatpay-Timestamp is ${Math.round(skew)} s away from now`);
  }

  const body = parseJson(delivery.rawBody) as { event_type?: unknown; resource?: Resource } | undefined;
  const resource = body?.resource;
  if (
    resource === undefined ||
    resource.algorithm !== 'AEAD_AES_256_GCM' ||
    typeof resource.ciphertext !== 'string' ||
    typeof resource.nonce !== 'string'
  ) {
    throw new NotificationRejected('malformed', 'resource is not an AEAD_AES_256_GCM resource');
  }
  const plaintext = decryptResource(resource, config.apiV3Key);
  const transaction = parseJson(plaintext) as Transaction | undefined;
  if (transaction === undefined)
    throw new NotificationRejected('malformed', 'resource does not decrypt to JSON');

  if (transaction.mchid !== config.mchId) {
    throw new NotificationRejected('mismatch', 'the transaction belongs to another merchant');
  }
  const total = transaction.amount?.total;
  if (
    typeof transaction.out_trade_no !== 'string' ||
    typeof transaction.transaction_id !== 'string' ||
    typeof transaction.trade_state !== 'string' ||
    typeof total !== 'number' ||
    !Number.isSafeInteger(total) ||
    total < 0
  ) {
    throw new NotificationRejected(
      'malformed',
      'the transaction lacks out_trade_no, transaction_id, trade_state or amount.total',
    );
  }
  if (transaction.amount?.currency !== undefined && transaction.amount.currency !== 'CNY') {
    throw new NotificationRejected('mismatch', 'only CNY donations are accepted');
  }
  const paid = body?.event_type === 'TRANSACTION.SUCCESS' && transaction.trade_state === 'SUCCESS';
  const successTime =
    typeof transaction.success_time === 'string' ? Date.parse(transaction.success_time) : Number.NaN;
  return {
    provider: 'wechat-pay',
    outTradeNo: transaction.out_trade_no,
    transactionId: transaction.transaction_id,
    amountFen: total,
    paid,
    paidAt: Number.isNaN(successTime) ? delivery.now : new Date(successTime),
    deliveryFingerprint: createHash('sha256').update(signatureBytes).digest('hex'),
  };
}

function decryptResource(resource: Resource, apiV3Key: string): string {
  try {
    const data = Buffer.from(resource.ciphertext as string, 'base64');
    if (data.length <= 16) throw new Error('ciphertext shorter than its tag');
    const decipher = createDecipheriv(
      'aes-256-gcm',
      Buffer.from(apiV3Key, 'utf8'),
      Buffer.from(resource.nonce as string, 'utf8'),
    );
    decipher.setAAD(
      Buffer.from(typeof resource.associated_data === 'string' ? resource.associated_data : '', 'utf8'),
    );
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    // A signed body whose resource does not open under our key was not encrypted for us.
    throw new NotificationRejected('forged', 'resource does not decrypt under the APIv3 key');
  }
}

function header(headers: WechatPayDelivery['headers'], name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function parseJson(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}
