import { shanghaiDateOf } from '@huimin/contracts';
import { schedule } from '@huimin/pg';
import type pg from 'pg';
import type { ReceiptStore } from './store/receipt-store.ts';

// Receipts are evidence, kept for RECEIPT_RETENTION_DAYS and then deleted (PIPL: keep only as long
// as needed). The purge runs daily through the lease-based scheduler of libs/pg, so one replica
// does it; each firing is keyed by its date and arms the next day's.

export const PURGE_RECEIPTS = 'ingest.purge-receipts';
const DAY_MS = 86_400_000;

/** 03:00 Asia/Shanghai (19:00 UTC the day before) of the Shanghai date after `from`. */
export function nextPurgeAt(from: Date): Date {
  const today = shanghaiDateOf(from);
  return new Date(Date.parse(`${today}T19:00:00Z`));
}

export async function armReceiptPurge(db: pg.Pool | pg.PoolClient, now: Date): Promise<void> {
  const at = nextPurgeAt(now);
  await schedule(db, { kind: PURGE_RECEIPTS, key: shanghaiDateOf(at), dueAt: at });
}

export function receiptPurgeHandler(options: {
  store: ReceiptStore;
  retentionDays: number;
  now: () => Date;
}) {
  return async (_job: unknown, client: pg.PoolClient): Promise<void> => {
    const now = options.now();
    const before = new Date(now.getTime() - options.retentionDays * DAY_MS);
    // Bounded deletes keep each statement short; the firing's transaction holds them all.
    while ((await options.store.purge(client, before, 10_000)) === 10_000) {}
    await armReceiptPurge(client, now);
  };
}
