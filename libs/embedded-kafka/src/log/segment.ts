import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { type BatchHeader, BatchLayout, readBatchHeader } from './batch-header.ts';
import { BatchIndex, INDEX_ENTRY_SIZE } from './batch-index.ts';
import { storedBatchSize } from './validate-batch.ts';

const readAsync = promisify(fs.read);
const fdatasyncAsync = promisify(fs.fdatasync);
/** Recovery reads the file in chunks this big (a batch bigger than this gets its own read). */
const SCAN_CHUNK = 4 * 1024 * 1024;

export class SegmentClosedError extends Error {
  override name = 'SegmentClosedError';
}

export function segmentFileName(baseOffset: number, ext: 'log' | 'index'): string {
  return `${String(baseOffset).padStart(20, '0')}.${ext}`;
}

/** What a scan of a segment file found. */
interface ScanResult {
  index: BatchIndex;
  /** Bytes holding whole, valid batches; anything after is a torn or corrupt tail. */
  validSize: number;
  nextOffset: number;
  maxTimestamp: number;
}

/**
 * One segment of a partition log: a `.log` file of raw record batches, back to back, exactly
 * as producers sent them (only baseOffset and partitionLeaderEpoch rewritten), and a `.index`
 * of one entry per batch.
 *
 * Appends use positional `writeSync`, so when `append` returns the batch is in the OS page
 * cache (it survives a crash of this process); `sync()` makes it survive power loss. Reads are
 * async positional reads; a reference count keeps the file descriptor open until reads in
 * flight finish, so a segment deleted by retention never lets a read hit a reused descriptor.
 */
export class Segment {
  readonly baseOffset: number;
  readonly logPath: string;
  readonly indexPath: string;
  readonly index: BatchIndex;
  /** Bytes in the log file. */
  size: number;
  /** Offset after the last batch. */
  nextOffset: number;
  /** Largest batch timestamp in the segment; -Infinity when empty. */
  maxTimestamp: number;

  private fd: number;
  private refs = 0;
  private closed = false;
  private dirty = false;
  private syncing: Promise<void> | null = null;
  private syncQueued: Promise<void> | null = null;

  private constructor(dir: string, baseOffset: number, fd: number, scan: ScanResult, size: number) {
    this.baseOffset = baseOffset;
    this.logPath = path.join(dir, segmentFileName(baseOffset, 'log'));
    this.indexPath = path.join(dir, segmentFileName(baseOffset, 'index'));
    this.fd = fd;
    this.index = scan.index;
    this.size = size;
    this.nextOffset = scan.nextOffset;
    this.maxTimestamp = scan.maxTimestamp;
  }

  /** A new, empty segment starting at `baseOffset` (an existing file of that name is emptied). */
  static create(dir: string, baseOffset: number): Segment {
    const fd = fs.openSync(path.join(dir, segmentFileName(baseOffset, 'log')), 'w+');
    fs.rmSync(path.join(dir, segmentFileName(baseOffset, 'index')), { force: true });
    const empty: ScanResult = {
      index: new BatchIndex(),
      validSize: 0,
      nextOffset: baseOffset,
      maxTimestamp: Number.NEGATIVE_INFINITY,
    };
    return new Segment(dir, baseOffset, fd, empty, 0);
  }

  /**
   * Opens the last segment of a partition after a start: scans every batch (length, magic,
   * CRC, offsets in sequence) and truncates the file at the first torn or corrupt one, so
   * nothing after a bad batch is ever served. `onBatch` sees every valid batch in order.
   */
  static recoverActive(
    dir: string,
    baseOffset: number,
    onBatch: (header: BatchHeader) => void,
  ): { segment: Segment; truncatedBytes: number } {
    const logPath = path.join(dir, segmentFileName(baseOffset, 'log'));
    const fd = fs.openSync(logPath, 'r+');
    try {
      const fileSize = fs.fstatSync(fd).size;
      const scan = scanSegment(fd, baseOffset, fileSize, onBatch);
      if (scan.validSize < fileSize) {
        fs.ftruncateSync(fd, scan.validSize);
        fs.fdatasyncSync(fd);
      }
      return {
        segment: new Segment(dir, baseOffset, fd, scan, scan.validSize),
        truncatedBytes: fileSize - scan.validSize,
      };
    } catch (err: unknown) {
      fs.closeSync(fd);
      throw err;
    }
  }

  /**
   * Opens a sealed (not last) segment. Its `.index` is trusted only when it agrees with the
   * log file (last entry's batch ends exactly at the end of the file and passes its CRC);
   * otherwise the segment is scanned like the active one.
   */
  static openSealed(dir: string, baseOffset: number): { segment: Segment; truncatedBytes: number } {
    const logPath = path.join(dir, segmentFileName(baseOffset, 'log'));
    const indexPath = path.join(dir, segmentFileName(baseOffset, 'index'));
    const fd = fs.openSync(logPath, 'r+');
    try {
      const fileSize = fs.fstatSync(fd).size;
      const trusted = trustIndex(fd, baseOffset, fileSize, indexPath);
      if (trusted) return { segment: new Segment(dir, baseOffset, fd, trusted, fileSize), truncatedBytes: 0 };
      const scan = scanSegment(fd, baseOffset, fileSize, () => {});
      if (scan.validSize < fileSize) {
        fs.ftruncateSync(fd, scan.validSize);
        fs.fdatasyncSync(fd);
      }
      const segment = new Segment(dir, baseOffset, fd, scan, scan.validSize);
      segment.writeIndexSync();
      return { segment, truncatedBytes: fileSize - scan.validSize };
    } catch (err: unknown) {
      fs.closeSync(fd);
      throw err;
    }
  }

  get batchCount(): number {
    return this.index.count;
  }

  /** Timestamp of the first batch, or NaN when empty (for segment.ms rolling). */
  get firstTimestamp(): number {
    return this.index.count > 0 ? this.index.maxTimestamp(0) : Number.NaN;
  }

  /**
   * Appends one validated batch whose header already carries its final baseOffset. The write
   * is positional and synchronous; a failed write is cut back so the file holds no partial batch.
   */
  append(batch: Buffer, lastOffsetDelta: number, maxTimestamp: number): number {
    if (this.closed) throw new SegmentClosedError('segment closed');
    const at = this.size;
    let written = 0;
    try {
      while (written < batch.length) {
        written += fs.writeSync(this.fd, batch, written, batch.length - written, at + written);
      }
    } catch (err: unknown) {
      try {
        fs.ftruncateSync(this.fd, at);
      } catch {
        // The write error below is the one worth reporting.
      }
      throw err;
    }
    const baseOffset = this.nextOffset;
    this.index.push(baseOffset - this.baseOffset, at, maxTimestamp);
    this.size += batch.length;
    this.nextOffset = baseOffset + lastOffsetDelta + 1;
    if (maxTimestamp > this.maxTimestamp) this.maxTimestamp = maxTimestamp;
    this.dirty = true;
    return at;
  }

  /** Byte size of batch i (batches are contiguous, so it ends where the next one starts). */
  batchSize(i: number, segmentSize = this.size, count = this.index.count): number {
    const end = i + 1 < count ? this.index.position(i + 1) : segmentSize;
    return end - this.index.position(i);
  }

  /** Offset after batch i. */
  batchEndOffset(i: number, count = this.index.count, nextOffset = this.nextOffset): number {
    return i + 1 < count ? this.baseOffset + this.index.relativeOffset(i + 1) : nextOffset;
  }

  /** Reads `length` bytes at `position`. Throws SegmentClosedError if the segment is gone. */
  async read(position: number, length: number): Promise<Buffer> {
    const fd = this.acquire();
    try {
      const buf = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await readAsync(fd, buf, done, length - done, position + done);
        if (bytesRead === 0) throw new Error(`short read in ${this.logPath} at ${position + done}`);
        done += bytesRead;
      }
      return buf;
    } finally {
      this.release();
    }
  }

  /** fdatasync of the log file; concurrent callers share one sync, later ones queue one more. */
  sync(): Promise<void> {
    if (this.syncing) {
      this.syncQueued ??= this.syncing.then(() => {
        this.syncQueued = null;
        return this.sync();
      });
      return this.syncQueued;
    }
    if (!this.dirty || this.closed) return Promise.resolve();
    this.dirty = false;
    const fd = this.acquire();
    this.syncing = fdatasyncAsync(fd).finally(() => {
      this.syncing = null;
      this.release();
    });
    return this.syncing;
  }

  get needsSync(): boolean {
    return this.dirty;
  }

  /** Writes the `.index` file (via a temporary file and rename, then fsync). */
  writeIndexSync(): void {
    const tmp = `${this.indexPath}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, this.index.toBuffer());
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.indexPath);
  }

  /**
   * Seals a segment that is no longer the active one: makes its data and index durable. Runs
   * off the append path; if the process dies first, recovery rebuilds the index by scanning.
   */
  async seal(): Promise<void> {
    await this.sync();
    if (this.closed) return;
    const tmp = `${this.indexPath}.tmp`;
    await fs.promises.writeFile(tmp, this.index.toBuffer(), { flush: true });
    await fs.promises.rename(tmp, this.indexPath);
  }

  /** Closes the file once reads in flight finish; `flush` syncs data and writes the index first. */
  close(flush: boolean): void {
    if (this.closed) return;
    if (flush && this.fd >= 0) {
      if (this.dirty) fs.fdatasyncSync(this.fd);
      this.dirty = false;
      this.writeIndexSync();
    }
    this.closed = true;
    if (this.refs === 0) this.closeFd();
  }

  /** Closes and removes the segment's files. */
  delete(): void {
    this.close(false);
    fs.rmSync(this.logPath, { force: true });
    fs.rmSync(this.indexPath, { force: true });
  }

  private acquire(): number {
    if (this.closed) throw new SegmentClosedError(`segment ${this.logPath} closed`);
    if (this.fd < 0) this.fd = fs.openSync(this.logPath, 'r+');
    this.refs++;
    return this.fd;
  }

  private release(): void {
    this.refs--;
    if (this.closed && this.refs === 0) this.closeFd();
  }

  private closeFd(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/** Reads batches from the start of the file while they are whole, valid and in offset order. */
function scanSegment(
  fd: number,
  baseOffset: number,
  fileSize: number,
  onBatch: (header: BatchHeader) => void,
): ScanResult {
  const index = new BatchIndex();
  // A batch without timestamps counts as written when the file was last modified.
  const fileTime = fs.fstatSync(fd).mtimeMs;
  let expected = baseOffset;
  let maxTimestamp = Number.NEGATIVE_INFINITY;
  let pos = 0;
  let chunk = Buffer.allocUnsafe(Math.min(SCAN_CHUNK, Math.max(fileSize, BatchLayout.HEADER_SIZE)));
  let chunkStart = 0;
  let chunkLen = 0;
  const load = (at: number, minLen: number): void => {
    if (chunk.length < minLen) chunk = Buffer.allocUnsafe(minLen);
    chunkStart = at;
    chunkLen = readFully(fd, chunk, Math.min(chunk.length, fileSize - at), at);
  };
  while (pos < fileSize) {
    if (pos + BatchLayout.HEADER_SIZE > chunkStart + chunkLen) load(pos, BatchLayout.HEADER_SIZE);
    let at = pos - chunkStart;
    if (at + BatchLayout.HEADER_SIZE > chunkLen) break; // torn header at the end of the file
    const declared = chunk.readInt32BE(at + BatchLayout.BATCH_LENGTH) + BatchLayout.LOG_OVERHEAD;
    if (declared < BatchLayout.HEADER_SIZE || pos + declared > fileSize) break;
    if (at + declared > chunkLen) {
      load(pos, declared);
      at = 0;
    }
    const size = storedBatchSize(chunk, at, chunkLen);
    if (size === 0) break;
    const header = readBatchHeader(chunk, at);
    if (header.baseOffset !== expected) break;
    const ts = effectiveTimestamp(header, fileTime);
    index.push(expected - baseOffset, pos, ts);
    if (ts > maxTimestamp) maxTimestamp = ts;
    onBatch(header);
    expected = header.baseOffset + header.lastOffsetDelta + 1;
    pos += size;
  }
  return { index, validSize: pos, nextOffset: expected, maxTimestamp };
}

/** Uses the index file when it matches the log exactly; null means "scan instead". */
function trustIndex(fd: number, baseOffset: number, fileSize: number, indexPath: string): ScanResult | null {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(indexPath);
  } catch {
    return null;
  }
  if (raw.length === 0 || raw.length % INDEX_ENTRY_SIZE !== 0) return null;
  const index = BatchIndex.fromBuffer(raw);
  let maxTimestamp = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < index.count; i++) {
    if (i > 0 && index.relativeOffset(i) <= index.relativeOffset(i - 1)) return null;
    if (i > 0 && index.position(i) <= index.position(i - 1)) return null;
    maxTimestamp = Math.max(maxTimestamp, index.maxTimestamp(i));
  }
  if (index.relativeOffset(0) !== 0 || index.position(0) !== 0) return null;
  const lastPos = index.position(index.count - 1);
  const lastSize = fileSize - lastPos;
  if (lastSize < BatchLayout.HEADER_SIZE) return null;
  const last = Buffer.allocUnsafe(lastSize);
  if (readFully(fd, last, lastSize, lastPos) !== lastSize) return null;
  if (storedBatchSize(last, 0, lastSize) !== lastSize) return null;
  const header = readBatchHeader(last);
  if (header.baseOffset !== baseOffset + index.relativeOffset(index.count - 1)) return null;
  return {
    index,
    validSize: fileSize,
    nextOffset: header.baseOffset + header.lastOffsetDelta + 1,
    maxTimestamp,
  };
}

/** The time a batch counts as written at: its max timestamp, or `fallback` when the client sent none. */
export function effectiveTimestamp(header: BatchHeader, fallback: number): number {
  return header.maxTimestamp >= 0 ? header.maxTimestamp : fallback;
}

function readFully(fd: number, buf: Buffer, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}
