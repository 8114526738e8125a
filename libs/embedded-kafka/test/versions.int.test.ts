import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Reader, type RunningBroker, startBroker } from '../src/index.ts';
import { testLogger } from './support/quiet-logger.ts';
import { RawClient } from './support/raw-client.ts';
import { decodeBatches, encodeBatch } from './support/record-batch.ts';
import { tempDataDir } from './support/temp-dir.ts';

/**
 * Every advertised version of the core APIs, request built and response read field by field
 * from the Kafka message definitions; a response must end exactly where its last field does.
 */
describe('every advertised version of the core APIs', () => {
  const data = tempDataDir('versions');
  let broker: RunningBroker;
  let c: RawClient;

  beforeAll(async () => {
    broker = await startBroker({ dataDir: data.dir, logger: testLogger(), defaultPartitions: 2 });
    c = await RawClient.connect(broker.brokers);
  });

  afterAll(async () => {
    c?.close();
    await broker?.close();
    data.remove();
  });

  it('Produce v3-7', async () => {
    for (let v = 3; v <= 7; v++) {
      const r = await c.request(0, v, (w) => {
        w.nullableString(null).int16(-1).int32(5000);
        w.int32(1)
          .string('versions')
          .int32(1)
          .int32(0)
          .nullableBytes(encodeBatch([{ key: 'k', value: `p${v}` }]));
      });
      expect(r.int32()).toBe(1);
      expect(r.string()).toBe('versions');
      expect(r.int32()).toBe(1);
      expect(r.int32()).toBe(0);
      expect(r.int16()).toBe(0);
      expect(r.int64()).toBe(v - 3);
      expect(r.int64()).toBe(-1); // log_append_time: CreateTime topic
      if (v >= 5) expect(r.int64()).toBe(0);
      expect(r.int32()).toBe(0); // throttle
      expect(r.remaining).toBe(0);
    }
  });

  it('Fetch v4-11', async () => {
    for (let v = 4; v <= 11; v++) {
      const r = await c.request(1, v, (w) => {
        w.int32(-1)
          .int32(0)
          .int32(1)
          .int32(1 << 20)
          .int8(0);
        if (v >= 7) w.int32(0).int32(-1);
        w.int32(1).string('versions').int32(1).int32(0);
        if (v >= 9) w.int32(-1);
        w.int64(2);
        if (v >= 5) w.int64(-1);
        w.int32(1 << 20);
        if (v >= 7) w.int32(0);
        if (v >= 11) w.string('');
      });
      expect(r.int32()).toBe(0); // throttle
      if (v >= 7) {
        expect(r.int16()).toBe(0);
        expect(r.int32()).toBe(0); // session id
      }
      expect(r.int32()).toBe(1);
      expect(r.string()).toBe('versions');
      expect(r.int32()).toBe(1);
      expect(r.int32()).toBe(0);
      expect(r.int16()).toBe(0);
      expect(r.int64()).toBe(5); // high watermark
      expect(r.int64()).toBe(5); // last stable offset
      if (v >= 5) expect(r.int64()).toBe(0);
      expect(r.int32()).toBe(0); // aborted transactions
      if (v >= 11) expect(r.int32()).toBe(-1);
      const records = r.bytes();
      expect(decodeBatches(Buffer.from(records)).map((b) => b.records[0]?.value)).toEqual(['p5', 'p6', 'p7']);
      expect(r.remaining).toBe(0);
    }
  });

  it('ListOffsets v1-3', async () => {
    for (let v = 1; v <= 3; v++) {
      const r = await c.request(2, v, (w) => {
        w.int32(-1);
        if (v >= 2) w.int8(0);
        w.int32(1).string('versions').int32(1).int32(0).int64(-1);
      });
      if (v >= 2) expect(r.int32()).toBe(0);
      expect(r.int32()).toBe(1);
      expect(r.string()).toBe('versions');
      expect(r.int32()).toBe(1);
      expect(r.int32()).toBe(0);
      expect(r.int16()).toBe(0);
      expect(r.int64()).toBe(-1);
      expect(r.int64()).toBe(5);
      expect(r.remaining).toBe(0);
    }
  });

  it('Metadata v0-6', async () => {
    for (let v = 0; v <= 6; v++) {
      const r = await c.request(3, v, (w) => {
        w.int32(1).string('versions');
        if (v >= 4) w.bool(false);
      });
      if (v >= 3) expect(r.int32()).toBe(0);
      expect(r.int32()).toBe(1);
      expect(r.int32()).toBe(0);
      expect(`${r.string()}:${r.int32()}`).toBe(broker.brokers);
      if (v >= 1) expect(r.nullableString()).toBeNull();
      if (v >= 2) expect(r.nullableString()).not.toBeNull();
      if (v >= 1) expect(r.int32()).toBe(0);
      expect(r.int32()).toBe(1);
      expect(r.int16()).toBe(0);
      expect(r.string()).toBe('versions');
      if (v >= 1) expect(r.bool()).toBe(false);
      expect(r.int32()).toBe(2);
      for (let p = 0; p < 2; p++) {
        expect(r.int16()).toBe(0);
        expect(r.int32()).toBe(p);
        expect(r.int32()).toBe(0);
        expect(r.array((r) => r.int32())).toEqual([0]);
        expect(r.array((r) => r.int32())).toEqual([0]);
        if (v >= 5) expect(r.array((r) => r.int32())).toEqual([]);
      }
      expect(r.remaining).toBe(0);
    }
  });

  it('CreateTopics v0-3 and DeleteTopics v0-1', async () => {
    const readCreate = (r: Reader, v: number): [string, number, string | null] => {
      if (v >= 2) expect(r.int32()).toBe(0);
      expect(r.int32()).toBe(1);
      const result: [string, number, string | null] = [
        r.string(),
        r.int16(),
        v >= 1 ? r.nullableString() : null,
      ];
      expect(r.remaining).toBe(0);
      return result;
    };
    for (let v = 0; v <= 3; v++) {
      const name = `created-v${v}`;
      const create = (validateOnly: boolean) =>
        c.request(19, v, (w) => {
          w.int32(1).string(name).int32(-1).int16(-1).int32(0).int32(0).int32(5000);
          if (v >= 1) w.bool(validateOnly);
        });
      if (v >= 1) {
        // validate_only answers success and creates nothing: the real creation below succeeds.
        expect(readCreate(await create(true), v)).toEqual([name, 0, null]);
      }
      expect(readCreate(await create(false), v)).toEqual([name, 0, null]);
      const [, again, message] = readCreate(await create(false), v);
      expect(again).toBe(36); // TOPIC_ALREADY_EXISTS
      if (v >= 1) expect(message).toMatch(/already exists/);
    }
    for (let v = 0; v <= 1; v++) {
      const r = await c.request(20, v, (w) =>
        w.int32(2).string(`created-v${v}`).string('never-was').int32(5000),
      );
      if (v >= 1) expect(r.int32()).toBe(0);
      expect(r.int32()).toBe(2);
      expect([r.string(), r.int16()]).toEqual([`created-v${v}`, 0]);
      expect([r.string(), r.int16()]).toEqual(['never-was', 3]);
      expect(r.remaining).toBe(0);
    }
  });
});
