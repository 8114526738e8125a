import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../src/index.ts';
import { testLogger } from './support/quiet-logger.ts';
import { fetch, produce, RawClient } from './support/raw-client.ts';
import { encodeBatch } from './support/record-batch.ts';
import { tempDataDir } from './support/temp-dir.ts';

const Err = {
  NONE: 0,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  MESSAGE_TOO_LARGE: 10,
  INVALID_TOPIC_EXCEPTION: 17,
  INVALID_REQUIRED_ACKS: 21,
  UNSUPPORTED_VERSION: 35,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  INVALID_RECORD: 87,
};

/** The ranges KAFKA-PROTOCOL.md says to advertise (key: [min, max]). */
const ADVERTISED: Record<number, [number, number]> = {
  0: [3, 7],
  1: [4, 11],
  2: [1, 3],
  3: [0, 6],
  8: [2, 5],
  9: [1, 4],
  10: [0, 2],
  11: [0, 5],
  12: [0, 3],
  13: [0, 3],
  14: [0, 3],
  15: [0, 2],
  16: [0, 2],
  18: [0, 3],
  19: [0, 3],
  20: [0, 1],
  22: [0, 1],
  42: [0, 1],
};

describe('wire protocol edges', () => {
  const data = tempDataDir('protocol');
  let broker: RunningBroker;
  let strict: RunningBroker;
  const strictData = tempDataDir('protocol-strict');

  beforeAll(async () => {
    broker = await startBroker({
      dataDir: data.dir,
      logger: testLogger('error'),
      maxRequestBytes: 64 * 1024,
    });
    strict = await startBroker({ dataDir: strictData.dir, logger: testLogger(), autoCreateTopics: false });
  });

  afterAll(async () => {
    await broker?.close();
    await strict?.close();
    data.remove();
    strictData.remove();
  });

  async function connect(b = broker): Promise<RawClient> {
    return RawClient.connect(b.brokers);
  }

  function readRanges(
    r: import('../src/index.ts').Reader,
    compact: boolean,
  ): Record<number, [number, number]> {
    const out: Record<number, [number, number]> = {};
    const n = compact ? r.uvarint() - 1 : r.int32();
    for (let i = 0; i < n; i++) {
      const key = r.int16();
      out[key] = [r.int16(), r.int16()];
      if (compact) r.skipTaggedFields();
    }
    return out;
  }

  it('advertises exactly the agreed version ranges, on ApiVersions v0 to v3', async () => {
    const c = await connect();
    try {
      for (const version of [0, 1, 2]) {
        const r = await c.request(18, version, () => {});
        expect(r.int16()).toBe(Err.NONE);
        expect(readRanges(r, false)).toEqual(ADVERTISED);
        if (version >= 1) expect(r.int32()).toBe(0);
        expect(r.remaining).toBe(0);
      }
      // v3 is flexible (request header v2, compact body), but its response header stays v0.
      const r = await c.request(
        18,
        3,
        (w) => w.compactString('kcat').compactString('1.7.1').emptyTaggedFields(),
        {
          flexible: true,
        },
      );
      expect(r.int16()).toBe(Err.NONE);
      expect(readRanges(r, true)).toEqual(ADVERTISED);
      expect(r.int32()).toBe(0);
      r.skipTaggedFields();
      expect(r.remaining).toBe(0);
    } finally {
      c.close();
    }
  });

  it('answers an ApiVersions version it lacks with error 35 and keeps the connection', async () => {
    const c = await connect();
    try {
      const r = await c.request(
        18,
        4,
        (w) => w.compactString('future').compactString('9').emptyTaggedFields(),
        {
          flexible: true,
        },
      );
      expect(r.int16()).toBe(Err.UNSUPPORTED_VERSION);
      expect(readRanges(r, false)).toEqual({ 18: [0, 3] });
      const again = await c.request(18, 0, () => {});
      expect(again.int16()).toBe(Err.NONE);
    } finally {
      c.close();
    }
  });

  it('closes the connection on an unknown API key or an unserved version, and only that one', async () => {
    const bystander = await connect();
    const unknown = await connect();
    unknown.request(99, 0, () => {}).catch(() => {});
    await unknown.closed;
    const oldProduce = await connect();
    oldProduce.request(0, 2, (w) => w.int16(1).int32(1000).int32(0)).catch(() => {});
    await oldProduce.closed;
    expect(bystander.isOpen).toBe(true);
    expect((await bystander.request(18, 0, () => {})).int16()).toBe(Err.NONE);
    bystander.close();
  });

  it('closes the connection on a request above the size limit or a size that cannot be', async () => {
    const big = await connect();
    const header = Buffer.alloc(4);
    header.writeInt32BE(10 * 1024 * 1024);
    big.sendRaw(header);
    await big.closed;
    const negative = await connect();
    negative.sendRaw(Buffer.from([0xff, 0xff, 0xff, 0xfe, 1, 2, 3]));
    await negative.closed;
    const tiny = await connect();
    tiny.sendRaw(Buffer.from([0, 0, 0, 3, 0, 18, 0]));
    await tiny.closed;
  });

  it('closes the connection on a body whose lengths lie', async () => {
    const c = await connect();
    // Produce v7 claiming 1000 topics with nothing after.
    c.request(0, 7, (w) => w.nullableString(null).int16(-1).int32(1000).int32(1000)).catch(() => {});
    await c.closed;
    const d = await connect();
    // A records field claiming more bytes than the frame holds.
    d.request(0, 7, (w) =>
      w.nullableString(null).int16(-1).int32(1000).int32(1).string('t').int32(1).int32(0).int32(5000),
    ).catch(() => {});
    await d.closed;
  });

  it('refuses damaged or ill-formed batches with Kafka error codes and stores none of them', async () => {
    const c = await connect();
    try {
      const good = encodeBatch([{ key: 'a', value: 'ok' }]);
      const badCrc = Buffer.from(good);
      badCrc[badCrc.length - 1] = (badCrc[badCrc.length - 1] as number) ^ 1;
      expect((await produce(c, 'strict-input', 0, badCrc)).error).toBe(Err.CORRUPT_MESSAGE);

      const short = good.subarray(0, good.length - 3);
      expect((await produce(c, 'strict-input', 0, short)).error).toBe(Err.CORRUPT_MESSAGE);

      const two = Buffer.concat([good, good]);
      expect((await produce(c, 'strict-input', 0, two)).error).toBe(Err.INVALID_RECORD);

      const magic1 = Buffer.from(good);
      magic1[16] = 1;
      expect((await produce(c, 'strict-input', 0, magic1)).error).toBe(Err.UNSUPPORTED_FOR_MESSAGE_FORMAT);

      const wrongCount = encodeBatch([
        { key: 'a', value: '1' },
        { key: 'a', value: '2' },
      ]);
      wrongCount.writeInt32BE(5, 23); // lastOffsetDelta; CRC recomputed so only the count is wrong
      const { crc32c } = await import('../src/log/crc32c.ts');
      wrongCount.writeUInt32BE(crc32c(wrongCount, 21), 17);
      expect((await produce(c, 'strict-input', 0, wrongCount)).error).toBe(Err.INVALID_RECORD);

      expect((await produce(c, 'strict-input', 0, null)).error).toBe(Err.INVALID_RECORD);
      expect((await produce(c, 'strict-input', 0, good, 2)).error).toBe(Err.INVALID_REQUIRED_ACKS);
      expect((await produce(c, 'strict-input', 99, good)).error).toBe(Err.UNKNOWN_TOPIC_OR_PARTITION);
      expect((await produce(c, 'bad/topic', 0, good)).error).toBe(Err.INVALID_TOPIC_EXCEPTION);

      const answer = await fetch(c, 'strict-input', 0, 0);
      expect(answer.highWatermark).toBe(0);
      expect((await produce(c, 'strict-input', 0, good)).baseOffset).toBe(0);
    } finally {
      c.close();
    }
  });

  it('refuses a batch above the topic max.message.bytes', async () => {
    const c = await connect();
    try {
      const create = await c.request(19, 3, (w) => {
        w.int32(1).string('small-messages').int32(1).int16(1).int32(0);
        w.int32(1).string('max.message.bytes').nullableString('200');
        w.int32(1000).bool(false);
      });
      create.int32();
      create.int32();
      create.string();
      expect(create.int16()).toBe(Err.NONE);
      const big = encodeBatch([{ key: null, value: 'z'.repeat(300) }]);
      expect((await produce(c, 'small-messages', 0, big)).error).toBe(Err.MESSAGE_TOO_LARGE);
      expect((await produce(c, 'small-messages', 0, encodeBatch([{ key: null, value: 'ok' }]))).error).toBe(
        Err.NONE,
      );
    } finally {
      c.close();
    }
  });

  it('sends nothing back for acks=0 and still answers later requests in order', async () => {
    const c = await connect();
    try {
      await produce(c, 'fire-and-forget', 0, encodeBatch([{ key: null, value: 'one' }]), 0);
      await produce(c, 'fire-and-forget', 0, encodeBatch([{ key: null, value: 'two' }]), 0);
      const answer = await fetch(c, 'fire-and-forget', 0, 0);
      expect(answer.highWatermark).toBe(2);
    } finally {
      c.close();
    }
  });

  it('answers pipelined requests in request order even when the first one waits', async () => {
    const c = await connect();
    try {
      await produce(c, 'pipeline', 0, encodeBatch([{ key: null, value: 'x' }]));
      const before = c.arrivals.length;
      const slow = fetch(c, 'pipeline', 0, 1, { maxWaitMs: 300, minBytes: 1 });
      const quick = c.request(18, 0, () => {});
      const meta = c.request(3, 6, (w) => w.int32(0).bool(false));
      await Promise.all([slow, quick, meta]);
      const [fetchId, versionsId, metadataId] = c.arrivals.slice(before);
      expect(versionsId).toBe((fetchId ?? 0) + 1);
      expect(metadataId).toBe((fetchId ?? 0) + 2);
    } finally {
      c.close();
    }
  });

  it('does not create topics when auto-creation is off', async () => {
    const c = await connect(strict);
    try {
      expect((await produce(c, 'nobody-made-me', 0, encodeBatch([{ key: null, value: 'x' }]))).error).toBe(
        Err.UNKNOWN_TOPIC_OR_PARTITION,
      );
      const r = await c.request(3, 4, (w) => w.int32(1).string('nobody-made-me').bool(true));
      r.int32(); // throttle
      r.int32(); // brokers
      r.int32();
      r.string();
      r.int32();
      r.nullableString();
      r.nullableString(); // cluster id
      r.int32(); // controller
      expect(r.int32()).toBe(1);
      expect(r.int16()).toBe(Err.UNKNOWN_TOPIC_OR_PARTITION);
    } finally {
      c.close();
    }
  });
});
