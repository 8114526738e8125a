import type { Logger } from '@huimin/kit';
import { createCoalescingWriter } from './coalescing-writer.ts';
import type { Receipt, ReceiptStore } from './store/receipt-store.ts';

// The receipts of answered requests, written off the request path in batches shared by every
// request of the moment (one insert).
//
// A crash before a batch is written loses nothing a client was told about: every accepted event
// carries its receipt in its Kafka record (the `huimin_receipt` header), and a starting replica
// writes the receipts of recent records that have none (receipt-recovery.ts).

export type FollowUp =
  | { kind: 'receipt'; receipt: Receipt }
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
  logger: Logger;
  maxItems?: number;
}): AfterAck {
  const { receipts, logger } = options;
  let closing = false;

  async function persistently(rows: Receipt[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        await receipts.append(rows);
        return;
      } catch (err: unknown) {
        // While running, receipts are retried until Postgres takes them (readiness reports it
        // meanwhile); at shutdown, a few attempts, then the next start recovers them from Kafka.
        if (closing && attempt >= 3) {
          logger.error({ err, attempt, receipts: rows.length }, 'could not write receipts; giving up');
          return;
        }
        logger.warn({ err, attempt }, 'could not write receipts; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 5000)));
      }
    }
  }

  const writer = createCoalescingWriter<FollowUp>({
    maxItems: options.maxItems ?? 10_000,
    async write(items) {
      const rows: Receipt[] = [];
      for (const item of items) if (item.kind === 'receipt') rows.push(item.receipt);
      if (rows.length > 0) await persistently(rows);
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
