import { randomUUID } from 'node:crypto';
import type { TokenVerifier } from '@huimin/auth';
import { taicang } from '@huimin/contracts';
import { createHttpServer, type HttpServer, type Logger } from '@huimin/kit';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import type { AlertDirectory } from './alerts/alert-directory.ts';
import { createDisbursementDesk, type DisbursementDesk } from './disbursement-desk.ts';
import type { JurisdictionTree } from './domain/funds.ts';
import { createDonationBook, type DonationBook } from './donation-book.ts';
import { charityErrors } from './errors.ts';
import { householdFeedHandlers } from './handlers/household-feed.ts';
import { registerNotificationRoutes } from './handlers/notification-routes.ts';
import { registerPublicRoutes } from './handlers/public-routes.ts';
import { registerStaffRoutes } from './handlers/staff-routes.ts';
import { createCharityMetrics } from './metrics.ts';
import { createPaymentIntake, type PaymentIntake } from './payment-intake.ts';
import type { AlipayConfig } from './payments/alipay.ts';
import type { WechatPayConfig } from './payments/wechat-pay.ts';
import { createReceiptLinks, type ReceiptLinks } from './receipt-links.ts';
import { createReconciliation, type Reconciliation } from './reconciliation.ts';
import { assistanceApplicationHandlers } from './store/assistance-applications.ts';
import { createFundStore } from './store/fund-store.ts';

export interface AppDependencies {
  logger: Logger;
  registry: Registry;
  /** Scoped to charity's schema (createPool({ schema })). */
  pool: pg.Pool;
  verifier: TokenVerifier;
  alerts: AlertDirectory;
  receiptLinkSecret: string;
  wechatPay?: WechatPayConfig | undefined;
  alipay?: AlipayConfig | undefined;
  tree?: JurisdictionTree;
  now?: () => Date;
  /** Payment orders per client address per minute (PAYMENT_ORDERS_PER_MINUTE). */
  paymentOrdersPerMinute?: number;
  /** Proxies in front of charity (the ingress) whose X-Forwarded-For entry names the client. */
  trustedProxyHops?: number;
  newId?: () => string;
}

export interface CharityApp {
  server: HttpServer;
  book: DonationBook;
  desk: DisbursementDesk;
  intake: PaymentIntake;
  reconciliation: Reconciliation;
  receiptLinks: ReceiptLinks;
  /** The household feed's consumer handlers (where each household lives). */
  handlers: ReturnType<typeof householdFeedHandlers>;
  close(): Promise<void>;
}

/** Builds charity from its dependencies; main.ts listens, tests inject. */
export async function createApp(deps: AppDependencies): Promise<CharityApp> {
  const { logger, registry, pool, verifier, alerts } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const tree = deps.tree ?? taicang;
  const metrics = createCharityMetrics(registry);
  const funds = createFundStore(pool);
  const receiptLinks = createReceiptLinks(deps.receiptLinkSecret);

  const book = createDonationBook({ pool, funds, tree, metrics, logger, now, newId });
  const intake = createPaymentIntake({
    pool,
    book,
    metrics,
    logger,
    now,
    newId,
    wechatPay: deps.wechatPay,
    alipay: deps.alipay,
  });
  const desk = createDisbursementDesk({ pool, funds, alerts, tree, metrics, logger, now, newId });
  const reconciliation = createReconciliation({ metrics, logger, now });

  const server = await createHttpServer({
    name: 'charity',
    logger,
    registry,
    errors: charityErrors,
    ...(deps.trustedProxyHops ? { trustedProxyHops: deps.trustedProxyHops } : {}),
    openapi: { title: 'Huimin charity: funds, donations, disbursements, disclosure', version: '1.0.0' },
  });
  server.addReadinessCheck('postgres', async () => {
    await pool.query('select 1');
  });
  registerPublicRoutes(server, {
    pool,
    book,
    intake,
    funds,
    receiptLinks,
    tree,
    now,
    paymentOrdersPerMinute: deps.paymentOrdersPerMinute ?? 20,
  });
  registerNotificationRoutes(server, { intake });
  registerStaffRoutes(server, { pool, verifier, book, desk, funds, reconciliation, receiptLinks, tree, now });

  return {
    server,
    book,
    desk,
    intake,
    reconciliation,
    receiptLinks,
    handlers: [...householdFeedHandlers(), ...assistanceApplicationHandlers()],
    close: () => server.close(),
  };
}
