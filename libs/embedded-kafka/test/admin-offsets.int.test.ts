import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../src/index.ts';
import { testLogger } from './support/quiet-logger.ts';
import { listOffset, produce, RawClient } from './support/raw-client.ts';
import { encodeBatch } from './support/record-batch.ts';
import { tempDataDir } from './support/temp-dir.ts';

describe('admin and offsets', () => {
  const data = tempDataDir('admin');
  let broker: RunningBroker;
  let kafka: Kafka;
  let client: RawClient;

  beforeAll(async () => {
    broker = await startBroker({ dataDir: data.dir, logger: testLogger(), defaultPartitions: 3 });
    kafka = new Kafka({ brokers: [broker.brokers], clientId: 'admin-test', logLevel: logLevel.NOTHING });
    client = await RawClient.connect(broker.brokers);
  });

  afterAll(async () => {
    client?.close();
    await broker?.close();
    data.remove();
  });

  it('creates, lists, describes and deletes topics through the kafkajs admin', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(
        await admin.createTopics({
          topics: [
            {
              topic: 'eligibility.decided',
              numPartitions: 4,
              configEntries: [{ name: 'retention.ms', value: '-1' }],
            },
            { topic: 'risk.flagged' },
          ],
        }),
      ).toBe(true);
      // Creating an existing topic is not an error for kafkajs (it answers false).
      expect(await admin.createTopics({ topics: [{ topic: 'risk.flagged' }] })).toBe(false);
      expect((await admin.listTopics()).sort()).toEqual(['eligibility.decided', 'risk.flagged']);

      const { topics } = await admin.fetchTopicMetadata({ topics: ['eligibility.decided', 'risk.flagged'] });
      const byName = new Map(topics.map((t) => [t.name, t]));
      expect(byName.get('eligibility.decided')?.partitions).toHaveLength(4);
      expect(byName.get('risk.flagged')?.partitions).toHaveLength(3); // broker default
      expect(byName.get('eligibility.decided')?.partitions[0]).toMatchObject({
        leader: 0,
        replicas: [0],
        isr: [0],
      });

      await admin.deleteTopics({ topics: ['risk.flagged'] });
      expect(await admin.listTopics()).toEqual(['eligibility.decided']);
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses what Kafka refuses at creation: bad names, replication above 1, unknown configs', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await creationErrors(admin.createTopics({ topics: [{ topic: 'bad name!' }] }))).toEqual([
        'INVALID_TOPIC_EXCEPTION',
      ]);
      expect(
        await creationErrors(admin.createTopics({ topics: [{ topic: 'rf3', replicationFactor: 3 }] })),
      ).toEqual(['INVALID_REPLICATION_FACTOR']);
      expect(
        await creationErrors(
          admin.createTopics({
            topics: [{ topic: 'cfg', configEntries: [{ name: 'no.such.config', value: '1' }] }],
          }),
        ),
      ).toEqual(['INVALID_CONFIG']);
      expect(
        await creationErrors(
          admin.createTopics({
            topics: [{ topic: 'cfg2', configEntries: [{ name: 'retention.ms', value: 'soon' }] }],
          }),
        ),
      ).toEqual(['INVALID_CONFIG']);
      const names = await admin.listTopics();
      for (const refused of ['rf3', 'cfg', 'cfg2']) expect(names).not.toContain(refused);
    } finally {
      await admin.disconnect();
    }
  });

  it('answers ListOffsets for earliest, latest and by timestamp', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    // Batch 1: offsets 0-2 at t0, t0+10, t0+20; batch 2 (gzip): offsets 3-5 at t0+30.., t0+50
    expect(
      (
        await produce(
          client,
          'medical-expenses',
          0,
          encodeBatch(
            [0, 10, 20].map((d) => ({ key: 'p', value: `v${d}`, timestamp: t0 + d })),
            { baseTimestamp: t0 },
          ),
        )
      ).error,
    ).toBe(0);
    expect(
      (
        await produce(
          client,
          'medical-expenses',
          0,
          encodeBatch(
            [30, 40, 50].map((d) => ({ key: 'p', value: `v${d}`, timestamp: t0 + d })),
            { baseTimestamp: t0 + 30, gzip: true },
          ),
        )
      ).error,
    ).toBe(0);

    expect(await listOffset(client, 'medical-expenses', 0, -2)).toMatchObject({ error: 0, offset: 0 });
    expect(await listOffset(client, 'medical-expenses', 0, -1)).toMatchObject({ error: 0, offset: 6 });
    expect(await listOffset(client, 'medical-expenses', 0, t0 + 15)).toEqual({
      error: 0,
      offset: 2,
      timestamp: t0 + 20,
    });
    expect(await listOffset(client, 'medical-expenses', 0, t0 + 41)).toEqual({
      error: 0,
      offset: 5,
      timestamp: t0 + 50,
    });
    expect(await listOffset(client, 'medical-expenses', 0, t0 - 1000)).toEqual({
      error: 0,
      offset: 0,
      timestamp: t0,
    });
    expect(await listOffset(client, 'medical-expenses', 0, t0 + 51)).toEqual({
      error: 0,
      offset: -1,
      timestamp: -1,
    });
    expect((await listOffset(client, 'no-such-topic', 0, -1)).error).toBe(3);
  });

  it('serves kafkajs fetchTopicOffsets and fetchTopicOffsetsByTimestamp', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const t0 = Date.UTC(2026, 1, 1);
    await producer.send({
      topic: 'alerts',
      compression: CompressionTypes.GZIP,
      messages: [
        { key: 'a', value: '1', partition: 1, timestamp: String(t0) },
        { key: 'a', value: '2', partition: 1, timestamp: String(t0 + 1000) },
      ],
    });
    await producer.send({
      topic: 'alerts',
      messages: [{ key: 'a', value: '3', partition: 1, timestamp: String(t0 + 2000) }],
    });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets('alerts');
      expect(offsets.find((o) => o.partition === 1)).toMatchObject({ low: '0', high: '3' });
      expect(offsets.find((o) => o.partition === 0)).toMatchObject({ low: '0', high: '0' });
      const byTime = await admin.fetchTopicOffsetsByTimestamp('alerts', t0 + 500);
      expect(byTime.find((o) => o.partition === 1)?.offset).toBe('1');
    } finally {
      await admin.disconnect();
    }
  });
});

/** The Kafka error names kafkajs reports for a failed createTopics. */
async function creationErrors(creating: Promise<boolean>): Promise<string[]> {
  try {
    await creating;
  } catch (err: unknown) {
    const errors = (err as { errors?: Array<{ type?: string }> }).errors ?? [];
    return errors.map((e) => e.type ?? 'unknown');
  }
  return [];
}
