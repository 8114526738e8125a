import type pg from 'pg';
import type { Check } from '../upstream/upstream.ts';

export type ApplicationStatus = 'pending' | 'approved' | 'refused' | 'paid';

export interface Application {
  applicationId: string;
  alertId: string | null;
  householdId: string;
  communityCode: string;
  cause: string;
  reasons: string[];
  requestedFen: number;
  amountFen: number;
  policyVersion: string;
  approvalLevel: 'town' | 'bureau';
  approvalsNeeded: number;
  approvedBy: string[];
  checks: Check[];
  status: ApplicationStatus;
  appliedBy: string;
  appliedAt: string;
  refusedBy: string | null;
  refusalReason: string | null;
  paymentReference: string | null;
  paidOn: string | null;
  evidence: { evidenceId: string; kind: string; contentType: string; sizeBytes: number }[];
}

interface Row {
  application_id: string;
  alert_id: string | null;
  household_id: string;
  community_code: string;
  cause: string;
  reasons: string[];
  requested_fen: string;
  amount_fen: string;
  policy_version: string;
  approval_level: 'town' | 'bureau';
  approvals_needed: number;
  checks: Check[];
  status: ApplicationStatus;
  applied_by: string;
  applied_at: Date;
  refused_by: string | null;
  refusal_reason: string | null;
  payment_reference: string | null;
  paid_on: string | null;
  approved_by: string[];
  evidence: Application['evidence'];
}

const SELECT = `
  select a.*, to_char(a.paid_on, 'YYYY-MM-DD') as paid_on,
         coalesce((select array_agg(approver_id order by approved_at) from approvals p
                    where p.application_id = a.application_id), '{}') as approved_by,
         coalesce((select jsonb_agg(jsonb_build_object('evidenceId', e.evidence_id, 'kind', e.kind,
                    'contentType', e.content_type, 'sizeBytes', octet_length(e.bytes)) order by e.attached_at)
                    from evidence e where e.application_id = a.application_id), '[]') as evidence
    from applications a`;

function fromRow(r: Row): Application {
  return {
    applicationId: r.application_id,
    alertId: r.alert_id,
    householdId: r.household_id,
    communityCode: r.community_code,
    cause: r.cause,
    reasons: r.reasons,
    requestedFen: Number(r.requested_fen),
    amountFen: Number(r.amount_fen),
    policyVersion: r.policy_version,
    approvalLevel: r.approval_level,
    approvalsNeeded: r.approvals_needed,
    approvedBy: r.approved_by,
    checks: r.checks,
    status: r.status,
    appliedBy: r.applied_by,
    appliedAt: r.applied_at.toISOString(),
    refusedBy: r.refused_by,
    refusalReason: r.refusal_reason,
    paymentReference: r.payment_reference,
    paidOn: r.paid_on,
    evidence: r.evidence,
  };
}

export async function findApplication(
  client: pg.ClientBase | pg.Pool,
  applicationId: string,
  options: { forUpdate?: boolean } = {},
): Promise<Application | undefined> {
  if (options.forUpdate)
    await client.query('select 1 from applications where application_id = $1 for update', [applicationId]);
  const { rows } = await client.query<Row>(`${SELECT} where a.application_id = $1`, [applicationId]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

export async function listApplications(
  client: pg.ClientBase | pg.Pool,
  filter: { status?: ApplicationStatus; householdId?: string },
): Promise<Application[]> {
  const { rows } = await client.query<Row>(
    `${SELECT} where ($1::text is null or a.status = $1) and ($2::text is null or a.household_id = $2)
      order by a.applied_at limit 500`,
    [filter.status ?? null, filter.householdId ?? null],
  );
  return rows.map(fromRow);
}

/** The household's last grant, for the rule's waiting period: the payment date of its latest paid application. */
export async function lastGrantedOn(
  client: pg.ClientBase | pg.Pool,
  householdId: string,
): Promise<string | undefined> {
  const { rows } = await client.query<{ last: string | null }>(
    `select to_char(max(paid_on), 'YYYY-MM-DD') as last from applications where household_id = $1 and status = 'paid'`,
    [householdId],
  );
  return rows[0]?.last ?? undefined;
}

export async function nextApplicationId(client: pg.ClientBase, year: string): Promise<string> {
  const { rows } = await client.query<{ n: string }>(`select nextval('application_number') as n`);
  return `TA-${year}-${String(rows[0]?.n).padStart(6, '0')}`;
}

export async function insertApplication(
  client: pg.ClientBase,
  a: Omit<
    Application,
    'approvedBy' | 'evidence' | 'refusedBy' | 'refusalReason' | 'paymentReference' | 'paidOn'
  >,
): Promise<void> {
  await client.query(
    `insert into applications (application_id, alert_id, household_id, community_code, cause, reasons,
       requested_fen, amount_fen, policy_version, approval_level, approvals_needed, checks, status,
       applied_by, applied_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)`,
    [
      a.applicationId,
      a.alertId,
      a.householdId,
      a.communityCode,
      a.cause,
      JSON.stringify(a.reasons),
      a.requestedFen,
      a.amountFen,
      a.policyVersion,
      a.approvalLevel,
      a.approvalsNeeded,
      JSON.stringify(a.checks),
      a.status,
      a.appliedBy,
      a.appliedAt,
    ],
  );
}
