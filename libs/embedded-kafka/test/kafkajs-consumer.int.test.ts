import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../src/index.ts';
import { testLogger } from './support/quiet-logger.ts';
import { tempDataDir } from './support/temp-dir.ts';

/** End to end through kafkajs alone: producer, then a consumer (its group comes from the groups module). */
describe('kafkajs producer to kafkajs consumer', () => {
  const data = tempDataDir('kafkajs-consumer');
  let broker: RunningBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startBroker({ dataDir: data.dir, logger: testLogger() });
    kafka = new Kafka({ brokers: [broker.brokers], clientId: 'e2e-test', logLevel: logLevel.NOTHING });
  });

  afterAll(async () => {
    await broker?.close();
    data.remove();
  });

  it('delivers every record, per key in order, plain and gzip, from the beginning', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'alerts', numPartitions: 3 }] });
    await admin.disconnect();

    const producer = kafka.producer();
    await producer.connect();
    const keys = ['community-1', 'community-2', 'community-3', 'community-4'];
    for (let round = 0; round < 25; round++) {
      await producer.send({
        topic: 'alerts',
        acks: -1,
        compression: round % 2 ? CompressionTypes.GZIP : CompressionTypes.None,
        messages: keys.map((key) => ({ key, value: `${key}#${round}` })),
      });
    }
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'notify', sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'alerts', fromBeginning: true });
    const seen = new Map<string, number[]>();
    let total = 0;
    const done = new Promise<void>((resolve) => {
      consumer.run({
        eachMessage: async ({ message }) => {
          const [key, round] = (message.value?.toString() ?? '').split('#') as [string, string];
          seen.set(key, [...(seen.get(key) ?? []), Number(round)]);
          total++;
          if (total === 100) resolve();
        },
      });
    });
    await done;
    await consumer.disconnect();

    const rounds = Array.from({ length: 25 }, (_, i) => i);
    for (const key of keys) expect(seen.get(key)).toEqual(rounds);
  });
});
