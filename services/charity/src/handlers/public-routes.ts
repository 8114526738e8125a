import { taicang } from '@huimin/contracts';
import { AppError, type HttpServer } from '@huimin/kit';
import type pg from 'pg';
import { buildDisclosure, type Disclosure } from '../domain/disclosure.ts';
import type { JurisdictionTree } from '../domain/funds.ts';
import { shanghaiMonthOf, shanghaiYearOf } from '../domain/receipt-number.ts';
import type { DonationBook } from '../donation-book.ts';
import type { PaymentIntake } from '../payment-intake.ts';
import { renderReceiptPdf } from '../pdf/receipt-pdf.ts';
import type { ReceiptLinks } from '../receipt-links.ts';
import { loadDisclosureFacts } from '../store/disclosure-store.ts';
import type { FundStore } from '../store/fund-store.ts';
import { createRateLimit, tooMany } from '../store/rate-limit-store.ts';
import { renderDisclosurePage } from './disclosure-page.ts';
import { IdParams, PaymentOrderBody, YearQuery } from './schemas.ts';

export interface PublicRouteDeps {
  pool: pg.Pool;
  book: DonationBook;
  intake: PaymentIntake;
  funds: FundStore;
  receiptLinks: ReceiptLinks;
  tree: JurisdictionTree;
  now: () => Date;
  /** Payment orders per client address per minute (anyone may start one: no login). */
  paymentOrdersPerMinute: number;
}

/**
 * What anyone may reach from outside (the ingress exposes /public/ only): the disclosure, the
 * funds, donating through WeChat Pay or Alipay, a donor's receipt, and the providers' notifications
 * (notification-routes.ts).
 */
export function registerPublicRoutes(app: HttpServer, deps: PublicRouteDeps): void {
  const { pool, book, intake, funds, receiptLinks, tree, now } = deps;
  const orderLimit = createRateLimit(pool, {
    name: 'payment-orders',
    limit: deps.paymentOrdersPerMinute,
    windowSeconds: 60,
    now,
  });

  async function disclosureFor(year: number | undefined): Promise<Disclosure> {
    const at = now();
    const thisYear = shanghaiYearOf(at);
    const asked = year ?? thisYear;
    if (asked > thisYear) throw new AppError('VALIDATION_FAILED', `${asked} has not begun`);
    const from = new Date(Date.parse(`${asked}-01-01T00:00:00+08:00`));
    const to = new Date(Date.parse(`${asked + 1}-01-01T00:00:00+08:00`));
    const [facts, fundList] = await Promise.all([loadDisclosureFacts(pool, { from, to }), funds.list()]);
    return buildDisclosure({
      ...facts,
      year: asked,
      throughMonth: asked === thisYear ? shanghaiMonthOf(at) : `${asked}-12`,
      funds: fundList.map((f) => ({
        ...f,
        jurisdictionName: taicang.nameOf(f.jurisdictionCode) ?? f.jurisdictionCode,
      })),
    });
  }

  app.get(
    '/public/v1/funds',
    { schema: { summary: 'Every fund and what it holds, per restriction' } },
    async () => ({
      funds: await funds.list(),
    }),
  );

  app.get(
    '/public/v1/disclosure',
    {
      schema: {
        summary: 'Monthly income, spending, balance and households helped per fund',
        querystring: YearQuery,
      },
    },
    async (request) => disclosureFor((request.query as { year?: number }).year),
  );

  app.get(
    '/public/disclosure',
    { schema: { summary: 'The disclosure as a page (zh-CN)', querystring: YearQuery } },
    async (request, reply) => {
      const disclosure = await disclosureFor((request.query as { year?: number }).year);
      reply.type('text/html; charset=utf-8');
      return renderDisclosurePage(disclosure);
    },
  );

  app.post(
    '/public/v1/payment-orders',
    {
      schema: {
        summary: 'Start a donation through WeChat Pay or Alipay: the order its notification will refer to',
        body: PaymentOrderBody,
      },
      // Counted before the body is read: each order is a row, and nobody signs in to make one.
      onRequest: async (request, reply) => {
        const limited = await orderLimit.hit(request.ip);
        if (limited) {
          reply.header('retry-after', String(limited.retryAfterSeconds));
          throw tooMany(limited.retryAfterSeconds);
        }
      },
    },
    async (request, reply) => {
      const body = request.body as PaymentOrderBody;
      const order = await intake.createOrder({ ...body, restriction: body.restriction ?? {} });
      reply.code(201);
      return {
        orderId: order.orderId,
        provider: order.provider,
        fundId: order.fundId,
        amountFen: order.amountFen,
        createdAt: order.createdAt.toISOString(),
      };
    },
  );

  app.get(
    '/public/v1/receipts/:id',
    {
      schema: {
        summary: 'A donor’s receipt (PDF), through the link given when the donation was booked',
        params: IdParams,
        querystring: {
          type: 'object',
          properties: { token: { type: 'string', maxLength: 64 } },
          required: ['token'],
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params as IdParams;
      const { token } = request.query as { token: string };
      const donation = receiptLinks.verify(id, token) ? await book.get(id) : undefined;
      if (donation === undefined) throw new AppError('RECEIPT_NOT_FOUND', 'no receipt for this link');
      const fund = await funds.get(donation.fundId);
      const pdf = await renderReceiptPdf(
        { ...donation, fundName: fund?.name ?? donation.fundId, reversed: donation.reversal !== undefined },
        tree,
      );
      reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${donation.receiptNumber}.pdf"`);
      return pdf;
    },
  );
}
