const INITIAL_SIZE = 1024;
/** Buffers at least this big are referenced, not copied (fetched record batches). */
const ZERO_COPY_THRESHOLD = 4096;

/**
 * Encoder for Kafka's primitive types.
 *
 * Small fields go into a growing scratch buffer; large byte payloads (record batches read
 * from the log) are kept as references, so a fetch response is written to the socket
 * without copying the records. `chunks()` returns the pieces in order.
 */
export class Writer {
  private done: Buffer[] = [];
  private doneBytes = 0;
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = INITIAL_SIZE) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Total bytes written so far. */
  get length(): number {
    return this.doneBytes + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const size = Math.max(this.buf.length * 2, this.pos + n);
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  int64(v: number | bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(typeof v === 'bigint' ? v : BigInt(v), this.pos);
    this.pos += 8;
    return this;
  }

  uvarint(v: number): this {
    if (v < 0 || !Number.isInteger(v) || v > 0xffffffff) throw new RangeError(`uvarint ${v}`);
    this.ensure(5);
    let rest = v;
    while (rest >= 0x80) {
      this.buf[this.pos++] = (rest & 0x7f) | 0x80;
      rest = Math.floor(rest / 128);
    }
    this.buf[this.pos++] = rest;
    return this;
  }

  varint(v: number): this {
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  varlong(v: number | bigint): this {
    const n = BigInt(v);
    let z = (n << 1n) ^ (n >> 63n);
    z &= 0xffffffffffffffffn;
    this.ensure(10);
    while (z >= 0x80n) {
      this.buf[this.pos++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    this.buf[this.pos++] = Number(z);
    return this;
  }

  uuid(v: Buffer): this {
    if (v.length !== 16) throw new RangeError('uuid must be 16 bytes');
    return this.raw(v);
  }

  string(v: string): this {
    const len = Buffer.byteLength(v);
    this.int16(len);
    this.ensure(len);
    this.pos += this.buf.write(v, this.pos, 'utf8');
    return this;
  }

  nullableString(v: string | null): this {
    if (v === null) return this.int16(-1);
    return this.string(v);
  }

  compactString(v: string): this {
    const len = Buffer.byteLength(v);
    this.uvarint(len + 1);
    this.ensure(len);
    this.pos += this.buf.write(v, this.pos, 'utf8');
    return this;
  }

  compactNullableString(v: string | null): this {
    if (v === null) return this.uvarint(0);
    return this.compactString(v);
  }

  bytes(v: Buffer): this {
    this.int32(v.length);
    return this.raw(v);
  }

  nullableBytes(v: Buffer | null): this {
    if (v === null) return this.int32(-1);
    return this.bytes(v);
  }

  compactBytes(v: Buffer): this {
    this.uvarint(v.length + 1);
    return this.raw(v);
  }

  compactNullableBytes(v: Buffer | null): this {
    if (v === null) return this.uvarint(0);
    return this.compactBytes(v);
  }

  /** Bytes with no length prefix; big ones are referenced, not copied. */
  raw(v: Buffer): this {
    if (v.length >= ZERO_COPY_THRESHOLD) {
      this.seal();
      this.done.push(v);
      this.doneBytes += v.length;
      return this;
    }
    this.ensure(v.length);
    v.copy(this.buf, this.pos);
    this.pos += v.length;
    return this;
  }

  array<T>(items: readonly T[], writeItem: (w: Writer, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) writeItem(this, item);
    return this;
  }

  nullableArray<T>(items: readonly T[] | null, writeItem: (w: Writer, item: T) => void): this {
    if (items === null) return this.int32(-1);
    return this.array(items, writeItem);
  }

  compactArray<T>(items: readonly T[], writeItem: (w: Writer, item: T) => void): this {
    this.uvarint(items.length + 1);
    for (const item of items) writeItem(this, item);
    return this;
  }

  compactNullableArray<T>(items: readonly T[] | null, writeItem: (w: Writer, item: T) => void): this {
    if (items === null) return this.uvarint(0);
    return this.compactArray(items, writeItem);
  }

  /** An empty tagged-field section: we never send tagged fields. */
  emptyTaggedFields(): this {
    return this.uvarint(0);
  }

  /** Reserves an int32 and returns its absolute position, for `patchInt32` later. */
  reserveInt32(): number {
    const at = this.length;
    this.int32(0);
    return at;
  }

  /** Overwrites an int32 written earlier (e.g. a frame or section length). */
  patchInt32(at: number, v: number): void {
    if (at >= this.doneBytes) {
      this.buf.writeInt32BE(v, at - this.doneBytes);
      return;
    }
    let base = 0;
    for (const chunk of this.done) {
      if (at < base + chunk.length) {
        if (at + 4 > base + chunk.length) throw new RangeError('patch spans chunks');
        chunk.writeInt32BE(v, at - base);
        return;
      }
      base += chunk.length;
    }
    throw new RangeError(`patch position ${at} out of range`);
  }

  private seal(): void {
    if (this.pos === 0) return;
    this.done.push(this.buf.subarray(0, this.pos));
    this.doneBytes += this.pos;
    this.buf = this.buf.subarray(this.pos);
    this.pos = 0;
    if (this.buf.length < 64) this.buf = Buffer.allocUnsafe(INITIAL_SIZE);
  }

  /** The written bytes as a list of buffers, in order. */
  chunks(): Buffer[] {
    this.seal();
    return this.done;
  }

  /** The written bytes as one buffer (copies when there is more than one chunk). */
  toBuffer(): Buffer {
    const chunks = this.chunks();
    if (chunks.length === 1) return chunks[0] as Buffer;
    return Buffer.concat(chunks, this.doneBytes);
  }
}
