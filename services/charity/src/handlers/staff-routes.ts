import { authenticate, requireRole, type TokenVerifier, userOf } from '@huimin/auth';
import { AppError, type HttpServer } from '@huimin/kit';
import { Type } from '@sinclair/typebox';
import type pg from 'pg';
import { CHARITY_ACCESS } from '../auth/principal.ts';
import type { DisbursementDesk } from '../disbursement-desk.ts';
import type { JurisdictionTree } from '../domain/funds.ts';
import { type DonationBook, requestHashOf } from '../donation-book.ts';
import { renderReceiptPdf } from '../pdf/receipt-pdf.ts';
import type { ReceiptLinks } from '../receipt-links.ts';
import type { Reconciliation } from '../reconciliation.ts';
import type { FundStore } from '../store/fund-store.ts';
import { presentDisbursement, presentDonation } from './present.ts';
import { DisbursementBody, DonationBody, IdParams, RejectionBody, ReversalBody } from './schemas.ts';

export interface StaffRouteDeps {
  pool: pg.Pool;
  verifier: TokenVerifier;
  book: DonationBook;
  desk: DisbursementDesk;
  funds: FundStore;
  reconciliation: Reconciliation;
  receiptLinks: ReceiptLinks;
  tree: JurisdictionTree;
  now: () => Date;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

/** The API for charity's staff, case handlers and the bureau: bearer tokens from identity. */
export function registerStaffRoutes(app: HttpServer, deps: StaffRouteDeps): void {
  const { verifier, book, desk, funds, reconciliation, receiptLinks, tree, now } = deps;
  // onRequest, before the body is validated: a caller without a token learns nothing about the API.
  const signedIn = authenticate(verifier);

  app.post(
    '/v1/donations',
    {
      schema: {
        summary: 'Record a donation received at the counter or by bank transfer',
        body: DonationBody,
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string' } } },
      },
      onRequest: [signedIn, requireRole(...CHARITY_ACCESS.recordDonation)],
    },
    async (request, reply) => {
      const me = userOf(request);
      const key = request.headers['idempotency-key'];
      if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
        throw new AppError(
          'IDEMPOTENCY_KEY_REQUIRED',
          'send an Idempotency-Key header (8–128 letters, digits, _.:-)',
        );
      }
      const body = request.body as DonationBody;
      const receivedAt = body.receivedAt === undefined ? now() : new Date(body.receivedAt);
      // A receipt dated in the future would be a false record; a few minutes of clock skew are fine.
      if (receivedAt.getTime() > now().getTime() + 5 * 60_000) {
        throw new AppError('VALIDATION_FAILED', 'receivedAt lies in the future', [
          { in: 'body', path: '/receivedAt', message: 'must not lie in the future' },
        ]);
      }
      const { donation, created } = await book.recordFromApi(
        {
          fundId: body.fundId,
          amountFen: body.amountFen,
          channel: body.channel,
          restriction: body.restriction ?? {},
          donor: body.donor,
          receivedAt,
        },
        {
          kind: 'api',
          idempotencyKey: `${me.userId}:${key}`,
          recordedBy: me.userId,
          requestHash: requestHashOf(body),
        },
      );
      reply.code(created ? 201 : 200);
      return presentDonation(donation, receiptLinks.pathOf(donation.donationId));
    },
  );

  app.get(
    '/v1/donations/:id',
    { schema: { params: IdParams }, onRequest: [signedIn, requireRole(...CHARITY_ACCESS.read)] },
    async (request) => {
      const { id } = request.params as IdParams;
      const donation = await book.get(id);
      if (donation === undefined) throw new AppError('DONATION_NOT_FOUND', `no donation ${id}`);
      return presentDonation(donation, receiptLinks.pathOf(id));
    },
  );

  app.get(
    '/v1/donations/:id/receipt',
    { schema: { params: IdParams }, onRequest: [signedIn, requireRole(...CHARITY_ACCESS.read)] },
    async (request, reply) => {
      const { id } = request.params as IdParams;
      const donation = await book.get(id);
      if (donation === undefined) throw new AppError('DONATION_NOT_FOUND', `no donation ${id}`);
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

  app.post(
    '/v1/donations/:id/reversal',
    {
      schema: {
        summary: 'Take a donation back out with reversing entries',
        params: IdParams,
        body: ReversalBody,
      },
      onRequest: [signedIn, requireRole(...CHARITY_ACCESS.decide)],
    },
    async (request) => {
      const { id } = request.params as IdParams;
      const { reason } = request.body as { reason: 'refunded' | 'entered-in-error' | 'duplicate' };
      const donation = await book.reverse(id, reason, userOf(request).userId);
      return presentDonation(donation, receiptLinks.pathOf(id));
    },
  );

  app.post(
    '/v1/disbursements',
    {
      schema: { summary: 'Apply for help from a fund for a household', body: DisbursementBody },
      onRequest: [signedIn, requireRole(...CHARITY_ACCESS.apply)],
    },
    async (request, reply) => {
      const body = request.body as DisbursementBody;
      const disbursement = await desk.apply(userOf(request), { ...body, fundedFrom: body.fundedFrom ?? {} });
      reply.code(201);
      return presentDisbursement(disbursement);
    },
  );

  app.get(
    '/v1/disbursements',
    {
      schema: {
        summary: 'A household’s applications for help, newest first (the household view)',
        querystring: Type.Object({
          householdId: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' }),
        }),
      },
      onRequest: [signedIn, requireRole(...CHARITY_ACCESS.read)],
    },
    async (request) => {
      const { householdId } = request.query as { householdId: string };
      const found = await desk.forHousehold(userOf(request), householdId);
      return { householdId, disbursements: found.map(presentDisbursement) };
    },
  );

  app.get(
    '/v1/disbursements/:id',
    { schema: { params: IdParams }, onRequest: [signedIn, requireRole(...CHARITY_ACCESS.read)] },
    async (request) => presentDisbursement(await desk.get(userOf(request), (request.params as IdParams).id)),
  );

  app.post(
    '/v1/disbursements/:id/approval',
    { schema: { params: IdParams }, onRequest: [signedIn, requireRole(...CHARITY_ACCESS.decide)] },
    async (request) =>
      presentDisbursement(await desk.approve(userOf(request), (request.params as IdParams).id)),
  );

  app.post(
    '/v1/disbursements/:id/rejection',
    {
      schema: { params: IdParams, body: RejectionBody },
      onRequest: [signedIn, requireRole(...CHARITY_ACCESS.decide)],
    },
    async (request) => {
      const { reason } = request.body as { reason: string };
      return presentDisbursement(await desk.reject(userOf(request), (request.params as IdParams).id, reason));
    },
  );

  app.post(
    '/v1/disbursements/:id/payment',
    { schema: { params: IdParams }, onRequest: [signedIn, requireRole(...CHARITY_ACCESS.decide)] },
    async (request) => presentDisbursement(await desk.pay(userOf(request), (request.params as IdParams).id)),
  );

  app.post(
    '/v1/reconciliations',
    {
      schema: { summary: 'Reconcile the ledger now (the daily run happens by itself)' },
      onRequest: [signedIn, requireRole(...CHARITY_ACCESS.reconcile)],
    },
    async () => {
      const result = await reconciliation.runNow(deps.pool);
      return { ...result, checkedAt: result.checkedAt.toISOString() };
    },
  );
}
