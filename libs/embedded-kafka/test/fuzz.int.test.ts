import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../src/index.ts';
import { Writer } from '../src/protocol/writer.ts';
import { testLogger } from './support/quiet-logger.ts';
import { fetch, produce, RawClient, readAll } from './support/raw-client.ts';
import { encodeBatch } from './support/record-batch.ts';
import { tempDataDir } from './support/temp-dir.ts';

/** Small deterministic PRNG (mulberry32) so a failing run can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CASES = Number(process.env.FUZZ_CASES ?? 1500);
const KEYS = [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 22, 42, 7, 99, -1];

describe('fuzzing the wire', () => {
  const data = tempDataDir('fuzz');
  let broker: RunningBroker;
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

  beforeAll(async () => {
    broker = await startBroker({
      dataDir: data.dir,
      logger: testLogger('fatal'),
      maxRequestBytes: 256 * 1024,
    });
  });

  afterAll(async () => {
    await broker?.close();
    data.remove();
  });

  it(`survives random and mutated frames, keeps its log intact and still serves kafkajs (seed ${seed})`, async () => {
    const rand = prng(seed);
    const int = (n: number): number => Math.floor(rand() * n);
    const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));

    // Records that must survive whatever comes next.
    const setup = await RawClient.connect(broker.brokers);
    for (let i = 0; i < 20; i++) {
      expect(
        (await produce(setup, 'precious', i % 2, encodeBatch([{ key: 'k', value: `keep-${i}` }]))).error,
      ).toBe(0);
    }
    setup.close();

    const validProduce = (): Buffer => {
      const w = new Writer();
      const sizeAt = w.reserveInt32();
      w.int16(0).int16(7).int32(int(1000)).nullableString('fuzz');
      w.nullableString(null).int16(-1).int32(1000);
      w.int32(1)
        .string(`fuzz-${int(3)}`)
        .int32(1)
        .int32(int(2));
      w.nullableBytes(encodeBatch([{ key: 'fz', value: bytes(int(40)).toString('hex') }]));
      w.patchInt32(sizeAt, w.length - 4);
      return w.toBuffer();
    };
    const randomHeaderFrame = (): Buffer => {
      const body = bytes(int(120));
      const w = new Writer();
      const sizeAt = w.reserveInt32();
      w.int16(KEYS[int(KEYS.length)] as number)
        .int16(int(14) - 1)
        .int32(int(1 << 30));
      w.nullableString(rand() < 0.5 ? 'fuzz' : null).raw(body);
      w.patchInt32(sizeAt, w.length - 4);
      return w.toBuffer();
    };
    const mutate = (frame: Buffer): Buffer => {
      const out = Buffer.from(frame);
      const flips = 1 + int(4);
      for (let i = 0; i < flips; i++) out[int(out.length)] = int(256);
      return out;
    };

    const cases: Array<() => Buffer> = [
      () => bytes(int(64)), // pure noise
      () => randomHeaderFrame(), // plausible header, random body
      () => mutate(validProduce()), // a real produce with bytes flipped (lengths, CRC, records)
      () => validProduce().subarray(0, int(60) + 4), // truncated, then the connection closes
      () => Buffer.concat([validProduce(), bytes(int(30))]), // a good frame followed by garbage
    ];

    let sent = 0;
    while (sent < CASES) {
      const wave = Array.from({ length: 20 }, async () => {
        const client = await RawClient.connect(broker.brokers);
        const frames = 1 + int(3);
        for (let f = 0; f < frames; f++) client.sendRaw((cases[int(cases.length)] as () => Buffer)());
        // Give the broker a moment to read and answer (or hang up), then move on.
        await Promise.race([client.closed, new Promise((resolve) => setTimeout(resolve, 20))]);
        client.close();
      });
      await Promise.all(wave);
      sent += wave.length;
    }

    // Still a working broker for a real client.
    const kafka = new Kafka({
      brokers: [broker.brokers],
      clientId: 'after-fuzz',
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'precious',
      acks: -1,
      messages: [{ key: 'k', value: 'after-fuzz', partition: 0 }],
    });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('precious');
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(offsets.find((o) => o.partition === 0)?.high).toBe('11');

    // And every log is intact: whole batches with valid CRCs, offsets without holes.
    const client = await RawClient.connect(broker.brokers);
    try {
      const precious = [0, 1].map(async (p) =>
        (await readAll(client, 'precious', p)).flatMap((b) => b.records),
      );
      const [p0, p1] = await Promise.all(precious);
      expect(p0?.map((r) => r.value)).toEqual([
        ...Array.from({ length: 10 }, (_, i) => `keep-${i * 2}`),
        'after-fuzz',
      ]);
      expect(p1?.map((r) => r.value)).toEqual(Array.from({ length: 10 }, (_, i) => `keep-${i * 2 + 1}`));
      for (const topic of topics) {
        for (let p = 0; p < 6; p++) {
          const first = await fetch(client, topic, p, 0);
          if (first.error === 3) continue; // fewer partitions
          expect(first.error).toBe(0);
          let expected = 0;
          for (const batch of await readAll(client, topic, p)) {
            expect(batch.crcValid).toBe(true);
            expect(batch.baseOffset).toBe(expected);
            expected += batch.records.length;
          }
          expect(expected).toBe(first.highWatermark);
        }
      }
    } finally {
      client.close();
    }
  });
});
