import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../src/index.ts';
import { testLogger } from './support/quiet-logger.ts';
import { fetch, produce, RawClient, readAll } from './support/raw-client.ts';
import { decodeBatches, encodeBatch } from './support/record-batch.ts';
import { tempDataDir } from './support/temp-dir.ts';

const ErrorCode = { NONE: 0, OFFSET_OUT_OF_RANGE: 1 };

describe('produce and fetch', () => {
  const data = tempDataDir('produce-fetch');
  let broker: RunningBroker;
  let kafka: Kafka;
  let client: RawClient;

  beforeAll(async () => {
    broker = await startBroker({ dataDir: data.dir, logger: testLogger() });
    kafka = new Kafka({
      brokers: [broker.brokers],
      clientId: 'produce-fetch-test',
      logLevel: logLevel.NOTHING,
    });
    client = await RawClient.connect(broker.brokers);
  });

  afterAll(async () => {
    client?.close();
    await broker?.close();
    data.remove();
  });

  it('keeps each key in one partition, in the order it was sent', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'households', numPartitions: 4 }] });
    await admin.disconnect();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const keys = Array.from({ length: 12 }, (_, i) => `household-${i}`);
    for (let round = 0; round < 10; round++) {
      await producer.send({
        topic: 'households',
        acks: -1,
        messages: keys.map((key) => ({ key, value: `${key}:${round}` })),
      });
    }
    await producer.disconnect();

    const seen = new Map<string, { partition: number; rounds: number[] }>();
    const partitionsUsed = new Set<number>();
    let total = 0;
    for (let p = 0; p < 4; p++) {
      const batches = await readAll(client, 'households', p);
      let expectedOffset = 0;
      for (const batch of batches) {
        for (const rec of batch.records) {
          expect(rec.offset).toBe(expectedOffset++);
          const key = rec.key as string;
          const entry = seen.get(key) ?? { partition: p, rounds: [] };
          expect(entry.partition).toBe(p);
          entry.rounds.push(Number((rec.value as string).split(':')[1]));
          seen.set(key, entry);
          partitionsUsed.add(p);
          total++;
        }
      }
    }
    expect(total).toBe(120);
    expect(partitionsUsed.size).toBeGreaterThan(1);
    for (const key of keys) expect(seen.get(key)?.rounds).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('stores gzip batches as they came and serves them back intact', async () => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const messages = Array.from({ length: 50 }, (_, i) => ({
      key: 'fund-1',
      value: `donation ${i} ${'x'.repeat(i)}`,
      headers: { ce_type: 'huimin.charity.donated.v1' },
    }));
    const [sent] = await producer.send({
      topic: 'donations',
      compression: CompressionTypes.GZIP,
      acks: -1,
      messages,
    });
    await producer.disconnect();
    expect(sent?.errorCode).toBe(0);

    const batches = await readAll(client, 'donations', sent?.partition ?? -1);
    expect(batches).toHaveLength(1);
    const batch = batches[0];
    expect((batch?.attributes ?? 0) & 7).toBe(1); // still gzip: never decompressed
    expect(batch?.crcValid).toBe(true);
    expect(batch?.records.map((r) => r.value)).toEqual(messages.map((m) => m.value));
    expect(batch?.records[7]?.headers).toEqual([['ce_type', 'huimin.charity.donated.v1']]);
  });

  it('returns whole batches from the one holding the fetch offset, at least one above max_bytes', async () => {
    const big = encodeBatch(
      Array.from({ length: 10 }, (_, i) => ({ key: null, value: `big-${i}-${'y'.repeat(500)}` })),
    );
    const small = encodeBatch([{ key: null, value: 'after' }]);
    expect((await produce(client, 'whole-batches', 0, big)).baseOffset).toBe(0);
    expect((await produce(client, 'whole-batches', 0, small)).baseOffset).toBe(10);

    const middle = await fetch(client, 'whole-batches', 0, 5);
    const fromMiddle = decodeBatches(middle.records);
    expect(fromMiddle.map((b) => b.baseOffset)).toEqual([0, 10]);
    expect(fromMiddle[0]?.records).toHaveLength(10);

    const tiny = await fetch(client, 'whole-batches', 0, 0, { maxBytes: 100, partitionMaxBytes: 100 });
    const one = decodeBatches(tiny.records);
    expect(one).toHaveLength(1);
    expect(one[0]?.records[9]?.value).toBe(`big-9-${'y'.repeat(500)}`);
    expect(tiny.records.length).toBe(big.length);
    expect(tiny.highWatermark).toBe(11);
  });

  it('answers offsets outside the log with OFFSET_OUT_OF_RANGE', async () => {
    await produce(client, 'ranges', 0, encodeBatch([{ key: null, value: 'only' }]));
    expect((await fetch(client, 'ranges', 0, 2)).error).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect((await fetch(client, 'ranges', 0, -1)).error).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    const atEnd = await fetch(client, 'ranges', 0, 1);
    expect(atEnd.error).toBe(ErrorCode.NONE);
    expect(atEnd.records.length).toBe(0);
  });

  it('wakes a long-polling fetch when a record arrives', async () => {
    await produce(client, 'long-poll', 0, encodeBatch([{ key: null, value: 'first' }]));
    const waiting = await RawClient.connect(broker.brokers);
    try {
      const pending = fetch(waiting, 'long-poll', 0, 1, { maxWaitMs: 20_000, minBytes: 1 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await produce(client, 'long-poll', 0, encodeBatch([{ key: null, value: 'second' }]));
      const answer = await pending;
      expect(decodeBatches(answer.records).flatMap((b) => b.records.map((r) => r.value))).toEqual(['second']);
    } finally {
      waiting.close();
    }
  });

  it('answers a long poll with nothing when max_wait passes without records', async () => {
    await produce(client, 'quiet', 0, encodeBatch([{ key: null, value: 'x' }]));
    const answer = await fetch(client, 'quiet', 0, 1, { maxWaitMs: 200, minBytes: 1 });
    expect(answer.error).toBe(ErrorCode.NONE);
    expect(answer.records.length).toBe(0);
    expect(answer.highWatermark).toBe(1);
  });
});
