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

/**
 * `insert into receipts … select … from json_to_recordset($1) as x(d, s, l, e, t, h, r, o, why)` and
 * its one parameter: the rows as one JSON text (V8's JSON.stringify is far cheaper per row than the
 * client escaping nine text arrays element by element).
 */
function unnestReceipts(receipts: readonly Receipt[]): { text: string; values: unknown[] } {
  const rows = receipts.map((r) => ({
    d: r.department,
    s: r.submissionId,
    l: r.line,
    e: r.eventId,
    t: r.type,
    h: r.bodySha256 === null ? null : r.bodySha256.toString('hex'),
    r: r.receivedAt.toISOString(),
    o: r.outcome,
    why: r.reason,
  }));
  return {
    text: `insert into receipts (department, submission_id, line, event_id, type, body_sha256, received_at, outcome, reason)
           select d, s, l, e, t, decode(h, 'hex'), r, o, why
             from json_to_recordset($1::json)
               as x(d text, s text, l int, e text, t text, h text, r timestamptz, o text, why text)`,
    values: [JSON.stringify(rows)],
  };
}
