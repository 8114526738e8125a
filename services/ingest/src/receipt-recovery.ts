import { randomUUID } from 'node:crypto';
import { events } from '@huimin/contracts';
import type { createKafkaClient } from '@huimin/kafka';
import type { Logger } from '@huimin/kit';
import { ingestibleTypes } from './domain/departments.ts';
import { RECEIPT_HEADER } from './intake.ts';
import type { Receipt, ReceiptStore } from './store/receipt-store.ts';

// Receipts follow the answer (after-ack.ts), so a replica killed between the two leaves accepted
// events without a receipt row. Every such event carries its receipt in its record: a starting
// replica reads the feed records of the recent past and writes the receipts that are missing.
// It reads up to the moment it started, once the replicas still running have had time to write
// theirs (`settleMs`), so it never writes one twice.

type Kafka = ReturnType<typeof createKafkaClient>;

export interface ReceiptRecoveryOptions {
  kafka: Kafka;
  store: ReceiptStore;
  logger: Logger;
  /** Records from this time on are looked at. */
  since: Date;
  /** ... up to this time. */
  until: Date;
  /** Gives up (rejects) after this long; default 2 minutes. */
  timeoutMs?: number;
}

const feedTopics = [...new Set(ingestibleTypes.map((type) => events[type].topic.name))];

/** Writes the missing receipts of accepted events recorded in [since, until); returns how many. */
export async function recoverReceipts(options: ReceiptRecoveryOptions): Promise<number> {
  const { kafka, store, logger } = options;
  const admin = kafka.admin();
  await admin.connect();
  const ranges = new Map<string, { start: number; end: number }>();
  try {
    for (const topic of feedTopics) {
      const [starts, ends, highs] = await Promise.all([
        admin.fetchTopicOffsetsByTimestamp(topic, options.since.getTime()),
        admin.fetchTopicOffsetsByTimestamp(topic, options.until.getTime()),
        admin.fetchTopicOffsets(topic),
      ]);
      // No record at or after a time: the offset is the end of the partition.
      const at = (list: { partition: number; offset: string }[], partition: number, high: number) => {
        const offset = Number(list.find((p) => p.partition === partition)?.offset ?? -1);
        return offset < 0 ? high : offset;
      };
      for (const { partition, high } of highs) {
        const start = at(starts, partition, Number(high));
        const end = at(ends, partition, Number(high));
        if (start < end) ranges.set(`${topic}:${partition}`, { start, end });
      }
    }
  } finally {
    await admin.disconnect();
  }
  if (ranges.size === 0) return 0;

  const consumer = kafka.consumer({
    groupId: `huimin.ingest.receipt-recovery.${randomUUID()}`,
    allowAutoTopicCreation: false,
  });
  let written = 0;
  const pending = new Set(ranges.keys());
  await consumer.connect();
  try {
    const topics = [...new Set([...ranges.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))];
    await consumer.subscribe({ topics, fromBeginning: false });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`receipt recovery read ${pending.size} partitions only partly`)),
        options.timeoutMs ?? 120_000,
      );
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const id = `${batch.topic}:${batch.partition}`;
            const range = ranges.get(id);
            if (range === undefined) return;
            // One receipt per event, though a retry after a Redis loss may have published it twice.
            const receipts = new Map<string, Receipt>();
            for (const message of batch.messages) {
              const offset = Number(message.offset);
              if (offset < range.start || offset >= range.end) continue;
              const receipt = receiptOf(message.headers ?? {});
              if (receipt) receipts.set(`${receipt.department}:${receipt.eventId}`, receipt);
            }
            written += await store.appendMissing([...receipts.values()]);
            if (Number(batch.lastOffset()) + 1 >= range.end) {
              pending.delete(id);
              if (pending.size === 0) done();
            }
          },
        })
        .catch(reject);
      for (const [id, range] of ranges) {
        const at = id.lastIndexOf(':');
        consumer.seek({
          topic: id.slice(0, at),
          partition: Number(id.slice(at + 1)),
          offset: String(range.start),
        });
      }
    });
  } finally {
    await consumer.disconnect();
  }
  if (written > 0) logger.warn({ written }, 'wrote receipts a stopped replica had not written');
  return written;
}

function text(value: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  return one === undefined ? undefined : one.toString();
}

/** The receipt an accepted event's record carries, or undefined for a record ingest did not write. */
function receiptOf(
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined>,
): Receipt | undefined {
  const carried = text(headers[RECEIPT_HEADER]);
  const source = text(headers.ce_source);
  const ceId = text(headers.ce_id);
  const type = text(headers.ce_type);
  const time = text(headers.ce_time);
  if (!carried || !source?.startsWith('/huimin/ingest/') || !ceId || !type || !time) return undefined;
  const department = source.slice('/huimin/ingest/'.length);
  if (!ceId.startsWith(`${department}:`)) return undefined;
  const [sha, line, submissionId] = carried.split(' ');
  if (!sha || !/^[0-9a-f]{64}$/.test(sha) || !line || !submissionId) return undefined;
  return {
    department,
    submissionId,
    line: line === '-' ? null : Number(line),
    eventId: ceId.slice(department.length + 1),
    type,
    bodySha256: Buffer.from(sha, 'hex'),
    receivedAt: new Date(time),
    outcome: 'accepted',
    reason: null,
  };
}
