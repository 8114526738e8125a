import type pg from 'pg';
import type { Donor, DonorKind } from '../domain/donor.ts';
import type { Restriction } from '../domain/funds.ts';
import type { Purpose } from '../domain/purposes.ts';
import type { PaymentProvider } from '../payments/verified-payment.ts';

export interface PaymentOrder {
  orderId: string;
  provider: PaymentProvider;
  fundId: string;
  amountFen: number;
  restriction: Restriction;
  donor: Donor;
  createdAt: Date;
}

interface OrderRow {
  order_id: string;
  provider: PaymentProvider;
  fund_id: string;
  amount_fen: string;
  purpose: Purpose | null;
  community_code: string | null;
  donor_kind: DonorKind;
  donor_name: string | null;
  publish_name: boolean;
  created_at: Date;
}

type Db = pg.Pool | pg.ClientBase;

export const paymentOrderStore = {
  async insert(db: Db, order: PaymentOrder): Promise<void> {
    await db.query(
      `insert into payment_orders (order_id, provider, fund_id, amount_fen, purpose, community_code, donor_kind,
         donor_name, publish_name, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        order.orderId,
        order.provider,
        order.fundId,
        order.amountFen,
        order.restriction.purpose ?? null,
        order.restriction.communityCode ?? null,
        order.donor.kind,
        order.donor.name ?? null,
        order.donor.publishName,
        order.createdAt,
      ],
    );
  },

  async get(db: Db, orderId: string): Promise<PaymentOrder | undefined> {
    const { rows } = await db.query<OrderRow>('select * from payment_orders where order_id = $1', [orderId]);
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      orderId: row.order_id,
      provider: row.provider,
      fundId: row.fund_id,
      amountFen: Number(row.amount_fen),
      restriction: {
        ...(row.purpose === null ? {} : { purpose: row.purpose }),
        ...(row.community_code === null ? {} : { communityCode: row.community_code }),
      },
      donor: {
        kind: row.donor_kind,
        ...(row.donor_name === null ? {} : { name: row.donor_name }),
        publishName: row.publish_name,
      },
      createdAt: row.created_at,
    };
  },

  /** Records a verified delivery; false when this exact signed delivery was recorded before (a replay). */
  async recordDelivery(
    client: pg.ClientBase,
    delivery: {
      provider: PaymentProvider;
      fingerprint: string;
      transactionId: string;
      outcome: string;
      receivedAt: Date;
    },
  ): Promise<boolean> {
    const result = await client.query(
      `insert into notification_deliveries (provider, signature_sha256, provider_transaction_id, outcome, received_at)
       values ($1, $2, $3, $4, $5) on conflict do nothing`,
      [
        delivery.provider,
        delivery.fingerprint,
        delivery.transactionId,
        delivery.outcome,
        delivery.receivedAt,
      ],
    );
    return result.rowCount === 1;
  },

  async deliverySeen(db: Db, provider: PaymentProvider, fingerprint: string): Promise<boolean> {
    const { rowCount } = await db.query(
      'select 1 from notification_deliveries where provider = $1 and signature_sha256 = $2',
      [provider, fingerprint],
    );
    return rowCount === 1;
  },
};
