import type { Logger } from '@huimin/kit';
import type { Kafka } from 'kafkajs';
import { DLQ_HEADERS, headersAsStrings, originalHeaders } from './dead-letter.ts';
import { createProducer, createPublisher, type PublishableRecord } from './publisher.ts';
import { dlqTopicOf } from './topics.ts';

export interface ReplayDlqOptions {
  kafka: Kafka;
  /** The original topic; its `<topic>.dlq` is replayed. */
  topic: string;
  logger: Logger;
  /** Only re-drive records dead-lettered by this consumer group. */
  group?: string;
  /** Count what would be replayed without publishing or committing. */
  dryRun?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface ReplayReport {
  replayed: number;
  skipped: number;
}

/**
 * Re-drives a dead-letter topic after a fix: every record parked since the last replay goes back
 * to the original topic with its original key, value and headers (the same `ce_id`, so consumers
 * that did handle it meanwhile drop it). Progress is a consumer group of its own
 * (`huimin.replay-dlq.<topic>`), committed per record, so an interrupted replay resumes and a
 * finished one is not repeated. Reads up to the end offsets seen at the start, then stops.
 */
export async function replayDlq(options: ReplayDlqOptions): Promise<ReplayReport> {
  const { kafka, topic, logger } = options;
  const dlqTopic = dlqTopicOf(topic);
  const groupId = `huimin.replay-dlq.${topic}`;
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  let starts: Map<number, bigint>;
  try {
    const latest = await admin.fetchTopicOffsets(dlqTopic);
    ends = new Map(latest.map((p) => [p.partition, BigInt(p.high)]));
    const committed = await admin.fetchOffsets({ groupId, topics: [dlqTopic] });
    const low = new Map(latest.map((p) => [p.partition, BigInt(p.low)]));
    starts = new Map(
      (committed[0]?.partitions ?? []).map((p) => [
        p.partition,
        BigInt(p.offset) < 0n ? (low.get(p.partition) ?? 0n) : BigInt(p.offset),
      ]),
    );
  } finally {
    await admin.disconnect();
  }
  const total = [...ends].reduce(
    (sum, [partition, end]) => sum + Number(end - (starts.get(partition) ?? 0n)),
    0,
  );
  const report: ReplayReport = { replayed: 0, skipped: 0 };
  if (total === 0) return report;

  const producer = createProducer(kafka);
  const publisher = createPublisher({ producer });
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await producer.connect();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: dlqTopic, fromBeginning: true });
    const remaining = new Map([...ends].filter(([partition, end]) => end > (starts.get(partition) ?? 0n)));
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = remaining.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return;
            const headers = headersAsStrings(message.headers);
            if (options.group && headers[DLQ_HEADERS.group] !== options.group) {
              report.skipped += 1;
            } else {
              if (!options.dryRun) {
                const record: PublishableRecord = {
                  topic: headers[DLQ_HEADERS.topic] ?? topic,
                  key: message.key?.toString('utf8') ?? '',
                  headers: originalHeaders(message.headers),
                  value: message.value ?? Buffer.alloc(0),
                };
                await publisher.publishRecords([record]);
              }
              report.replayed += 1;
            }
            if (!options.dryRun) {
              await consumer.commitOffsets([
                { topic: dlqTopic, partition, offset: (BigInt(message.offset) + 1n).toString() },
              ]);
            }
            options.onProgress?.(report.replayed + report.skipped, total);
            if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
            if (remaining.size === 0) resolve();
          },
        })
        .catch(reject);
    });
    logger.info({ topic, ...report, dryRun: Boolean(options.dryRun) }, 'dead-letter topic replayed');
    return report;
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}
