import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { PRODUCERS_DIR } from '../src/producers/producers-service.ts';
import type { RunningBroker } from '../src/server/broker.ts';
import { startBroker } from '../src/server/broker.ts';
import { startFlakyProxy } from './fixtures/groups/flaky-proxy.ts';
import {
  connectWire,
  encodeBatch,
  fetchBatchHeaders,
  initProducerId,
  produce,
} from './fixtures/groups/kafka-wire.ts';
import { freePort } from './fixtures/groups/processes.ts';

// Idempotent producers: a retried batch must not be stored twice. The first tests speak the
// protocol byte for byte (the same batch sent twice), the last one lets kafkajs retry on its
// own after a proxy swallows Produce responses.

const silent = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function broker(
  dataDir?: string,
  options: { port?: number; advertisedPort?: number } = {},
): Promise<{ broker: RunningBroker; dataDir: string }> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'idempotent-int-'));
  if (!dataDir) cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const running = await startBroker({ dataDir: dir, logger: silent, ...options });
  return { broker: running, dataDir: dir };
}

async function createTopic(brokers: string, topic: string, partitions: number): Promise<void> {
  const admin = new Kafka({
    clientId: 'idempotent-admin',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
}

const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('idempotent produce at the protocol level', () => {
  it('answers a retried batch with its original offset and stores it once; a gap gets 45', async () => {
    const { broker: b } = await broker();
    cleanups.push(() => b.close());
    await createTopic(b.brokers, 'claims', 1);
    const client = await connectWire(b.port);
    cleanups.push(() => client.close());

    const { errorCode, producerId, epoch } = await initProducerId(client);
    expect(errorCode).toBe(0);
    expect(producerId).toBeGreaterThanOrEqual(0);
    expect(epoch).toBe(0);

    const first = encodeBatch({ producerId, producerEpoch: 0, baseSequence: 0, values: values('a', 3) });
    const second = encodeBatch({ producerId, producerEpoch: 0, baseSequence: 3, values: values('b', 2) });
    expect(await produce(client, 'claims', 0, first)).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(await produce(client, 'claims', 0, second)).toEqual({ errorCode: 0, baseOffset: 3 });
    // The same bytes again (a producer retrying after a lost response): success, original offsets.
    expect(await produce(client, 'claims', 0, first)).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(await produce(client, 'claims', 0, second)).toEqual({ errorCode: 0, baseOffset: 3 });
    // A gap (sequence 5 expected, 9 sent) and a reordering are refused.
    const gap = encodeBatch({ producerId, producerEpoch: 0, baseSequence: 9, values: values('c', 1) });
    expect((await produce(client, 'claims', 0, gap)).errorCode).toBe(45);
    const overlapping = encodeBatch({
      producerId,
      producerEpoch: 0,
      baseSequence: 1,
      values: values('d', 4),
    });
    expect((await produce(client, 'claims', 0, overlapping)).errorCode).toBe(45);

    const stored = await fetchBatchHeaders(client, 'claims', 0);
    expect(stored.map((h) => [h.baseOffset, h.recordCount, h.producerId, h.baseSequence])).toEqual([
      [0, 3, producerId, 0],
      [3, 2, producerId, 3],
    ]);
  });

  it('fences an older epoch with 47 and starts a newer epoch at sequence 0', async () => {
    const { broker: b } = await broker();
    cleanups.push(() => b.close());
    await createTopic(b.brokers, 'claims', 1);
    const client = await connectWire(b.port);
    cleanups.push(() => client.close());
    const { producerId } = await initProducerId(client);
    const batch = (epoch: number, seq: number) =>
      encodeBatch({ producerId, producerEpoch: epoch, baseSequence: seq, values: values(`e${epoch}`, 2) });
    expect((await produce(client, 'claims', 0, batch(0, 0))).errorCode).toBe(0);
    expect((await produce(client, 'claims', 0, batch(1, 5))).errorCode).toBe(45);
    expect(await produce(client, 'claims', 0, batch(1, 0))).toEqual({ errorCode: 0, baseOffset: 2 });
    expect((await produce(client, 'claims', 0, batch(0, 2))).errorCode).toBe(47);
  });

  it('hands out a new producer id on every InitProducerId, never reusing one after a restart', async () => {
    const { broker: b, dataDir } = await broker();
    const client = await connectWire(b.port);
    const before = [await initProducerId(client), await initProducerId(client)].map((r) => r.producerId);
    client.close();
    await b.close();
    const { broker: again } = await broker(dataDir);
    cleanups.push(() => again.close());
    const client2 = await connectWire(again.port);
    cleanups.push(() => client2.close());
    const after = (await initProducerId(client2)).producerId;
    expect(new Set([...before, after]).size).toBe(3);
    expect(after).toBeGreaterThan(Math.max(...before));
    // Transactions are not offered.
    const r = await client2.request(22, 1, (w) => w.nullableString('txn-1').int32(60_000));
    r.int32();
    expect(r.int16()).not.toBe(0);
  });

  for (const how of ['from the snapshot written at close', 'from the log alone (no snapshot)']) {
    it(`still recognises a retry after a restart, ${how}`, async () => {
      const { broker: b, dataDir } = await broker();
      await createTopic(b.brokers, 'claims', 2);
      const client = await connectWire(b.port);
      const { producerId } = await initProducerId(client);
      const batches = [0, 4, 8].map((seq) =>
        encodeBatch({ producerId, producerEpoch: 0, baseSequence: seq, values: values(`s${seq}`, 4) }),
      );
      for (const batch of batches) expect((await produce(client, 'claims', 1, batch)).errorCode).toBe(0);
      client.close();
      await b.close();
      if (how.includes('no snapshot'))
        rmSync(join(dataDir, PRODUCERS_DIR, 'producer-state.snapshot'), { force: true });

      const { broker: again } = await broker(dataDir);
      cleanups.push(() => again.close());
      const client2 = await connectWire(again.port);
      cleanups.push(() => client2.close());
      expect(await produce(client2, 'claims', 1, batches[1] as Buffer)).toEqual({
        errorCode: 0,
        baseOffset: 4,
      });
      expect(await produce(client2, 'claims', 1, batches[2] as Buffer)).toEqual({
        errorCode: 0,
        baseOffset: 8,
      });
      const skipping = encodeBatch({
        producerId,
        producerEpoch: 0,
        baseSequence: 13,
        values: values('x', 1),
      });
      expect((await produce(client2, 'claims', 1, skipping)).errorCode).toBe(45);
      const next = encodeBatch({ producerId, producerEpoch: 0, baseSequence: 12, values: values('y', 1) });
      expect(await produce(client2, 'claims', 1, next)).toEqual({ errorCode: 0, baseOffset: 12 });
      expect((await fetchBatchHeaders(client2, 'claims', 1)).map((h) => h.baseOffset)).toEqual([0, 4, 8, 12]);
    });
  }
});

describe('kafkajs producer retrying through lost responses', () => {
  async function sendThroughFlakyProxy(idempotent: boolean) {
    const brokerPort = await freePort();
    const proxy = await startFlakyProxy({ brokerPort, dropEvery: 3, maxDrops: 4 });
    cleanups.push(() => proxy.close());
    const { broker: b } = await broker(undefined, { port: brokerPort, advertisedPort: proxy.port });
    cleanups.push(() => b.close());
    await createTopic(`127.0.0.1:${brokerPort}`, 'feed', 3);
    const kafka = new Kafka({
      clientId: 'flaky',
      brokers: [`127.0.0.1:${proxy.port}`],
      logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 50, retries: 10 },
    });
    const producer = kafka.producer({ idempotent, maxInFlightRequests: 1 });
    await producer.connect();
    const sent: string[] = [];
    for (let i = 0; i < 12; i++) {
      const messages = Array.from({ length: 20 }, (_, j) => ({ key: `k${j}`, value: `m-${i}-${j}` }));
      await producer.send({ topic: 'feed', acks: -1, messages });
      sent.push(...messages.map((m) => m.value));
    }
    await producer.disconnect();

    // Read everything back straight from the broker.
    const direct = await connectWire(brokerPort);
    cleanups.push(() => direct.close());
    const consumer = new Kafka({
      clientId: 'reader',
      brokers: [`127.0.0.1:${brokerPort}`],
      logLevel: logLevel.NOTHING,
    }).consumer({
      groupId: `reader-${idempotent}`,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: 'feed', fromBeginning: true });
    const stored: string[] = [];
    const headers = (await Promise.all([0, 1, 2].map((p) => fetchBatchHeaders(direct, 'feed', p)))).flat();
    const total = headers.reduce((n, h) => n + h.recordCount, 0);
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          stored.push(message.value?.toString() ?? '');
          if (stored.length === total) resolve();
        },
      });
    });
    await consumer.disconnect();
    return { sent, stored, headers, dropped: proxy.droppedProduceResponses() };
  }

  it('stores every record exactly once with idempotent: true', async () => {
    const { sent, stored, headers, dropped } = await sendThroughFlakyProxy(true);
    expect(dropped).toBeGreaterThan(0);
    expect(stored.sort()).toEqual([...sent].sort());
    expect(headers.every((h) => h.producerId >= 0)).toBe(true);
  });

  it('(control) the same faults duplicate records without idempotence', async () => {
    const { sent, stored, dropped } = await sendThroughFlakyProxy(false);
    expect(dropped).toBeGreaterThan(0);
    expect(new Set(stored).size).toBe(sent.length);
    expect(stored.length).toBeGreaterThan(sent.length);
  });
});
