import { createHash } from 'node:crypto';
import { DonationReceived, DonationReversed } from '@huimin/contracts';
import { appendEvent } from '@huimin/kafka';
import { AppError, type Logger } from '@huimin/kit';
import { withTransaction } from '@huimin/pg';
import type pg from 'pg';
import { type Donor, donorProblem } from './domain/donor.ts';
import { designationProblem, type JurisdictionTree, type Restriction } from './domain/funds.ts';
import { formatReceiptNumber, shanghaiYearOf } from './domain/receipt-number.ts';
import type { CharityMetrics } from './metrics.ts';
import type { PaymentProvider } from './payments/verified-payment.ts';
import {
  type Donation,
  type DonationChannel,
  donationStore,
  isUniqueViolation,
} from './store/donation-store.ts';
import type { FundStore } from './store/fund-store.ts';
import { bookTransaction, fundAccounts, InsufficientFunds, reversingLegs } from './store/ledger.ts';

export const EVENT_SOURCE = '/huimin/charity';

export interface DonationInput {
  fundId: string;
  amountFen: number;
  channel: DonationChannel;
  restriction: Restriction;
  donor: Donor;
  receivedAt: Date;
}

export type Intake =
  | { kind: 'api'; idempotencyKey: string; recordedBy: string }
  | { kind: 'provider'; provider: PaymentProvider; transactionId: string; orderId: string };

export interface DonationBookDeps {
  pool: pg.Pool;
  funds: FundStore;
  tree: JurisdictionTree;
  metrics: CharityMetrics;
  logger: Logger;
  now: () => Date;
  newId: () => string;
}

/** Who books provider notifications in the ledger's `recorded_by`. */
const PROVIDER_RECORDER: Record<PaymentProvider, string> = {
  'wechat-pay': 'system:wechat-pay-notification',
  alipay: 'system:alipay-notification',
};

/**
 * Donations into the ledger: validated, booked with a gapless receipt number, announced through
 * the outbox, all in one transaction. API intake is idempotent by Idempotency-Key, provider intake
 * by the provider's transaction id.
 */
export function createDonationBook(deps: DonationBookDeps) {
  const { pool, funds, tree, metrics, logger, now, newId } = deps;

  async function validate(input: DonationInput, client: pg.ClientBase | pg.Pool = pool): Promise<void> {
    const fund = await funds.get(input.fundId, client);
    if (fund === undefined) throw new AppError('FUND_NOT_FOUND', `no fund ${input.fundId}`);
    const restrictionProblem = designationProblem(fund, input.restriction, tree);
    if (restrictionProblem !== undefined) {
      throw new AppError('RESTRICTION_VIOLATED', restrictionProblem.message, {
        pointer: restrictionProblem.pointer,
      });
    }
    const donor = donorProblem(input.donor);
    if (donor !== undefined) {
      throw new AppError('VALIDATION_FAILED', donor.message, [
        { in: 'body', path: donor.pointer, message: donor.message },
      ]);
    }
  }

  /**
   * Books a donation inside the caller's transaction; returns it with its receipt number. The
   * caller validated it first: an API request before booking, a provider payment when its order
   * was made (money that has arrived is booked as the order promised, whatever changed since).
   */
  async function bookInTransaction(
    client: pg.ClientBase,
    input: DonationInput,
    intake: Intake,
    requestHash: string,
  ) {
    const recordedAt = now();
    const donationId = newId();
    const transactionId = newId();
    const accounts = await fundAccounts(client, input.fundId, input.restriction);
    const recordedBy = intake.kind === 'api' ? intake.recordedBy : PROVIDER_RECORDER[intake.provider];
    await bookTransaction(client, {
      transactionId,
      kind: 'donation',
      referenceId: donationId,
      bookedAt: input.receivedAt,
      recordedAt,
      recordedBy,
      legs: [
        { accountId: accounts.cash, amountFen: input.amountFen },
        { accountId: accounts.netAssets, amountFen: -input.amountFen },
      ],
    });
    // Last before the insert: the counter row stays locked until commit.
    const receiptYear = shanghaiYearOf(input.receivedAt);
    const receiptSequence = await donationStore.nextReceiptSequence(client, receiptYear);
    const donation: Donation = {
      ...input,
      donationId,
      receiptNumber: formatReceiptNumber(receiptYear, receiptSequence),
      recordedAt,
      recordedBy,
      transactionId,
    };
    await donationStore.insert(client, {
      ...donation,
      receiptYear,
      receiptSequence,
      intake:
        intake.kind === 'api'
          ? { kind: 'api', idempotencyKey: intake.idempotencyKey, requestHash }
          : {
              kind: 'provider',
              provider: intake.provider,
              transactionId: intake.transactionId,
              orderId: intake.orderId,
            },
    });
    await appendEvent(
      client,
      DonationReceived,
      {
        fundId: donation.fundId,
        donationId,
        receiptNumber: donation.receiptNumber,
        amountFen: donation.amountFen,
        channel: donation.channel,
        restriction: donation.restriction,
        donorKind: donation.donor.kind,
        receivedAt: donation.receivedAt.toISOString(),
      },
      { source: EVENT_SOURCE, subject: donationId, now: () => recordedAt },
    );
    return donation;
  }

  return {
    validate,
    bookInTransaction,

    /**
     * Records a donation taken through the API. The same Idempotency-Key with the same donation
     * returns the first booking (`created: false`); with a different donation it is refused.
     */
    async recordFromApi(
      input: DonationInput,
      intake: Extract<Intake, { kind: 'api' }> & { requestHash: string },
    ) {
      const { requestHash } = intake;
      await validate(input);
      for (let attempt = 1; ; attempt++) {
        const existing = await donationStore.findByIntakeKey(pool, intake.idempotencyKey);
        if (existing !== undefined) {
          if (existing.requestHash !== requestHash) {
            throw new AppError(
              'IDEMPOTENCY_KEY_REUSED',
              'this Idempotency-Key was used for a different donation',
            );
          }
          return { donation: existing, created: false };
        }
        try {
          const donation = await withTransaction(pool, (client) =>
            bookInTransaction(client, input, intake, requestHash),
          );
          metrics.donationBooked(donation.channel, donation.amountFen);
          logger.info({ donationId: donation.donationId, fundId: donation.fundId }, 'donation booked');
          return { donation, created: true };
        } catch (err: unknown) {
          // A concurrent request with the same key won; read what it booked.
          if (attempt < 3 && isUniqueViolation(err, 'donations_intake_key_key')) continue;
          throw err;
        }
      }
    },

    async get(donationId: string): Promise<Donation | undefined> {
      return donationStore.get(pool, donationId);
    },

    /** Takes a donation back out with reversing entries; refused when its money is already spent. */
    async reverse(
      donationId: string,
      reason: 'refunded' | 'entered-in-error' | 'duplicate',
      actorId: string,
    ) {
      const reversedAt = now();
      try {
        const donation = await withTransaction(pool, async (client) => {
          const found = await donationStore.get(client, donationId, { forUpdate: true });
          if (found === undefined) throw new AppError('DONATION_NOT_FOUND', `no donation ${donationId}`);
          if (found.reversal !== undefined) {
            throw new AppError('INVALID_STATE', 'the donation was reversed already', { status: 'reversed' });
          }
          const transactionId = newId();
          await bookTransaction(client, {
            transactionId,
            kind: 'donation-reversal',
            referenceId: donationId,
            reversesTransactionId: found.transactionId,
            bookedAt: reversedAt,
            recordedAt: reversedAt,
            recordedBy: actorId,
            legs: await reversingLegs(client, found.transactionId),
          });
          await donationStore.insertReversal(client, {
            donationId,
            transactionId,
            reason,
            reversedBy: actorId,
            reversedAt,
          });
          await appendEvent(
            client,
            DonationReversed,
            {
              fundId: found.fundId,
              donationId,
              receiptNumber: found.receiptNumber,
              amountFen: found.amountFen,
              reason,
              reversedBy: actorId,
              reversedAt: reversedAt.toISOString(),
            },
            { source: EVENT_SOURCE, subject: donationId, now: () => reversedAt },
          );
          return { ...found, reversal: { reason, reversedBy: actorId, reversedAt } };
        });
        logger.info({ donationId, reason }, 'donation reversed');
        return donation;
      } catch (err: unknown) {
        if (err instanceof InsufficientFunds) {
          throw new AppError(
            'INSUFFICIENT_FUNDS',
            'the donation’s money has been spent; it cannot be reversed',
            {
              availableFen: err.availableFen,
            },
          );
        }
        throw err;
      }
    },
  };
}

export type DonationBook = ReturnType<typeof createDonationBook>;

/**
 * A fingerprint of the request body as the caller sent it (keys sorted at every depth), so the same
 * Idempotency-Key with a different donation is caught and a retry of the same one is not.
 */
export function requestHashOf(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
