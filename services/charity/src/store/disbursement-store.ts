import type pg from 'pg';
import type { DisbursementStatus } from '../domain/disbursement-rules.ts';
import type { Restriction } from '../domain/funds.ts';
import type { Purpose } from '../domain/purposes.ts';

export interface Disbursement {
  disbursementId: string;
  fundId: string;
  householdId: string;
  communityCode: string;
  purpose: Purpose;
  amountFen: number;
  fundedFrom: Restriction;
  alertId?: string | undefined;
  assistanceApplicationId?: string | undefined;
  reason: string;
  status: DisbursementStatus;
  applicantId: string;
  appliedAt: Date;
  approverId?: string | undefined;
  decidedAt?: Date | undefined;
  rejectionReason?: string | undefined;
  paidBy?: string | undefined;
  paidAt?: Date | undefined;
}

interface Row {
  disbursement_id: string;
  fund_id: string;
  household_id: string;
  community_code: string;
  purpose: Purpose;
  amount_fen: string;
  funded_purpose: Purpose | null;
  funded_community_code: string | null;
  alert_id: string | null;
  assistance_application_id: string | null;
  reason: string;
  status: DisbursementStatus;
  applicant_id: string;
  applied_at: Date;
  approver_id: string | null;
  decided_at: Date | null;
  rejection_reason: string | null;
  paid_by: string | null;
  paid_at: Date | null;
}

const opt = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

function toDisbursement(row: Row): Disbursement {
  return {
    disbursementId: row.disbursement_id,
    fundId: row.fund_id,
    householdId: row.household_id,
    communityCode: row.community_code,
    purpose: row.purpose,
    amountFen: Number(row.amount_fen),
    fundedFrom: {
      ...(row.funded_purpose === null ? {} : { purpose: row.funded_purpose }),
      ...(row.funded_community_code === null ? {} : { communityCode: row.funded_community_code }),
    },
    alertId: opt(row.alert_id),
    assistanceApplicationId: opt(row.assistance_application_id),
    reason: row.reason,
    status: row.status,
    applicantId: row.applicant_id,
    appliedAt: row.applied_at,
    approverId: opt(row.approver_id),
    decidedAt: opt(row.decided_at),
    rejectionReason: opt(row.rejection_reason),
    paidBy: opt(row.paid_by),
    paidAt: opt(row.paid_at),
  };
}

type Db = pg.Pool | pg.ClientBase;

export const disbursementStore = {
  async insert(client: Db, d: Disbursement): Promise<void> {
    await client.query(
      `insert into disbursements (disbursement_id, fund_id, household_id, community_code, purpose, amount_fen,
         funded_purpose, funded_community_code, alert_id, reason, status, applicant_id, applied_at,
         assistance_application_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        d.disbursementId,
        d.fundId,
        d.householdId,
        d.communityCode,
        d.purpose,
        d.amountFen,
        d.fundedFrom.purpose ?? null,
        d.fundedFrom.communityCode ?? null,
        d.alertId ?? null,
        d.reason,
        d.status,
        d.applicantId,
        d.appliedAt,
        d.assistanceApplicationId ?? null,
      ],
    );
  },

  /** A household's applications, newest first. */
  async forHousehold(db: Db, householdId: string, limit: number): Promise<Disbursement[]> {
    const { rows } = await db.query<Row>(
      'select * from disbursements where household_id = $1 order by applied_at desc, disbursement_id limit $2',
      [householdId, limit],
    );
    return rows.map(toDisbursement);
  },

  async get(db: Db, id: string, options: { forUpdate?: boolean } = {}): Promise<Disbursement | undefined> {
    const { rows } = await db.query<Row>(
      `select * from disbursements where disbursement_id = $1${options.forUpdate ? ' for update' : ''}`,
      [id],
    );
    return rows[0] === undefined ? undefined : toDisbursement(rows[0]);
  },

  async decide(
    client: Db,
    id: string,
    decision: {
      status: 'approved' | 'rejected';
      approverId: string;
      decidedAt: Date;
      rejectionReason?: string;
    },
  ): Promise<void> {
    await client.query(
      `update disbursements set status = $2, approver_id = $3, decided_at = $4, rejection_reason = $5
        where disbursement_id = $1`,
      [id, decision.status, decision.approverId, decision.decidedAt, decision.rejectionReason ?? null],
    );
  },

  async markPaid(
    client: Db,
    id: string,
    paid: { paidBy: string; paidAt: Date; transactionId: string },
  ): Promise<void> {
    await client.query(
      `update disbursements set status = 'paid', paid_by = $2, paid_at = $3, transaction_id = $4
        where disbursement_id = $1`,
      [id, paid.paidBy, paid.paidAt, paid.transactionId],
    );
  },
};
