// Test-side encoder/decoder of v2 record batches, built on the package's own codec, so tests
// can send exact bytes and read fetched batches without a consumer group.
import zlib from 'node:zlib';
import { crc32c } from '../../src/log/crc32c.ts';
import { Reader } from '../../src/protocol/reader.ts';
import { Writer } from '../../src/protocol/writer.ts';

export interface TestRecord {
  key: string | null;
  value: string | null;
  /** Absolute timestamp in ms (default: the batch's base timestamp). */
  timestamp?: number;
  headers?: Array<[string, string]>;
}

export interface BatchOptions {
  baseTimestamp?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  gzip?: boolean;
  attributes?: number;
}

export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: Array<[string, string]>;
}

export interface DecodedBatch {
  baseOffset: number;
  attributes: number;
  crcValid: boolean;
  records: DecodedRecord[];
}

export function encodeBatch(records: TestRecord[], options: BatchOptions = {}): Buffer {
  const baseTimestamp = options.baseTimestamp ?? Date.now();
  const body = new Writer();
  let maxTimestamp = baseTimestamp;
  records.forEach((rec, i) => {
    const ts = rec.timestamp ?? baseTimestamp;
    maxTimestamp = Math.max(maxTimestamp, ts);
    const w = new Writer();
    w.int8(0)
      .varlong(ts - baseTimestamp)
      .varint(i);
    writeVarBytes(w, rec.key);
    writeVarBytes(w, rec.value);
    const headers = rec.headers ?? [];
    w.varint(headers.length);
    for (const [k, v] of headers) {
      writeVarBytes(w, k);
      writeVarBytes(w, v);
    }
    const encoded = w.toBuffer();
    body.varint(encoded.length).raw(encoded);
  });
  let payload = body.toBuffer();
  let attributes = options.attributes ?? 0;
  if (options.gzip) {
    payload = zlib.gzipSync(payload);
    attributes |= 1;
  }
  const w = new Writer();
  w.int64(0); // baseOffset, set by the broker
  w.int32(0); // batchLength, patched below
  w.int32(-1).int8(2);
  w.int32(0); // crc, patched below
  w.int16(attributes)
    .int32(records.length - 1)
    .int64(baseTimestamp)
    .int64(maxTimestamp);
  w.int64(options.producerId ?? -1)
    .int16(options.producerEpoch ?? -1)
    .int32(options.baseSequence ?? -1);
  w.int32(records.length).raw(payload);
  const batch = Buffer.from(w.toBuffer());
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeUInt32BE(crc32c(batch, 21), 17);
  return batch;
}

/** Decodes whole batches (uncompressed, gzip or zstd); a trailing partial batch is ignored. */
export function decodeBatches(buf: Buffer): DecodedBatch[] {
  const out: DecodedBatch[] = [];
  let at = 0;
  while (at + 61 <= buf.length) {
    const size = buf.readInt32BE(at + 8) + 12;
    if (at + size > buf.length) break;
    const batch = buf.subarray(at, at + size);
    const baseOffset = Number(batch.readBigInt64BE(0));
    const attributes = batch.readInt16BE(21);
    const baseTimestamp = Number(batch.readBigInt64BE(27));
    const maxTimestamp = Number(batch.readBigInt64BE(35));
    const count = batch.readInt32BE(57);
    let payload = batch.subarray(61);
    const codec = attributes & 7;
    if (codec === 1) payload = zlib.gunzipSync(payload);
    else if (codec === 4) payload = zlib.zstdDecompressSync(payload);
    else if (codec !== 0) throw new Error(`test decoder does not handle codec ${codec}`);
    const r = new Reader(payload);
    const records: DecodedRecord[] = [];
    for (let i = 0; i < count; i++) {
      const len = r.varint();
      const end = r.offset + len;
      r.int8();
      const tsDelta = r.varlong();
      const offsetDelta = r.varint();
      const key = readVarString(r);
      const value = readVarString(r);
      const headers: Array<[string, string]> = [];
      const n = r.varint();
      for (let h = 0; h < n; h++) headers.push([readVarString(r) ?? '', readVarString(r) ?? '']);
      r.offset = end;
      records.push({
        offset: baseOffset + offsetDelta,
        timestamp: attributes & 0x08 ? maxTimestamp : baseTimestamp + tsDelta,
        key,
        value,
        headers,
      });
    }
    out.push({ baseOffset, attributes, crcValid: crc32c(batch, 21) === batch.readUInt32BE(17), records });
    at += size;
  }
  return out;
}

function writeVarBytes(w: Writer, s: string | null): void {
  if (s === null) {
    w.varint(-1);
    return;
  }
  const b = Buffer.from(s);
  w.varint(b.length).raw(b);
}

function readVarString(r: Reader): string | null {
  const len = r.varint();
  if (len < 0) return null;
  return r.raw(len).toString();
}
