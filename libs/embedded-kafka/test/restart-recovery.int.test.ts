import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../src/index.ts';
import { testLogger } from './support/quiet-logger.ts';
import { fetch, produce, RawClient, readAll } from './support/raw-client.ts';
import { decodeBatches, encodeBatch } from './support/record-batch.ts';
import { tempDataDir } from './support/temp-dir.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dataDir(label: string): string {
  const d = tempDataDir(label);
  cleanups.push(d.remove);
  return d.dir;
}

async function start(dir: string, port = 0): Promise<RunningBroker> {
  const broker = await startBroker({ dataDir: dir, port, logger: testLogger(), defaultPartitions: 3 });
  cleanups.push(() => broker.close());
  return broker;
}

function activeSegment(dir: string, topic: string, partition: number): string {
  const pdir = path.join(dir, 'topics', topic, String(partition));
  const logs = fs
    .readdirSync(pdir)
    .filter((f) => f.endsWith('.log'))
    .sort();
  return path.join(pdir, logs[logs.length - 1] as string);
}

async function values(brokers: string, topic: string, partition: number): Promise<string[]> {
  const client = await RawClient.connect(brokers);
  try {
    return (await readAll(client, topic, partition)).flatMap((b) => b.records.map((r) => r.value ?? ''));
  } finally {
    client.close();
  }
}

describe('restart', () => {
  it('keeps every acknowledged record when the broker restarts under a producing client', async () => {
    const dir = dataDir('restart');
    let broker = await start(dir);
    const port = broker.port;
    const kafka = new Kafka({
      brokers: [broker.brokers],
      clientId: 'restart-test',
      logLevel: logLevel.NOTHING,
      retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 500 },
    });
    const producer = kafka.producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());

    const acked: string[] = [];
    let restarted: Promise<void> | null = null;
    for (let i = 0; i < 60; i++) {
      if (i === 30) {
        // Mid-stream: the broker closes while the next sends are on their way, and comes
        // back on the same port and data dir; the producer retries into the new one.
        restarted = (async () => {
          await broker.close();
          await new Promise((resolve) => setTimeout(resolve, 100));
          broker = await start(dir, port);
        })();
      }
      const value = `claim-${i}`;
      await producer.send({ topic: 'claims', acks: -1, messages: [{ key: `patient-${i % 5}`, value }] });
      acked.push(value);
    }
    await restarted;

    const stored: string[] = [];
    for (let p = 0; p < 3; p++) stored.push(...(await values(broker.brokers, 'claims', p)));
    expect(stored.sort()).toEqual([...acked].sort());
  });

  it('continues offsets after a restart and keeps topic configs', async () => {
    const dir = dataDir('offsets');
    let broker = await start(dir);
    const admin = new Kafka({ brokers: [broker.brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: 'households',
          numPartitions: 2,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
    });
    await admin.disconnect();
    const client = await RawClient.connect(broker.brokers);
    for (let i = 0; i < 5; i++)
      await produce(client, 'households', 1, encodeBatch([{ key: 'h', value: `v${i}` }]));
    client.close();
    await broker.close();

    broker = await start(dir);
    const after = await RawClient.connect(broker.brokers);
    cleanups.push(() => after.close());
    expect((await produce(after, 'households', 1, encodeBatch([{ key: 'h', value: 'v5' }]))).baseOffset).toBe(
      5,
    );
    expect(await values(broker.brokers, 'households', 1)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
    const topicFile = JSON.parse(
      fs.readFileSync(path.join(dir, 'topics', 'households', 'topic.json'), 'utf8'),
    );
    expect(topicFile).toMatchObject({ partitions: 2, configs: { 'cleanup.policy': 'compact' } });
  });
});

describe('fsync always', () => {
  it('acknowledges only after syncing, and what it acknowledged is there after a restart', async () => {
    const dir = dataDir('fsync-always');
    const first = await startBroker({ dataDir: dir, logger: testLogger(), fsync: 'always' });
    const kafka = new Kafka({ brokers: [first.brokers], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const sent = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        producer.send({
          topic: 'ledger',
          acks: -1,
          messages: [{ key: 'fund-1', value: `entry-${i}`, partition: 0 }],
        }),
      ),
    );
    await producer.disconnect();
    expect(sent.flat().every((r) => r.errorCode === 0)).toBe(true);
    await first.close();

    const second = await start(dir);
    expect((await values(second.brokers, 'ledger', 0)).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `entry-${i}`).sort(),
    );
  });
});

describe('recovery of a damaged log tail', () => {
  async function writeBatches(dir: string, n: number): Promise<void> {
    const broker = await startBroker({ dataDir: dir, logger: testLogger() });
    const client = await RawClient.connect(broker.brokers);
    for (let i = 0; i < n; i++) {
      const batch = encodeBatch([
        { key: 'k', value: `batch-${i}-a` },
        { key: 'k', value: `batch-${i}-b` },
      ]);
      expect((await produce(client, 'visits', 0, batch)).baseOffset).toBe(i * 2);
    }
    client.close();
    await broker.close();
  }

  it('cuts garbage appended after the last batch and serves everything before it', async () => {
    const dir = dataDir('garbage');
    await writeBatches(dir, 5);
    const segment = activeSegment(dir, 'visits', 0);
    const goodSize = fs.statSync(segment).size;
    fs.appendFileSync(segment, Buffer.from('this is not a record batch, just noise at the end of the file'));

    const broker = await start(dir);
    expect(fs.statSync(segment).size).toBe(goodSize);
    const client = await RawClient.connect(broker.brokers);
    cleanups.push(() => client.close());
    expect((await fetch(client, 'visits', 0, 0)).highWatermark).toBe(10);
    expect((await produce(client, 'visits', 0, encodeBatch([{ key: 'k', value: 'next' }]))).baseOffset).toBe(
      10,
    );
    const all = await values(broker.brokers, 'visits', 0);
    expect(all).toHaveLength(11);
    expect(all.slice(-2)).toEqual(['batch-4-b', 'next']);
  });

  it('drops a torn last batch (file cut mid-batch) and keeps the ones before', async () => {
    const dir = dataDir('torn');
    await writeBatches(dir, 4);
    const segment = activeSegment(dir, 'visits', 0);
    fs.truncateSync(segment, fs.statSync(segment).size - 7);

    const broker = await start(dir);
    const client = await RawClient.connect(broker.brokers);
    cleanups.push(() => client.close());
    const answer = await fetch(client, 'visits', 0, 0);
    expect(answer.highWatermark).toBe(6);
    const batches = decodeBatches(answer.records);
    expect(batches.map((b) => b.baseOffset)).toEqual([0, 2, 4]);
    expect(batches.every((b) => b.crcValid)).toBe(true);
  });

  it('never serves a batch whose bytes were corrupted: the log is cut at it', async () => {
    const dir = dataDir('corrupt');
    await writeBatches(dir, 4);
    const segment = activeSegment(dir, 'visits', 0);
    const bytes = fs.readFileSync(segment);
    const batchSize = bytes.readInt32BE(8) + 12;
    // Flip one byte inside the records of the third batch (offsets 4-5).
    bytes[2 * batchSize + 70] = (bytes[2 * batchSize + 70] as number) ^ 0xff;
    fs.writeFileSync(segment, bytes);

    const broker = await start(dir);
    const client = await RawClient.connect(broker.brokers);
    cleanups.push(() => client.close());
    const answer = await fetch(client, 'visits', 0, 0);
    expect(answer.highWatermark).toBe(4);
    expect(decodeBatches(answer.records).map((b) => b.baseOffset)).toEqual([0, 2]);
    expect(fs.statSync(segment).size).toBe(2 * batchSize);
  });
});
