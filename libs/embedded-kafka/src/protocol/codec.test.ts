import { describe, expect, it } from 'vitest';
import { MalformedRequestError, Reader } from './reader.ts';
import { Writer } from './writer.ts';

describe('Writer and Reader', () => {
  it('round-trip every primitive type', () => {
    const uuid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const big = Buffer.alloc(10_000, 7);
    const w = new Writer(8);
    w.int8(-5).bool(true).int16(-300).int32(-70_000).uint32(0xfffffff0).int64(-2);
    w.int64(1_700_000_000_123);
    w.uvarint(0).uvarint(127).uvarint(128).uvarint(0xffffffff);
    w.varint(0).varint(-1).varint(1).varint(-2_147_483_648).varint(2_147_483_647);
    w.varlong(-1).varlong(1_700_000_000_123).varlong(-9_007_199_254_740_991);
    w.uuid(uuid);
    w.string('主题-a').nullableString(null).compactString('c').compactNullableString(null);
    w.bytes(Buffer.from('xy')).nullableBytes(null).compactBytes(big).compactNullableBytes(null);
    w.array([1, 2, 3], (w, n) => w.int32(n)).nullableArray(null, (w, n: number) => w.int32(n));
    w.compactArray(['a', 'b'], (w, s) => w.string(s)).compactNullableArray(null, (w, n: number) => w.int8(n));
    w.uvarint(2).uvarint(0).uvarint(3).raw(Buffer.from('abc')).uvarint(9).uvarint(0); // 2 tagged fields
    w.int8(42);

    const r = new Reader(w.toBuffer());
    expect([r.int8(), r.bool(), r.int16(), r.int32(), r.uint32(), r.int64()]).toEqual([
      -5,
      true,
      -300,
      -70_000,
      0xfffffff0,
      -2,
    ]);
    expect(r.int64()).toBe(1_700_000_000_123);
    expect([r.uvarint(), r.uvarint(), r.uvarint(), r.uvarint()]).toEqual([0, 127, 128, 0xffffffff]);
    expect([r.varint(), r.varint(), r.varint(), r.varint(), r.varint()]).toEqual([
      0, -1, 1, -2_147_483_648, 2_147_483_647,
    ]);
    expect([r.varlong(), r.varlong(), r.varlong()]).toEqual([-1, 1_700_000_000_123, -9_007_199_254_740_991]);
    expect(r.uuid()).toEqual(uuid);
    expect([r.string(), r.nullableString(), r.compactString(), r.compactNullableString()]).toEqual([
      '主题-a',
      null,
      'c',
      null,
    ]);
    expect(r.bytes().toString()).toBe('xy');
    expect(r.nullableBytes()).toBeNull();
    expect(r.compactBytes()).toEqual(big);
    expect(r.compactNullableBytes()).toBeNull();
    expect(r.array((r) => r.int32())).toEqual([1, 2, 3]);
    expect(r.nullableArray((r) => r.int32())).toBeNull();
    expect(r.compactArray((r) => r.string())).toEqual(['a', 'b']);
    expect(r.compactNullableArray((r) => r.int8())).toBeNull();
    r.skipTaggedFields();
    expect(r.int8()).toBe(42);
    expect(r.remaining).toBe(0);
  });

  it('keeps large payloads as separate chunks and patches reserved lengths', () => {
    const payload = Buffer.alloc(5000, 1);
    const w = new Writer();
    const at = w.reserveInt32();
    w.int16(1).raw(payload).int16(2);
    w.patchInt32(at, w.length - 4);
    const chunks = w.chunks();
    expect(chunks).toContain(payload);
    const all = Buffer.concat(chunks);
    expect(all.readInt32BE(0)).toBe(all.length - 4);
    expect(all.readInt16BE(all.length - 2)).toBe(2);
  });

  it('refuses lengths and counts that run past the end', () => {
    expect(() => new Reader(Buffer.from([0, 5, 65])).string()).toThrow(MalformedRequestError);
    expect(() => new Reader(Buffer.from([0, 0, 0, 9, 1])).bytes()).toThrow(MalformedRequestError);
    expect(() => new Reader(Buffer.from([0x7f, 0xff, 0xff, 0xff])).array((r) => r.int8())).toThrow(
      MalformedRequestError,
    );
    expect(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).uvarint()).toThrow(
      MalformedRequestError,
    );
    expect(() => new Reader(Buffer.from([0, 0, 0])).int32()).toThrow(MalformedRequestError);
    expect(() => new Reader(Buffer.from([1, 1, 200])).skipTaggedFields()).toThrow(MalformedRequestError);
  });
});
