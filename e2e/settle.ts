import { createKafkaClient } from '@huimin/kafka';
import { createLogger } from '@huimin/kit';
import type { Platform } from './platform.ts';

export interface KafkaState {
  /** Records each consumer group has yet to consume, summed over its topics. */
  lag: Map<string, number>;
  /** Records in each dead-letter topic. */
  deadLetters: Map<string, number>;
  /** Records in every topic, summed: changes while anything still flows. */
  total: number;
}

export async function kafkaState(platform: Platform): Promise<KafkaState> {
  const logger = createLogger({ name: 'e2e-settle', level: 'silent' });
  const kafka = createKafkaClient({
    brokers: platform.brokers,
    clientId: 'e2e-settle',
    logger,
    retry: { retries: 2 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    const ends = new Map<string, Map<number, number>>();
    let total = 0;
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends.set(topic, new Map(offsets.map((p) => [p.partition, Number(p.high)])));
      total += offsets.reduce((sum, p) => sum + Number(p.high), 0);
    }
    const deadLetters = new Map<string, number>();
    for (const topic of topics.filter((t) => t.endsWith('.dlq')))
      deadLetters.set(
        topic,
        [...(ends.get(topic)?.values() ?? [])].reduce((a, b) => a + b, 0),
      );
    const lag = new Map<string, number>();
    const { groups } = await admin.listGroups();
    for (const { groupId } of groups) {
      if (groupId.startsWith('reader-') || groupId.startsWith('e2e-')) continue;
      let behind = 0;
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
        if (topic.endsWith('.dlq')) continue;
        for (const { partition, offset } of partitions) {
          const end = ends.get(topic)?.get(partition) ?? 0;
          behind += Math.max(0, end - Math.max(0, Number(offset)));
        }
      }
      lag.set(groupId, behind);
    }
    return { lag, deadLetters, total };
  } finally {
    await admin.disconnect();
  }
}

/** Events written to services' outboxes and not yet published, by schema. */
export async function outboxBacklog(platform: Platform): Promise<Map<string, number>> {
  const backlog = new Map<string, number>();
  for (const service of platform.services.values()) {
    if (!service.manifest.hasMigrations) continue;
    const pool = platform.pool(service.manifest.schema);
    const { rows } = await pool.query<{ n: string }>(
      `select count(*) as n from outbox where sent_at is null`,
    );
    backlog.set(service.manifest.schema, Number(rows[0]?.n ?? 0));
  }
  return backlog;
}

/**
 * Waits until nothing flows any more: every consumer group has consumed every record, every outbox
 * is empty, and the topics' sizes stayed the same across two looks `quietMs` apart.
 */
export async function settle(
  platform: Platform,
  options: { timeoutMs: number; quietMs?: number },
): Promise<KafkaState> {
  const deadline = Date.now() + options.timeoutMs;
  const quietMs = options.quietMs ?? 3000;
  let previousTotal = -1;
  let last = '';
  for (;;) {
    try {
      const state = await kafkaState(platform);
      const backlog = await outboxBacklog(platform);
      const lagging = [...state.lag].filter(([, n]) => n > 0);
      const waiting = [...backlog].filter(([, n]) => n > 0);
      if (lagging.length === 0 && waiting.length === 0 && state.total === previousTotal) return state;
      previousTotal = lagging.length === 0 && waiting.length === 0 ? state.total : -1;
      last = `lag ${JSON.stringify(lagging)}, outboxes ${JSON.stringify(waiting)}`;
    } catch (err: unknown) {
      last = `could not look: ${(err as Error).message}`;
      previousTotal = -1;
    }
    if (Date.now() > deadline)
      throw new Error(`the platform did not settle in ${options.timeoutMs} ms: ${last}`);
    await new Promise((r) => setTimeout(r, quietMs));
  }
}
