/** Bytes per entry in a `.index` file: relative offset, file position, max timestamp. */
export const INDEX_ENTRY_SIZE = 16;

/**
 * One entry per stored batch of a segment, kept in memory in typed arrays (16 bytes a batch)
 * and written to the segment's `.index` file when the segment is sealed or the broker closes.
 * Finding the batch that holds an offset is a binary search; no log scan.
 */
export class BatchIndex {
  count = 0;
  private rel: Uint32Array;
  private pos: Uint32Array;
  private ts: Float64Array;

  constructor(capacity = 64) {
    this.rel = new Uint32Array(capacity);
    this.pos = new Uint32Array(capacity);
    this.ts = new Float64Array(capacity);
  }

  push(relativeOffset: number, position: number, maxTimestamp: number): void {
    if (this.count === this.rel.length) this.grow();
    this.rel[this.count] = relativeOffset;
    this.pos[this.count] = position;
    this.ts[this.count] = maxTimestamp;
    this.count++;
  }

  relativeOffset(i: number): number {
    return this.rel[i] as number;
  }

  position(i: number): number {
    return this.pos[i] as number;
  }

  maxTimestamp(i: number): number {
    return this.ts[i] as number;
  }

  /** Index of the last batch whose relative base offset is <= rel, or -1. */
  floor(rel: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.rel[mid] as number) <= rel) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Drops every entry from i on. */
  truncate(i: number): void {
    this.count = Math.min(this.count, i);
  }

  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.count * INDEX_ENTRY_SIZE);
    for (let i = 0; i < this.count; i++) {
      const at = i * INDEX_ENTRY_SIZE;
      out.writeUInt32BE(this.rel[i] as number, at);
      out.writeUInt32BE(this.pos[i] as number, at + 4);
      out.writeDoubleBE(this.ts[i] as number, at + 8);
    }
    return out;
  }

  static fromBuffer(buf: Buffer): BatchIndex {
    const count = Math.floor(buf.length / INDEX_ENTRY_SIZE);
    const index = new BatchIndex(Math.max(64, count));
    for (let i = 0; i < count; i++) {
      const at = i * INDEX_ENTRY_SIZE;
      index.push(buf.readUInt32BE(at), buf.readUInt32BE(at + 4), buf.readDoubleBE(at + 8));
    }
    return index;
  }

  private grow(): void {
    const size = this.rel.length * 2;
    const rel = new Uint32Array(size);
    rel.set(this.rel);
    const pos = new Uint32Array(size);
    pos.set(this.pos);
    const ts = new Float64Array(size);
    ts.set(this.ts);
    this.rel = rel;
    this.pos = pos;
    this.ts = ts;
  }
}
