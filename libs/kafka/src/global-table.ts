import { randomUUID } from 'node:crypto';
import type { Logger } from '@huimin/kit';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import { headersAsStrings } from './dead-letter.ts';
import type { RepartitionedRecord } from './repartitioner.ts';

export interface GlobalTableOptions {
  kafka: Kafka;
  /** The topic read in full, every partition, by every replica. */
  topic: string;
  /** Prefix of the replica's own consumer group (a fresh one per start: nothing is shared or committed). */
  groupPrefix: string;
  /** Applies a partition's records in order (synchronously: the table is in memory). */
  apply: (records: RepartitionedRecord[]) => void;
  logger: Logger;
}

export interface GlobalTable {
  /** Resolves once the table has read every partition up to its end offset at start. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A "global table" (Kafka Streams' term): every replica reads the whole topic into memory, from the
 * beginning, in a consumer group of its own that commits nothing, and keeps reading as it grows.
 * `start` resolves when the table has caught up with the end offsets read at start, so a replica
 * uses it only once it holds at least what was there when it started.
 */
export function createGlobalTable(options: GlobalTableOptions): GlobalTable {
  const { kafka, topic, apply, logger } = options;
  const log = logger.child({ component: 'global-table', topic });
  const consumer = kafka.consumer({
    groupId: `${options.groupPrefix}.${randomUUID()}`,
    allowAutoTopicCreation: false,
  });
  /** Partition → the offset reached when the table is caught up (end offset at start). */
  const behind = new Map<number, bigint>();
  let caughtUp: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    caughtUp = resolve;
  });

  function reached(partition: number, next: bigint): void {
    const end = behind.get(partition);
    if (end !== undefined && next >= end) behind.delete(partition);
    if (behind.size === 0) caughtUp();
  }

  async function eachBatch({ batch, heartbeat }: EachBatchPayload): Promise<void> {
    const records = batch.messages.map(
      (message): RepartitionedRecord => ({
        key: message.key?.toString('utf8') ?? null,
        value: message.value,
        headers: headersAsStrings(message.headers),
      }),
    );
    if (records.length > 0) apply(records);
    const lastOffset = batch.lastOffset();
    reached(batch.partition, BigInt(lastOffset) + 1n);
    await heartbeat();
  }

  return {
    async start() {
      const admin = kafka.admin();
      await admin.connect();
      try {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          if (BigInt(p.high) > BigInt(p.low)) behind.set(p.partition, BigInt(p.high));
        }
      } finally {
        await admin.disconnect();
      }
      const started = performance.now();
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatch });
      reached(-1, 0n);
      await ready;
      log.info({ ms: Math.round(performance.now() - started) }, 'global table caught up');
    },
    async stop() {
      await consumer.disconnect();
    },
  };
}
