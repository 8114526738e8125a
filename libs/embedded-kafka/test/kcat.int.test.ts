import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../src/index.ts';
import { kcat, requireKcat } from './support/kcat.ts';
import { testLogger } from './support/quiet-logger.ts';
import { RawClient, readAll } from './support/raw-client.ts';
import { tempDataDir } from './support/temp-dir.ts';

/** librdkafka (through Debian's kcat) must not be able to tell the broker from Kafka. */
describe('kcat (librdkafka) against the broker', () => {
  const data = tempDataDir('kcat');
  let broker: RunningBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    requireKcat();
    broker = await startBroker({ dataDir: data.dir, logger: testLogger(), defaultPartitions: 2 });
    kafka = new Kafka({ brokers: [broker.brokers], clientId: 'kcat-test', logLevel: logLevel.NOTHING });
  });

  afterAll(async () => {
    await broker?.close();
    data.remove();
  });

  it('lists brokers, topics and partitions with -L', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'eldercare.orders', numPartitions: 5 }] });
    await admin.disconnect();
    const meta = JSON.parse(await kcat(['-b', broker.brokers, '-L', '-J'])) as {
      brokers: Array<{ id: number; name: string }>;
      topics: Array<{ topic: string; partitions: Array<{ partition: number; leader: number }> }>;
    };
    expect(meta.brokers).toEqual([{ id: 0, name: broker.brokers }]);
    const topic = meta.topics.find((t) => t.topic === 'eldercare.orders');
    expect(topic?.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(topic?.partitions.every((p) => p.leader === 0)).toBe(true);
  });

  it('takes records from kcat -P (plain and zstd) that a fetch and kcat -C then read', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `community-${i % 3}:visit ${i}`);
    await kcat(['-b', broker.brokers, '-P', '-t', 'visits', '-p', '0', '-K', ':'], `${lines.join('\n')}\n`);
    // zstd, because librdkafka 2.0 only uses gzip/snappy/lz4 when the broker advertises
    // Produce v0, and the advertised range is 3-7. Values compressible, or librdkafka sends
    // the batch uncompressed.
    const filler = 'meal delivered; '.repeat(40);
    // A long linger keeps both lines in one batch on a busy machine (kcat flushes at end of input).
    await kcat(
      ['-b', broker.brokers, '-P', '-t', 'visits', '-p', '1', '-z', 'zstd', '-X', 'linger.ms=2000'],
      `compressed one ${filler}\ncompressed two ${filler}\n`,
    );

    const client = await RawClient.connect(broker.brokers);
    try {
      const p0 = (await readAll(client, 'visits', 0)).flatMap((b) => b.records);
      expect(p0.map((r) => `${r.key}:${r.value}`)).toEqual(lines);
      const p1 = await readAll(client, 'visits', 1);
      expect(p1.map((b) => b.attributes & 7)).toEqual([4]); // stored as zstd, as sent
      expect(p1.flatMap((b) => b.records.map((r) => r.value))).toEqual([
        `compressed one ${filler}`,
        `compressed two ${filler}`,
      ]);
    } finally {
      client.close();
    }

    const out = await kcat([
      '-b',
      broker.brokers,
      '-C',
      '-t',
      'visits',
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%p %o %k %s\n',
    ]);
    const consumed = out
      .split('\n')
      .filter((line) => line !== '')
      .sort();
    expect(consumed).toHaveLength(32);
    expect(consumed).toContain('0 29 community-2 visit 29');
    expect(consumed).toContain(`1 1  compressed two ${filler}`);
  });

  it('reads with kcat -C -e what kafkajs produced, compressed or not', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'feeds',
      acks: -1,
      messages: [
        { key: 'h1', value: 'plain', partition: 0, headers: { ce_type: 'huimin.household.changed.v1' } },
      ],
    });
    await producer.send({
      topic: 'feeds',
      acks: -1,
      compression: CompressionTypes.GZIP,
      messages: Array.from({ length: 20 }, (_, i) => ({ key: 'h2', value: `gz-${i}`, partition: 1 })),
    });
    await producer.disconnect();

    const out = await kcat([
      '-b',
      broker.brokers,
      '-C',
      '-t',
      'feeds',
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%p|%o|%k|%s|%h\n',
    ]);
    const rows = out.trim().split('\n');
    expect(rows).toContain('0|0|h1|plain|ce_type=huimin.household.changed.v1');
    const p1 = rows.filter((r) => r.startsWith('1|')).map((r) => r.split('|')[3]);
    expect(p1).toEqual(Array.from({ length: 20 }, (_, i) => `gz-${i}`));
  });

  it('answers kcat offset queries (-Q) by timestamp', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const t0 = Date.UTC(2026, 5, 1);
    await producer.send({
      topic: 'by-time',
      messages: [0, 1, 2].map((i) => ({ value: `m${i}`, partition: 0, timestamp: String(t0 + i * 1000) })),
    });
    await producer.disconnect();
    const out = await kcat(['-b', broker.brokers, '-Q', '-t', `by-time:0:${t0 + 1500}`]);
    expect(out).toMatch(/by-time \[0\] offset 2/);
  });
});
