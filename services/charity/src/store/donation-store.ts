import type pg from 'pg';
import type { Donor, DonorKind } from '../domain/donor.ts';
import type { Restriction } from '../domain/funds.ts';
import type { Purpose } from '../domain/purposes.ts';
import type { PaymentProvider } from '../payments/verified-payment.ts';

export type DonationChannel = 'wechat-pay' | 'alipay' | 'bank-transfer' | 'cash';

export interface Donation {
  donationId: string;
  receiptNumber: string;
  fundId: string;
  amountFen: number;
  channel: DonationChannel;
  restriction: Restriction;
  donor: Donor;
  receivedAt: Date;
  recordedAt: Date;
  recordedBy: string;
  transactionId: string;
  reversal?: { reason: string; reversedBy: string; reversedAt: Date } | undefined;
}

export interface NewDonation extends Omit<Donation, 'receiptNumber' | 'reversal'> {
  receiptYear: number;
  receiptSequence: number;
  receiptNumber: string;
  intake:
    | { kind: 'api'; idempotencyKey: string; requestHash: string }
    | { kind: 'provider'; provider: PaymentProvider; transactionId: string; orderId: string };
}

interface DonationRow {
  donation_id: string;
  receipt_number: string;
  fund_id: string;
  amount_fen: string;
  channel: DonationChannel;
  purpose: Purpose | null;
  community_code: string | null;
  donor_kind: DonorKind;
  donor_name: string | null;
  publish_name: boolean;
  received_at: Date;
  recorded_at: Date;
  recorded_by: string;
  transaction_id: string;
  intake_hash: string | null;
  reversal_reason: string | null;
  reversed_by: string | null;
  reversed_at: Date | null;
}

function toDonation(row: DonationRow): Donation {
  return {
    donationId: row.donation_id,
    receiptNumber: row.receipt_number,
    fundId: row.fund_id,
    amountFen: Number(row.amount_fen),
    channel: row.channel,
    restriction: {
      ...(row.purpose === null ? {} : { purpose: row.purpose }),
      ...(row.community_code === null ? {} : { communityCode: row.community_code }),
    },
    donor: {
      kind: row.donor_kind,
      ...(row.donor_name === null ? {} : { name: row.donor_name }),
      publishName: row.publish_name,
    },
    receivedAt: row.received_at,
    recordedAt: row.recorded_at,
    recordedBy: row.recorded_by,
    transactionId: row.transaction_id,
    reversal:
      row.reversed_at === null
        ? undefined
        : {
            reason: row.reversal_reason ?? '',
            reversedBy: row.reversed_by ?? '',
            reversedAt: row.reversed_at,
          },
  };
}

const SELECT = `select d.*, r.reason as reversal_reason, r.reversed_by, r.reversed_at
                  from donations d left join donation_reversals r using (donation_id)`;

type Db = pg.Pool | pg.ClientBase;

export const donationStore = {
  async get(
    db: Db,
    donationId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<Donation | undefined> {
    const { rows } = await db.query<DonationRow>(
      options.forUpdate
        ? `${SELECT} where d.donation_id = $1 for update of d`
        : `${SELECT} where d.donation_id = $1`,
      [donationId],
    );
    return rows[0] === undefined ? undefined : toDonation(rows[0]);
  },

  async findByIntakeKey(db: Db, key: string): Promise<(Donation & { requestHash: string }) | undefined> {
    const { rows } = await db.query<DonationRow>(`${SELECT} where d.intake_key = $1`, [key]);
    const row = rows[0];
    return row === undefined ? undefined : { ...toDonation(row), requestHash: row.intake_hash ?? '' };
  },

  async findByProviderTransaction(
    db: Db,
    provider: PaymentProvider,
    transactionId: string,
  ): Promise<Donation | undefined> {
    const { rows } = await db.query<DonationRow>(
      `${SELECT} where d.provider = $1 and d.provider_transaction_id = $2`,
      [provider, transactionId],
    );
    return rows[0] === undefined ? undefined : toDonation(rows[0]);
  },

  /**
   * The next receipt number of a year. The counter row stays locked until the caller's transaction
   * ends, so numbers are handed out one transaction at a time and a rollback returns its number:
   * no gaps, no duplicates. Take it as late as possible in the transaction.
   */
  async nextReceiptSequence(client: pg.ClientBase, year: number): Promise<number> {
    const { rows } = await client.query<{ last_sequence: number }>(
      `insert into receipt_counters (year, last_sequence) values ($1, 1)
       on conflict (year) do update set last_sequence = receipt_counters.last_sequence + 1
       returning last_sequence`,
      [year],
    );
    const sequence = rows[0]?.last_sequence;
    if (sequence === undefined) throw new Error('receipt counter returned nothing');
    return sequence;
  },

  async insert(client: pg.ClientBase, d: NewDonation): Promise<void> {
    const api = d.intake.kind === 'api' ? d.intake : undefined;
    const provider = d.intake.kind === 'provider' ? d.intake : undefined;
    await client.query(
      `insert into donations (donation_id, receipt_number, receipt_year, receipt_sequence, fund_id, amount_fen,
         channel, purpose, community_code, donor_kind, donor_name, publish_name, intake_key, intake_hash, provider,
         provider_transaction_id, payment_order_id, received_at, recorded_at, recorded_by, transaction_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
      [
        d.donationId,
        d.receiptNumber,
        d.receiptYear,
        d.receiptSequence,
        d.fundId,
        d.amountFen,
        d.channel,
        d.restriction.purpose ?? null,
        d.restriction.communityCode ?? null,
        d.donor.kind,
        d.donor.name ?? null,
        d.donor.publishName,
        api?.idempotencyKey ?? null,
        api?.requestHash ?? null,
        provider?.provider ?? null,
        provider?.transactionId ?? null,
        provider?.orderId ?? null,
        d.receivedAt,
        d.recordedAt,
        d.recordedBy,
        d.transactionId,
      ],
    );
  },

  async insertReversal(
    client: pg.ClientBase,
    r: { donationId: string; transactionId: string; reason: string; reversedBy: string; reversedAt: Date },
  ): Promise<void> {
    await client.query(
      `insert into donation_reversals (donation_id, transaction_id, reason, reversed_by, reversed_at)
       values ($1, $2, $3, $4, $5)`,
      [r.donationId, r.transactionId, r.reason, r.reversedBy, r.reversedAt],
    );
  },
};

/** True when `err` is a unique violation on one of the named constraints. */
export function isUniqueViolation(err: unknown, ...constraints: string[]): boolean {
  const e = err as { code?: unknown; constraint?: unknown };
  return e?.code === '23505' && (constraints.length === 0 || constraints.includes(String(e.constraint)));
}
