import type { Logger } from '@huimin/kit';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Gauge } from 'prom-client';

export interface LagWatch {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Measures once now (the timer does it every interval); resolves when the gauge is set. */
  measure(): Promise<void>;
}

/**
 * Consumer lag from the broker, on a timer: for the partitions assigned to this member, the
 * partition's end offset minus the group's committed offset (the log start when nothing is
 * committed). Measured whether or not batches arrive, so a stalled consumer's lag grows on the
 * dashboard instead of freezing at its last batch. Partitions that moved to another member are
 * removed from the gauge, so the members of a group never report one partition twice.
 */
export function watchLag(options: {
  kafka: Kafka;
  consumer: Consumer;
  groupId: string;
  gauge: Gauge<'group' | 'topic' | 'partition'>;
  intervalMs: number;
  logger: Logger;
}): LagWatch {
  const { kafka, consumer, groupId, gauge, intervalMs, logger } = options;
  let assigned = new Map<string, number[]>();
  let reported = new Set<string>();
  let admin: Admin | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const removeJoin = consumer.on(consumer.events.GROUP_JOIN, (event) => {
    assigned = new Map(Object.entries(event.payload.memberAssignment));
  });

  async function measureNow(): Promise<void> {
    if (!admin) return;
    const seen = new Set<string>();
    const topics = [...assigned].filter(([, partitions]) => partitions.length > 0);
    if (topics.length > 0) {
      const committed = await admin.fetchOffsets({ groupId, topics: topics.map(([topic]) => topic) });
      for (const [topic, partitions] of topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        const group = committed.find((c) => c.topic === topic);
        for (const partition of partitions) {
          const end = ends.find((e) => e.partition === partition);
          if (!end) continue;
          const offset = Number(group?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
          const from = offset >= 0 ? offset : Number(end.low);
          const labels = { group: groupId, topic, partition: String(partition) };
          gauge.set(labels, Math.max(0, Number(end.high) - from));
          seen.add(`${topic}\u0000${partition}`);
        }
      }
    }
    for (const key of reported) {
      if (seen.has(key)) continue;
      const [topic = '', partition = ''] = key.split('\u0000');
      gauge.remove({ group: groupId, topic, partition });
    }
    reported = seen;
  }

  function measure(): Promise<void> {
    running ??= measureNow()
      .catch((err: unknown) => logger.warn({ err, groupId }, 'could not measure consumer lag'))
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    async start() {
      admin = kafka.admin();
      await admin.connect();
      timer = setInterval(() => void measure(), intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      removeJoin();
      await running;
      const a = admin;
      admin = undefined;
      await a?.disconnect();
    },
    measure,
  };
}
