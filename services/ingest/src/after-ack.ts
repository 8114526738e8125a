import type { Logger } from '@huimin/kit';
import { createCoalescingWriter } from './coalescing-writer.ts';
import type { IdempotencyEntry, IdempotencyStore } from './store/idempotency-store.ts';
import type { Receipt, ReceiptStore } from './store/receipt-store.ts';

// What a request leaves behind once its answer is decided, written off the request path in
// batches shared by every request of the moment: its receipts (one insert) and, for events the
// broker acknowledged, the idempotency marks that let a retry get the original answer (one Redis
// script). Receipts go first, so an id Redis calls accepted always has its receipt.
//
// A crash before a batch is written loses nothing a client was told about: every accepted event
// carries its receipt in its Kafka record (the `huimin_receipt` header), and a starting replica
// writes the receipts of recent records that have none (receipt-recovery.ts). An idempotency mark
// lost that way leaves the id "in flight" until the pending mark expires (60 s); a retry after that
// publishes again, with the same ce_id, and consumers' inboxes drop it.

export type FollowUp =
  | { kind: 'receipt'; receipt: Receipt }
  | { kind: 'accept'; entry: IdempotencyEntry; receivedAt: Date }
  /** Resolves once everything handed over before it is written (receipt reads wait for it). */
  | { kind: 'barrier' };

export interface AfterAck {
  /** Hands the rows over; resolves at once (the write happens in the background). */
  record(items: readonly FollowUp[]): void;
  /** Waits until everything handed over so far is written, or `timeoutMs` passes (false). */
  flushed(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export function createAfterAck(options: {
  receipts: ReceiptStore;
  idempotency: IdempotencyStore;
  logger: Logger;
  maxItems?: number;
}): AfterAck {
  const { receipts, idempotency, logger } = options;
  let closing = false;

  async function persistently(what: string, write: () => Promise<void>, giveUpWhenClosing: boolean) {
    for (let attempt = 1; ; attempt++) {
      try {
        await write();
        return;
      } catch (err: unknown) {
        // While running, receipts are retried until Postgres takes them (readiness reports it
        // meanwhile); at shutdown, a few attempts, then the next start recovers them from Kafka.
        if ((closing || !giveUpWhenClosing) && attempt >= 3) {
          logger.error({ err, attempt }, `could not write ${what}; giving up`);
          return;
        }
        logger.warn({ err, attempt }, `could not write ${what}; retrying`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 5000)));
      }
    }
  }

  const writer = createCoalescingWriter<FollowUp>({
    maxItems: options.maxItems ?? 10_000,
    async write(items) {
      const rows: Receipt[] = [];
      const accepted = new Map<number, IdempotencyEntry[]>();
      for (const item of items) {
        if (item.kind === 'receipt') rows.push(item.receipt);
        else if (item.kind === 'accept') {
          const at = item.receivedAt.getTime();
          const list = accepted.get(at);
          if (list) list.push(item.entry);
          else accepted.set(at, [item.entry]);
        }
      }
      if (rows.length > 0) await persistently('receipts', () => receipts.append(rows), true);
      // Marks are best effort: without one, a retry is only asked to wait, then published again.
      for (const [at, entries] of accepted) {
        await persistently('idempotency marks', () => idempotency.accept(entries, new Date(at)), false);
      }
    },
  });

  return {
    record(items) {
      if (items.length > 0) void writer.submit(items, 'bulk');
    },
    async flushed(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        return await Promise.race([
          writer.submit([{ kind: 'barrier' }], 'bulk').then(() => true as const),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      closing = true;
      await writer.idle();
    },
  };
}
