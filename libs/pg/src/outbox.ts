import type pg from 'pg';
import type { Queryable } from './queryable.ts';
import { requireTransaction } from './require-transaction.ts';

export interface OutboxMessage {
  /** Event id (uuid), also the CloudEvents `id`. */
  id: string;
  topic: string;
  /** Kafka partition key; per-key order is what the relay preserves. */
  key: string;
  /** Event type, e.g. `huimin.risk.flagged.v1`. */
  type: string;
  headers: Record<string, string>;
  payload: unknown;
}

export interface StoredOutboxMessage extends OutboxMessage {
  /** Position in the outbox (bigint as a decimal string). */
  seq: string;
  createdAt: Date;
}

export interface OutboxBatch {
  /** False when another relay holds the outbox; `messages` is then empty and it should wait. */
  acquired: boolean;
  messages: StoredOutboxMessage[];
}

/** The channel a relay LISTENs on to wake up when a transaction appended to the outbox. */
export function outboxChannel(schema: string): string {
  return `${schema}_outbox`;
}

/**
 * Appends an event to the outbox of the schema `client` points at. `client` must be inside the
 * transaction that makes the state change the event reports, so both commit or neither does. The
 * NOTIFY rides in the same transaction: Postgres delivers it only on commit, once per transaction.
 * Returns the row's seq.
 */
export async function appendToOutbox(client: pg.ClientBase, message: OutboxMessage): Promise<string> {
  requireTransaction(client, 'appendToOutbox');
  const { rows } = await client.query<{ seq: string }>(
    `with appended as (
       insert into outbox (id, topic, key, type, headers, payload)
       values ($1, $2, $3, $4, $5::jsonb, $6::jsonb)
       returning seq
     )
     select seq, pg_notify(current_schema() || '_outbox', '') from appended`,
    [
      message.id,
      message.topic,
      message.key,
      message.type,
      // Stringified here: pg would turn a JS array into a Postgres array literal, not JSON.
      JSON.stringify(message.headers),
      JSON.stringify(message.payload),
    ],
  );
  const seq = rows[0]?.seq;
  if (seq === undefined) throw new Error('outbox insert returned no row');
  return seq;
}

/**
 * For a relay, inside its transaction: takes the outbox for this transaction (a transaction-level
 * advisory lock keyed by the schema) and reads up to `limit` unsent rows in seq order, locked.
 *
 * Only one relay replica publishes at a time. That is the simple way to keep per-key order across
 * replicas: two replicas splitting one batch could publish a key's later event first. Throughput
 * is bounded by one relay per service, which is far above what a county's event rate needs; the
 * other replicas stand by and take over at once when the holder's transaction ends or it dies.
 * SKIP LOCKED never skips in that design (nothing else locks unsent rows); it only keeps a stray
 * reader that ignores the lock from blocking the relay.
 *
 * Order guarantee: rows are published in seq order among committed rows. A seq is taken when
 * the row is inserted, not when its transaction commits, so two concurrent transactions for the
 * same key can commit out of seq order; writers for one aggregate serialise on its row (update
 * it before appending) so their events come out in commit order.
 */
export async function claimOutboxBatch(client: pg.ClientBase, limit: number): Promise<OutboxBatch> {
  requireTransaction(client, 'claimOutboxBatch');
  const { rows: lock } = await client.query<{ acquired: boolean }>(
    `select pg_try_advisory_xact_lock(hashtextextended('huimin-pg:outbox:' || current_schema(), 0)) as acquired`,
  );
  if (lock[0]?.acquired !== true) return { acquired: false, messages: [] };
  const { rows } = await client.query<OutboxRow>(
    `select seq, id, topic, key, type, headers, payload, created_at
       from outbox
      where sent_at is null
      order by seq
      limit $1
        for update skip locked`,
    [limit],
  );
  return { acquired: true, messages: rows.map(toStoredMessage) };
}

export interface SettleOptions {
  /**
   * How long a sent row stays readable, in ms. 0: the rows are deleted as they are settled (the
   * outbox then holds only what waits). Above 0: they are stamped `sent_at` and deleted by a later
   * batch once older than this.
   */
  retainSentMs: number;
  /** Most rows sent earlier (older than the retention) that one call deletes; default 5,000. */
  purgeLimit?: number;
}

export interface SettleOutcome {
  /** Rows of this batch settled (deleted or stamped), i.e. that were still unsent. */
  settled: number;
  /** Rows sent earlier and deleted now because they outlived the retention. */
  purged: number;
}

/**
 * For a relay, after the produce of a claimed batch was acknowledged and in the same transaction:
 * settles the batch and deletes rows sent longer ago than the retention, in one statement. The
 * outbox therefore does not grow while the relay runs: it holds unsent rows plus at most
 * `retainSentMs` of sent ones (a relay idle since keeps its last ones until its next turn).
 * If the transaction does not commit (the relay died after publishing), nothing is settled or
 * purged: the batch goes out again. Pass an empty `seqs` to purge only.
 */
export async function settleOutboxBatch(
  client: Queryable,
  seqs: readonly string[],
  options: SettleOptions,
): Promise<SettleOutcome> {
  const retainMs = Math.max(0, Math.floor(options.retainSentMs));
  // The two parts touch disjoint rows (unsent vs. already sent in this statement's snapshot), as a
  // statement with two modifying CTEs on one table must.
  const settle =
    retainMs === 0
      ? 'delete from outbox where seq = any($1::bigint[]) and sent_at is null returning seq'
      : 'update outbox set sent_at = now() where seq = any($1::bigint[]) and sent_at is null returning seq';
  const { rows } = await client.query<{ settled: number; purged: number }>(
    `with settled as (${settle}),
          purged as (
            delete from outbox
             where seq in (select seq from outbox
                            where sent_at < now() - make_interval(secs => $2::double precision / 1000)
                            order by sent_at
                            limit $3)
            returning seq)
     select (select count(*) from settled)::int as settled, (select count(*) from purged)::int as purged`,
    [seqs, retainMs, options.purgeLimit ?? 5_000],
  );
  return { settled: rows[0]?.settled ?? 0, purged: rows[0]?.purged ?? 0 };
}

/** Stamps the given rows as published; returns how many were still unsent. */
export async function markOutboxSent(client: Queryable, seqs: readonly string[]): Promise<number> {
  const result = await client.query(
    'update outbox set sent_at = now() where seq = any($1::bigint[]) and sent_at is null',
    [seqs],
  );
  return result.rowCount ?? 0;
}

/**
 * Deletes up to `limit` (default 10,000) rows sent before `sentBefore`; returns how many. Unsent
 * rows are never purged. Call it repeatedly until it returns less than `limit`.
 */
export async function purgeSentOutbox(
  db: Queryable,
  options: { sentBefore: Date; limit?: number },
): Promise<number> {
  const result = await db.query(
    `delete from outbox
      where seq in (select seq from outbox where sent_at < $1 order by seq limit $2)`,
    [options.sentBefore, options.limit ?? 10_000],
  );
  return result.rowCount ?? 0;
}

interface OutboxRow {
  seq: string;
  id: string;
  topic: string;
  key: string;
  type: string;
  headers: Record<string, string>;
  payload: unknown;
  created_at: Date;
}

function toStoredMessage(row: OutboxRow): StoredOutboxMessage {
  return {
    seq: row.seq,
    id: row.id,
    topic: row.topic,
    key: row.key,
    type: row.type,
    headers: row.headers,
    payload: row.payload,
    createdAt: row.created_at,
  };
}
