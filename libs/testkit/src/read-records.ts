import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';

export interface ReadRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

export interface ReadRecordsOptions {
  /** Read until this many records arrived (waiting for them); by default, everything up to the end offsets seen at the start. */
  count?: number;
  timeoutMs?: number;
}

/**
 * What a consumer of the topics would see: records read from the beginning with a throwaway
 * consumer group. Fails (with what it read so far) when the records don't arrive in time.
 */
export async function readRecords(
  kafka: Kafka,
  topics: string | readonly string[],
  options: ReadRecordsOptions = {},
): Promise<ReadRecord[]> {
  const names = typeof topics === 'string' ? [topics] : [...topics];
  const timeoutMs = options.timeoutMs ?? 20_000;
  let ends: Map<string, number> | undefined;
  let wanted = options.count;
  if (wanted === undefined) {
    ends = await endOffsets(kafka, names);
    wanted = [...ends.values()].reduce((sum, end) => sum + end, 0);
  }
  if (wanted === 0) return [];

  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, allowAutoTopicCreation: false });
  const records: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: names, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `read ${records.length} of ${wanted} records from ${names.join(', ')} before the timeout`,
            ),
          ),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ topic, partition, message }) => {
            if (ends && Number(message.offset) >= (ends.get(`${topic}/${partition}`) ?? 0)) return;
            records.push({
              topic,
              partition,
              offset: message.offset,
              key: message.key?.toString() ?? null,
              value: message.value?.toString() ?? '',
              headers: headerStrings(message.headers),
            });
            if (records.length >= (wanted ?? 0)) {
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

async function endOffsets(kafka: Kafka, topics: readonly string[]): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map<string, number>();
    for (const topic of topics) {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic))
        ends.set(`${topic}/${partition}`, Number(high));
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

function headerStrings(
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined,
) {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = first.toString();
  }
  return result;
}

/** Polls `check` until it holds; fails naming `what` after the timeout. */
export async function waitUntil(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
