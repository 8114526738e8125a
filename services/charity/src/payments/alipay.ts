import { createHash, type KeyObject, verify } from 'node:crypto';
import { fenFromYuanText } from '../domain/money.ts';
import { NotificationRejected, type VerifiedPayment } from './verified-payment.ts';

// Alipay asynchronous notifications (异步通知): a form POST whose `sign` is SHA256withRSA (RSA2) by
// Alipay's key over every other non-empty parameter except `sign` and `sign_type`, sorted by name
// and joined as `k=v&k=v` with the values URL-decoded. Alipay resends until it reads `success`.
// The parameters carry no reliable freshness (resends span 25 hours), so a replay is the same
// signed delivery again; a different delivery of a booked trade is simply answered `success`.

export interface AlipayConfig {
  appId: string;
  /** The merchant's Alipay partner id (PID, 2088…): the account the money must have gone to. */
  sellerId: string;
  alipayPublicKey: KeyObject;
}

const PAID_STATUSES = new Set(['TRADE_SUCCESS', 'TRADE_FINISHED']);

/** The exact text Alipay signs. */
export function alipaySigningContent(params: ReadonlyMap<string, string>): string {
  return [...params]
    .filter(([name, value]) => name !== 'sign' && name !== 'sign_type' && value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** Parses a form body, refusing a parameter given twice (which value would be the signed one?). */
export function parseAlipayForm(body: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(body)) {
    if (params.has(name)) throw new NotificationRejected('forged', `parameter ${name} appears twice`);
    params.set(name, value);
  }
  return params;
}

export function verifyAlipayNotification(
  params: ReadonlyMap<string, string>,
  config: AlipayConfig,
  now: Date,
): VerifiedPayment {
  const sign = params.get('sign');
  if (!sign) throw new NotificationRejected('forged', 'sign is missing');
  if (params.get('sign_type') !== 'RSA2') throw new NotificationRejected('forged', 'sign_type must be RSA2');
  const signature = Buffer.from(sign, 'base64');
  const content = Buffer.from(alipaySigningContent(params), 'utf8');
  if (signature.length === 0 || !verify('RSA-SHA256', content, config.alipayPublicKey, signature)) {
    throw new NotificationRejected('forged', 'sign does not verify');
  }

  if (params.get('app_id') !== config.appId) {
    throw new NotificationRejected('mismatch', 'the notification is for another app_id');
  }
  // Alipay's notification guide: check seller_id is the merchant's own account, so a payment made
  // to another merchant under the same app (or a service provider's app) books nothing here.
  if (params.get('seller_id') !== config.sellerId) {
    throw new NotificationRejected('mismatch', 'the notification is for another seller_id');
  }
  const outTradeNo = params.get('out_trade_no');
  const tradeNo = params.get('trade_no');
  const tradeStatus = params.get('trade_status');
  const amountFen = fenFromYuanText(params.get('total_amount') ?? '');
  if (!outTradeNo || !tradeNo || !tradeStatus || amountFen === undefined) {
    throw new NotificationRejected(
      'malformed',
      'out_trade_no, trade_no, trade_status or total_amount is missing or invalid',
    );
  }
  const paidAt = beijingTime(params.get('gmt_payment')) ?? beijingTime(params.get('notify_time')) ?? now;
  return {
    provider: 'alipay',
    outTradeNo,
    transactionId: tradeNo,
    amountFen,
    paid: PAID_STATUSES.has(tradeStatus),
    paidAt,
    deliveryFingerprint: createHash('sha256').update(signature).digest('hex'),
  };
}

/** Alipay writes times as `yyyy-MM-dd HH:mm:ss` in Beijing time. */
function beijingTime(text: string | undefined): Date | undefined {
  if (text === undefined || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text.replace(' ', 'T')}+08:00`);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
