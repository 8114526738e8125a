/**
 * Thrown when a request body is shorter than its fields claim or a length is impossible.
 * The connection answers it by closing, as Kafka does for a request it cannot parse.
 */
export class MalformedRequestError extends Error {
  override name = 'MalformedRequestError';
}

/**
 * Sequential decoder for Kafka's primitive types over one buffer.
 *
 * Every read checks bounds first, so a request whose lengths lie throws
 * MalformedRequestError instead of reading past the frame. `bytes()` and friends return
 * views into the frame (no copy): record batches travel from the socket to the log as-is.
 */
export class Reader {
  readonly buf: Buffer;
  offset: number;
  readonly end: number;

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    this.buf = buf;
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number): number {
    const at = this.offset;
    if (n < 0 || at + n > this.end) {
      throw new MalformedRequestError(`need ${n} bytes at ${at}, only ${this.end - at} left`);
    }
    this.offset = at + n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1));
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }

  uint32(): number {
    return this.buf.readUInt32BE(this.need(4));
  }

  /** int64 as a JS number: offsets, timestamps and producer ids stay far below 2^53. */
  int64(): number {
    return Number(this.buf.readBigInt64BE(this.need(8)));
  }

  int64Big(): bigint {
    return this.buf.readBigInt64BE(this.need(8));
  }

  /** Unsigned LEB128 varint (at most 5 bytes, 32 bits). */
  uvarint(): number {
    let value = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.buf[this.need(1)] as number;
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
      shift += 7;
    }
    throw new MalformedRequestError('unsigned varint longer than 5 bytes');
  }

  /** Zigzag-encoded signed varint (32 bits). */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Zigzag-encoded signed varlong (64 bits), as a number (exact up to 2^53). */
  varlong(): number {
    let value = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.need(1)] as number;
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return Number((value >> 1n) ^ -(value & 1n));
      shift += 7n;
    }
    throw new MalformedRequestError('varlong longer than 10 bytes');
  }

  uuid(): Buffer {
    const at = this.need(16);
    return this.buf.subarray(at, at + 16);
  }

  /** int16-length string; a null (-1) is refused. */
  string(): string {
    const s = this.nullableString();
    if (s === null) throw new MalformedRequestError('null where a string is required');
    return s;
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    if (len < -1) throw new MalformedRequestError(`string length ${len}`);
    const at = this.need(len);
    return this.buf.toString('utf8', at, at + len);
  }

  /** Unsigned-varint length + 1 string (flexible versions); 0 means null. */
  compactNullableString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    const at = this.need(n - 1);
    return this.buf.toString('utf8', at, at + n - 1);
  }

  compactString(): string {
    const s = this.compactNullableString();
    if (s === null) throw new MalformedRequestError('null where a compact string is required');
    return s;
  }

  /** int32-length bytes as a view into the frame; null for -1. */
  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len === -1) return null;
    if (len < -1) throw new MalformedRequestError(`bytes length ${len}`);
    const at = this.need(len);
    return this.buf.subarray(at, at + len);
  }

  bytes(): Buffer {
    const b = this.nullableBytes();
    if (b === null) throw new MalformedRequestError('null where bytes are required');
    return b;
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    if (n === 0) return null;
    const at = this.need(n - 1);
    return this.buf.subarray(at, at + n - 1);
  }

  compactBytes(): Buffer {
    const b = this.compactNullableBytes();
    if (b === null) throw new MalformedRequestError('null where compact bytes are required');
    return b;
  }

  /** Raw view of the next n bytes, no length prefix. */
  raw(n: number): Buffer {
    const at = this.need(n);
    return this.buf.subarray(at, at + n);
  }

  /**
   * int32-count array; null for -1. The count is checked against the bytes left (each element
   * takes at least one byte) so a lying count cannot make us allocate or loop for long.
   */
  nullableArray<T>(readItem: (r: Reader) => T): T[] | null {
    const n = this.int32();
    if (n === -1) return null;
    return this.items(n, readItem);
  }

  array<T>(readItem: (r: Reader) => T): T[] {
    const items = this.nullableArray(readItem);
    if (items === null) throw new MalformedRequestError('null where an array is required');
    return items;
  }

  /** Unsigned-varint count + 1 array (flexible versions); 0 means null. */
  compactNullableArray<T>(readItem: (r: Reader) => T): T[] | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.items(n - 1, readItem);
  }

  compactArray<T>(readItem: (r: Reader) => T): T[] {
    const items = this.compactNullableArray(readItem);
    if (items === null) throw new MalformedRequestError('null where a compact array is required');
    return items;
  }

  private items<T>(n: number, readItem: (r: Reader) => T): T[] {
    if (n < 0 || n > this.remaining) throw new MalformedRequestError(`array count ${n}`);
    const out: T[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = readItem(this);
    return out;
  }

  /** Reads a tagged-field section and skips every field (we know none of them). */
  skipTaggedFields(): void {
    const count = this.uvarint();
    if (count > this.remaining) throw new MalformedRequestError(`tagged field count ${count}`);
    for (let i = 0; i < count; i++) {
      this.uvarint(); // tag
      const size = this.uvarint();
      this.need(size);
    }
  }
}
