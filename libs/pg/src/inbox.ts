import type pg from 'pg';
import type { Queryable } from './queryable.ts';
import { requireTransaction } from './require-transaction.ts';

/**
 * Records that `consumer` has handled `eventId`; true the first time, false for a redelivery.
 * Call it inside the transaction that applies the event's effects and skip them on false: if the
 * transaction rolls back, the record goes with it and the event is handled again. Two deliveries
 * racing in separate transactions serialise on the primary key: the second waits, then sees
 * false if the first committed.
 */
export async function recordInbox(
  client: pg.ClientBase,
  consumer: string,
  eventId: string,
): Promise<boolean> {
  requireTransaction(client, 'recordInbox');
  const result = await client.query(
    'insert into inbox (consumer, event_id) values ($1, $2) on conflict (consumer, event_id) do nothing',
    [consumer, eventId],
  );
  return result.rowCount === 1;
}

/**
 * Deletes up to `limit` (default 10,000) inbox records received before `receivedBefore`; returns
 * how many. Keep records longer than any redelivery can arrive (the topic's retention).
 */
export async function purgeInbox(
  db: Queryable,
  options: { receivedBefore: Date; limit?: number },
): Promise<number> {
  const result = await db.query(
    `delete from inbox
      where (consumer, event_id) in (
        select consumer, event_id from inbox where received_at < $1 limit $2
      )`,
    [options.receivedBefore, options.limit ?? 10_000],
  );
  return result.rowCount ?? 0;
}
