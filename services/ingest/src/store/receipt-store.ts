import type pg from 'pg';

export type ReceiptOutcome = 'accepted' | 'duplicate' | 'rejected' | 'not-permitted';

export interface Receipt {
  department: string;
  submissionId: string;
  line: number | null;
  eventId: string | null;
  type: string;
  bodySha256: Buffer | null;
  receivedAt: Date;
  outcome: ReceiptOutcome;
  reason: string | null;
}

export type ReceiptStore = ReturnType<typeof createReceiptStore>;

/** The receipt log: append-only evidence of what each department sent (no payloads). */
export function createReceiptStore(pool: pg.Pool) {
  return {
    /** Appends many receipts in one statement (one round trip however many lines a batch had). */
    async append(receipts: readonly Receipt[]): Promise<void> {
      if (receipts.length === 0) return;
      const { text, values } = unnestReceipts(receipts);
      await pool.query(text, values);
    },

    /**
     * Appends the acceptances that have no receipt yet (receipt-recovery.ts: the receipts a stopped
     * replica had not written); returns how many were written.
     */
    async appendMissing(receipts: readonly Receipt[]): Promise<number> {
      if (receipts.length === 0) return 0;
      const { text, values } = unnestReceipts(receipts);
      const result = await pool.query(
        `${text} where not exists (
           select 1 from receipts r
            where r.department = x.d and r.event_id = x.e and r.outcome = 'accepted')`,
        values,
      );
      return result.rowCount ?? 0;
    },

    /** A department's receipts under a submission id (Idempotency-Key) or an event id, oldest first. */
    async find(department: string, id: string, limit: number): Promise<Receipt[]> {
      const { rows } = await pool.query(
        `select department, submission_id, line, event_id, type, body_sha256, received_at, outcome, reason
           from receipts
          where department = $1 and (submission_id = $2 or event_id = $2)
          order by received_at, id
          limit $3`,
        [department, id, limit],
      );
      return rows.map((row) => ({
        department: row.department,
        submissionId: row.submission_id,
        line: row.line,
        eventId: row.event_id,
        type: row.type,
        bodySha256: row.body_sha256,
        receivedAt: row.received_at,
        outcome: row.outcome,
        reason: row.reason,
      }));
    },

    /** Deletes up to `limit` receipts older than `before`; returns how many went. */
    async purge(db: Pick<pg.Pool, 'query'>, before: Date, limit: number): Promise<number> {
      const result = await db.query(
        `delete from receipts where id in (
           select id from receipts where received_at < $1 order by received_at limit $2)`,
        [before, limit],
      );
      return result.rowCount ?? 0;
    },
  };
}

/** `insert into receipts … select … from unnest(…) as x(d, s, l, e, t, h, r, o, why)` and its arrays. */
function unnestReceipts(receipts: readonly Receipt[]): { text: string; values: unknown[] } {
  const columns = {
    department: [] as string[],
    submissionId: [] as string[],
    line: [] as (number | null)[],
    eventId: [] as (string | null)[],
    type: [] as string[],
    bodySha256: [] as (string | null)[],
    receivedAt: [] as string[],
    outcome: [] as string[],
    reason: [] as (string | null)[],
  };
  for (const r of receipts) {
    columns.department.push(r.department);
    columns.submissionId.push(r.submissionId);
    columns.line.push(r.line);
    columns.eventId.push(r.eventId);
    columns.type.push(r.type);
    columns.bodySha256.push(r.bodySha256 === null ? null : r.bodySha256.toString('hex'));
    columns.receivedAt.push(r.receivedAt.toISOString());
    columns.outcome.push(r.outcome);
    columns.reason.push(r.reason);
  }
  return {
    text: `insert into receipts (department, submission_id, line, event_id, type, body_sha256, received_at, outcome, reason)
           select d, s, l, e, t, decode(h, 'hex'), r, o, why
             from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[],
                         $7::timestamptz[], $8::text[], $9::text[])
               as x(d, s, l, e, t, h, r, o, why)`,
    values: [
      columns.department,
      columns.submissionId,
      columns.line,
      columns.eventId,
      columns.type,
      columns.bodySha256,
      columns.receivedAt,
      columns.outcome,
      columns.reason,
    ],
  };
}
