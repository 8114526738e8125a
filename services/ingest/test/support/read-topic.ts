import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';

export interface ReadRecord {
  topic: string;
  partition: number;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/**
 * Every record on the topics, read from the beginning with a throwaway consumer group until the
 * high watermarks known at the start are reached: what a consumer of the feed would see.
 */
export async function readTopics(
  kafka: Kafka,
  topicNames: readonly string[],
  timeoutMs = 20_000,
): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const expected = new Map<string, number>();
  let total = 0;
  try {
    for (const topic of topicNames) {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
        if (Number(high) > 0) expected.set(`${topic}/${partition}`, Number(high));
        total += Number(high);
      }
    }
  } finally {
    await admin.disconnect();
  }
  if (total === 0) return [];
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, allowAutoTopicCreation: false });
  const records: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topicNames], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${records.length} of ${total} records before the timeout`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ topic, partition, message }) => {
            if (Number(message.offset) >= (expected.get(`${topic}/${partition}`) ?? 0)) return;
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(message.headers ?? {})) {
              if (value !== undefined)
                headers[name] = (Array.isArray(value) ? value[0] : value)?.toString() ?? '';
            }
            records.push({
              topic,
              partition,
              key: message.key?.toString() ?? null,
              value: message.value?.toString() ?? '',
              headers,
            });
            if (records.length >= total) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}
