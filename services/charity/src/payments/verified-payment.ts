// What a payment provider's notification tells us once it has been verified, whatever the provider.

export type PaymentProvider = 'wechat-pay' | 'alipay';

export interface VerifiedPayment {
  provider: PaymentProvider;
  /** Our payment order (商户订单号 out_trade_no). */
  outTradeNo: string;
  /** The provider's transaction id: one donation per id, however often it is notified. */
  transactionId: string;
  amountFen: number;
  /** False for a notification about an unpaid or closed trade: acknowledged, nothing booked. */
  paid: boolean;
  paidAt: Date;
  /** sha256 of the delivery's signature: the same signed delivery twice is a replay. */
  deliveryFingerprint: string;
}

export type RejectionReason = 'forged' | 'replayed' | 'malformed' | 'mismatch';

/** A notification that is refused; `reason` decides the status, `detail` says why (safe to log). */
export class NotificationRejected extends Error {
  readonly reason: RejectionReason;

  constructor(reason: RejectionReason, detail: string) {
    super(detail);
    this.name = 'NotificationRejected';
    this.reason = reason;
  }
}
