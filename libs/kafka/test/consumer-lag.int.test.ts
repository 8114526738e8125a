import { startTestEnv, type TestEnv, waitUntil } from '@huimin/testkit';
import type { Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createConsumerRunner, createProducer, createPublisher, ensureTopics, on } from '../src/index.ts';
import { testEvent, testTopic } from './fixtures/test-events.ts';

let env: TestEnv;
let producer: Producer;

beforeAll(async () => {
  env = await startTestEnv({ name: 'consumer_lag', redis: false });
  producer = createProducer(env.kafka);
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await env?.close();
});

/** What a scrape of the registry reports as the group's lag, summed over partitions. */
async function scrapedLag(registry: Registry, group: string): Promise<number | undefined> {
  const metric = await registry.getSingleMetricAsString('huimin_consumer_lag_messages');
  const values = [...metric.matchAll(/^huimin_consumer_lag_messages\{([^}]*)\} (\d+)$/gm)]
    .filter((m) => m[1]?.includes(`group="${group}"`))
    .map((m) => Number(m[2]));
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0);
}

describe('consumer lag', () => {
  it('is measured from the broker on a timer: it shows a stalled consumer falling behind, then catching up', async () => {
    const topic = testTopic('lag', 1);
    const event = testEvent(topic);
    await ensureTopics(env.kafka, { topics: [topic], mode: 'dev', logger: env.logger });
    const registry = new Registry();
    let release: () => void = () => {};
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runner = createConsumerRunner({
      kafka: env.kafka,
      pool: env.pool,
      groupId: 'lag-test',
      logger: env.logger,
      registry,
      lagIntervalMs: 100,
      handlers: [
        on(event, async () => {
          await stalled; // the first event holds the partition: no batch completes
        }),
      ],
    });
    await runner.start();
    try {
      const publisher = createPublisher({ producer });
      for (let seq = 1; seq <= 6; seq++)
        await publisher.publish(event, { householdId: 'H1', seq }, { source: '/test' });
      // Nothing committed and no batch finished: only the broker's end offset can tell.
      await waitUntil(
        async () => (await scrapedLag(registry, 'lag-test')) === 6,
        'lag of 6 while stalled',
        20_000,
      );
      release();
      await waitUntil(async () => (await scrapedLag(registry, 'lag-test')) === 0, 'lag back to 0', 20_000);
    } finally {
      release();
      await runner.stop();
    }
  }, 60_000);
});
