import type { TopicDefinition } from '@huimin/contracts';
import type { Logger } from '@huimin/kit';
import type { Admin, ITopicConfig, Kafka } from 'kafkajs';

/**
 * `dev` keeps every record (household and person topics included) so a service started later can
 * rebuild its tables from the beginning; `prod` applies each topic's production retention:
 * compaction for household and person topics, time-based deletion for the rest.
 */
export type RetentionMode = 'dev' | 'prod';

export interface EnsureTopicsOptions {
  topics: readonly TopicDefinition[];
  mode: RetentionMode;
  /** -1 lets the broker use its default (3 in production, 1 on the embedded broker). */
  replicationFactor?: number;
  logger: Logger;
}

export interface EnsureTopicsReport {
  created: string[];
  existing: string[];
}

/** Dead-letter topic of a topic: where a consumer parks an event it could not handle. */
export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/** Kafka topic configs for a declared topic in the given mode. */
export function topicConfigEntries(
  topic: TopicDefinition,
  mode: RetentionMode,
): { name: string; value: string }[] {
  if (mode === 'dev') {
    return [
      { name: 'cleanup.policy', value: 'delete' },
      { name: 'retention.ms', value: '-1' },
      { name: 'retention.bytes', value: '-1' },
    ];
  }
  if (topic.retention.prod === 'compact') return [{ name: 'cleanup.policy', value: 'compact' }];
  return [
    { name: 'cleanup.policy', value: 'delete' },
    { name: 'retention.ms', value: String(topic.retention.prod.ms) },
  ];
}

/**
 * Creates every declared topic, and its dead-letter topic, that does not exist yet. Existing topics
 * are left as they are: changing partition counts or retention of a live topic is an operator's
 * decision, not a side effect of a deploy. Safe to run from several processes at once.
 */
export async function ensureTopics(kafka: Kafka, options: EnsureTopicsOptions): Promise<EnsureTopicsReport> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted: ITopicConfig[] = options.topics.flatMap((topic) => [
      {
        topic: topic.name,
        numPartitions: topic.partitions,
        replicationFactor: options.replicationFactor ?? -1,
        configEntries: topicConfigEntries(topic, options.mode),
      },
      {
        // A dead-letter topic is read rarely and by hand: one partition, kept in full.
        topic: dlqTopicOf(topic.name),
        numPartitions: 1,
        replicationFactor: options.replicationFactor ?? -1,
        configEntries: [
          { name: 'cleanup.policy', value: 'delete' },
          { name: 'retention.ms', value: '-1' },
        ],
      },
    ]);
    const missing = wanted.filter((config) => !existing.has(config.topic));
    if (missing.length > 0) {
      // Another process may create some of them between listTopics and here; kafkajs then
      // reports TOPIC_ALREADY_EXISTS for those, which is the outcome we wanted anyway.
      try {
        await admin.createTopics({ topics: missing, waitForLeaders: false });
      } catch (err: unknown) {
        if (!isAlreadyExists(err)) throw err;
      }
      await waitForLeaders(
        admin,
        missing.map((config) => config.topic),
      );
      options.logger.info({ topics: missing.map((config) => config.topic) }, 'topics created');
    }
    return {
      created: missing.map((config) => config.topic),
      existing: wanted.filter((config) => existing.has(config.topic)).map((config) => config.topic),
    };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Until every partition of the topics has a leader, as the broker asked sees it. On a cluster the
 * controller accepts a topic before every broker's metadata holds it, and a broker answers 3
 * UNKNOWN_TOPIC_OR_PARTITION (or 5 LEADER_NOT_AVAILABLE) until then, which kafkajs's own
 * `waitForLeaders` does not wait out.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      if (
        found.length === topics.length &&
        found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
      )
        return;
    } catch (err: unknown) {
      const type = (err as { type?: string }).type;
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw err;
    }
    if (Date.now() > deadline)
      throw new Error(`topics have no leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function isAlreadyExists(err: unknown): boolean {
  const errors = (err as { errors?: { type?: string }[] } | undefined)?.errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS');
}
