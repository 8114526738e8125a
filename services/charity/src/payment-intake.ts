import { AppError, type Logger } from '@huimin/kit';
import { withTransaction } from '@huimin/pg';
import type pg from 'pg';
import type { Donor } from './domain/donor.ts';
import type { Restriction } from './domain/funds.ts';
import type { DonationBook } from './donation-book.ts';
import type { CharityMetrics } from './metrics.ts';
import { type AlipayConfig, parseAlipayForm, verifyAlipayNotification } from './payments/alipay.ts';
import {
  NotificationRejected,
  type PaymentProvider,
  type VerifiedPayment,
} from './payments/verified-payment.ts';
import { verifyWechatPayNotification, type WechatPayConfig } from './payments/wechat-pay.ts';
import { type Donation, donationStore, isUniqueViolation } from './store/donation-store.ts';
import { type PaymentOrder, paymentOrderStore } from './store/payment-order-store.ts';

export type SettlementOutcome = 'booked' | 'already-booked' | 'not-paid';

export interface PaymentIntakeDeps {
  pool: pg.Pool;
  book: DonationBook;
  metrics: CharityMetrics;
  logger: Logger;
  now: () => Date;
  newId: () => string;
  wechatPay?: WechatPayConfig | undefined;
  alipay?: AlipayConfig | undefined;
}

const rejectionCode = {
  forged: 'NOTIFICATION_FORGED',
  replayed: 'NOTIFICATION_REPLAYED',
  mismatch: 'NOTIFICATION_MISMATCH',
  malformed: 'NOTIFICATION_MALFORMED',
} as const;

/**
 * Donations paid through WeChat Pay or Alipay: a payment order first (what the donor asked to give,
 * to which fund, under which restriction), then the provider's notification, verified, matched to
 * the order, and booked once per provider transaction however often it is delivered.
 */
export function createPaymentIntake(deps: PaymentIntakeDeps) {
  const { pool, book, metrics, logger, now, newId } = deps;

  async function settle(
    payment: VerifiedPayment,
  ): Promise<{ outcome: SettlementOutcome; donation?: Donation }> {
    if (await paymentOrderStore.deliverySeen(pool, payment.provider, payment.deliveryFingerprint)) {
      throw new NotificationRejected('replayed', 'this signed delivery was received before');
    }
    const order = await paymentOrderStore.get(pool, payment.outTradeNo);
    if (order === undefined || order.provider !== payment.provider) {
      throw new NotificationRejected('mismatch', 'no payment order with this out_trade_no');
    }
    if (payment.paid && payment.amountFen !== order.amountFen) {
      throw new NotificationRejected('mismatch', 'the amount paid differs from the payment order');
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await withTransaction(pool, (client) => settleInTransaction(client, payment, order));
      } catch (err: unknown) {
        // Another delivery of the same transaction booked it a moment ago: settle again to see it.
        if (attempt < 3 && isUniqueViolation(err, 'donations_provider_provider_transaction_id_key')) continue;
        throw err;
      }
    }
  }

  async function settleInTransaction(client: pg.ClientBase, payment: VerifiedPayment, order: PaymentOrder) {
    let outcome: SettlementOutcome;
    let donation = await donationStore.findByProviderTransaction(
      client,
      payment.provider,
      payment.transactionId,
    );
    if (!payment.paid) outcome = 'not-paid';
    else if (donation !== undefined) outcome = 'already-booked';
    else {
      outcome = 'booked';
      donation = await book.bookInTransaction(
        client,
        {
          fundId: order.fundId,
          amountFen: order.amountFen,
          channel: payment.provider,
          restriction: order.restriction,
          donor: order.donor,
          receivedAt: payment.paidAt,
        },
        {
          kind: 'provider',
          provider: payment.provider,
          transactionId: payment.transactionId,
          orderId: order.orderId,
        },
        '',
      );
    }
    const fresh = await paymentOrderStore.recordDelivery(client, {
      provider: payment.provider,
      fingerprint: payment.deliveryFingerprint,
      transactionId: payment.transactionId,
      outcome,
      receivedAt: now(),
    });
    if (!fresh) throw new NotificationRejected('replayed', 'this signed delivery was received before');
    return { outcome, ...(donation === undefined ? {} : { donation }) };
  }

  async function handle(provider: PaymentProvider, verify: () => VerifiedPayment) {
    try {
      const result = await settle(verify());
      metrics.notification(provider, result.outcome);
      if (result.outcome === 'booked') metrics.donationBooked(provider, result.donation?.amountFen ?? 0);
      logger.info(
        { provider, outcome: result.outcome, donationId: result.donation?.donationId },
        'payment notification',
      );
      return result;
    } catch (err: unknown) {
      if (err instanceof NotificationRejected) {
        metrics.notification(provider, err.reason);
        logger.warn({ provider, reason: err.reason, detail: err.message }, 'payment notification refused');
        throw new AppError(rejectionCode[err.reason], err.message);
      }
      throw err;
    }
  }

  return {
    /** Records what a donor is about to pay; the provider's notification later refers to `orderId`. */
    async createOrder(request: {
      provider: PaymentProvider;
      fundId: string;
      amountFen: number;
      restriction: Restriction;
      donor: Donor;
    }): Promise<PaymentOrder> {
      if (request.provider === 'wechat-pay' ? deps.wechatPay === undefined : deps.alipay === undefined) {
        throw new AppError('PROVIDER_NOT_CONFIGURED', `${request.provider} is not set up on this deployment`);
      }
      const createdAt = now();
      await book.validate({ ...request, channel: request.provider, receivedAt: createdAt });
      // out_trade_no: WeChat Pay allows 6–32 letters, digits and _-|*; Alipay up to 64.
      const order: PaymentOrder = {
        ...request,
        orderId: `PO${newId().replaceAll('-', '').slice(0, 24)}`,
        createdAt,
      };
      await paymentOrderStore.insert(pool, order);
      return order;
    },

    async wechatPayNotified(headers: Record<string, string | string[] | undefined>, rawBody: string) {
      const config = deps.wechatPay;
      if (config === undefined)
        throw new AppError('PROVIDER_NOT_CONFIGURED', 'WeChat Pay is not set up on this deployment');
      return handle('wechat-pay', () =>
        verifyWechatPayNotification({ headers, rawBody, now: now() }, config),
      );
    },

    async alipayNotified(formBody: string) {
      const config = deps.alipay;
      if (config === undefined)
        throw new AppError('PROVIDER_NOT_CONFIGURED', 'Alipay is not set up on this deployment');
      return handle('alipay', () => verifyAlipayNotification(parseAlipayForm(formBody), config, now()));
    },
  };
}

export type PaymentIntake = ReturnType<typeof createPaymentIntake>;
