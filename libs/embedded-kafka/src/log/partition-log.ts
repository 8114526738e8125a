import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ErrorCode } from '../protocol/error-codes.ts';
import { BatchAttributes, type BatchHeader, BatchLayout } from './batch-header.ts';
import { crc32c } from './crc32c.ts';
import { findRecordAtOrAfter } from './find-record-by-time.ts';
import { Segment, SegmentClosedError } from './segment.ts';
import type { TopicConfig } from './topic-config.ts';

export interface AppendResult {
  baseOffset: number;
  /** The broker time stamped on the batch for LogAppendTime topics; -1 for CreateTime. */
  logAppendTime: number;
}

export interface ReadResult {
  error: number;
  /** Whole stored batches, or null when there is nothing to return. */
  records: Buffer | null;
  highWatermark: number;
  logStartOffset: number;
}

/** Idempotent batches kept per producer during recovery (Kafka keeps the last 5 too). */
const RESTORED_BATCHES_PER_PRODUCER = 5;

/**
 * The log of one partition: an ordered list of segments, the last one active. Appends are
 * synchronous (one positional write), so offsets are assigned in arrival order without locks;
 * reads return whole batches and never wait on appends.
 */
export class PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly dir: string;
  config: TopicConfig;
  /** Batches of idempotent producers found by recovery, for the producer state store. */
  recoveredProducerBatches: BatchHeader[] = [];

  private segments: Segment[];
  private activeSince: number;
  private readonly listeners = new Set<() => void>();
  private readonly sealing = new Set<Promise<void>>();
  private dirNeedsSync = false;
  private closed = false;
  private readonly logger: Logger;

  private constructor(
    topic: string,
    partition: number,
    dir: string,
    config: TopicConfig,
    segments: Segment[],
    now: number,
    logger: Logger,
  ) {
    this.topic = topic;
    this.partition = partition;
    this.dir = dir;
    this.config = config;
    this.segments = segments;
    this.activeSince = now;
    this.logger = logger;
  }

  /** Creates the directory and first segment of a new partition. */
  static create(
    dir: string,
    topic: string,
    partition: number,
    config: TopicConfig,
    now: number,
    logger: Logger,
  ): PartitionLog {
    fs.mkdirSync(dir, { recursive: true });
    return new PartitionLog(topic, partition, dir, config, [Segment.create(dir, 0)], now, logger);
  }

  /** Opens an existing partition, recovering its last segment (see Segment.recoverActive). */
  static open(
    dir: string,
    topic: string,
    partition: number,
    config: TopicConfig,
    now: number,
    logger: Logger,
  ): PartitionLog {
    const bases: number[] = [];
    for (const name of fs.readdirSync(dir)) {
      const m = /^(\d{20})\.log$/.exec(name);
      if (m) bases.push(Number(m[1]));
      else if (name.endsWith('.tmp')) fs.rmSync(path.join(dir, name), { force: true });
    }
    bases.sort((a, b) => a - b);
    // An index whose log is gone (retention deleted it while it was being sealed) is litter.
    for (const name of fs.readdirSync(dir)) {
      const m = /^(\d{20})\.index$/.exec(name);
      if (m && !bases.includes(Number(m[1]))) fs.rmSync(path.join(dir, name), { force: true });
    }
    const segments: Segment[] = [];
    const byProducer = new Map<number, BatchHeader[]>();
    const log = logger.child({ topic, partition });
    try {
      for (const [i, base] of bases.entries()) {
        if (i < bases.length - 1) {
          const { segment, truncatedBytes } = Segment.openSealed(dir, base);
          if (truncatedBytes > 0) log.warn({ base, truncatedBytes }, 'corrupt sealed segment truncated');
          segments.push(segment);
          continue;
        }
        const { segment, truncatedBytes } = Segment.recoverActive(dir, base, (header) => {
          if (header.producerId < 0) return;
          const list = byProducer.get(header.producerId) ?? [];
          byProducer.set(header.producerId, list);
          list.push(header);
          if (list.length > RESTORED_BATCHES_PER_PRODUCER) list.shift();
        });
        if (truncatedBytes > 0) log.warn({ base, truncatedBytes }, 'torn or corrupt log tail truncated');
        segments.push(segment);
      }
    } catch (err: unknown) {
      for (const s of segments) s.close(false);
      throw err;
    }
    if (segments.length === 0) segments.push(Segment.create(dir, 0));
    const p = new PartitionLog(topic, partition, dir, config, segments, now, logger);
    p.recoveredProducerBatches = [...byProducer.values()].flat().sort((a, b) => a.baseOffset - b.baseOffset);
    return p;
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1] as Segment;
  }

  get logStartOffset(): number {
    return (this.segments[0] as Segment).baseOffset;
  }

  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  get sizeBytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.size;
    return total;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /**
   * Appends one validated batch: stamps baseOffset = log end offset and partitionLeaderEpoch 0
   * in place (outside the CRC's range), and for LogAppendTime topics the broker's time (then the
   * CRC is recomputed). The bytes are otherwise stored exactly as received.
   */
  append(batch: Buffer, header: BatchHeader, now: number): AppendResult {
    if (this.closed) throw new SegmentClosedError(`partition ${this.topic}-${this.partition} closed`);
    const active = this.active;
    if (
      active.size > 0 &&
      (active.size + batch.length > this.config.segmentBytes ||
        now - this.activeSince >= this.config.segmentMs)
    ) {
      this.roll(now);
    }
    const baseOffset = this.logEndOffset;
    batch.writeBigInt64BE(BigInt(baseOffset), BatchLayout.BASE_OFFSET);
    batch.writeInt32BE(0, BatchLayout.PARTITION_LEADER_EPOCH);
    let logAppendTime = -1;
    let maxTimestamp = header.maxTimestamp;
    if (this.config.logAppendTime) {
      logAppendTime = now;
      maxTimestamp = now;
      batch.writeInt16BE(header.attributes | BatchAttributes.LOG_APPEND_TIME, BatchLayout.ATTRIBUTES);
      batch.writeBigInt64BE(BigInt(now), BatchLayout.MAX_TIMESTAMP);
      batch.writeUInt32BE(crc32c(batch, BatchLayout.ATTRIBUTES), BatchLayout.CRC);
    }
    this.active.append(batch, header.lastOffsetDelta, maxTimestamp >= 0 ? maxTimestamp : now);
    for (const listener of this.listeners) listener();
    return { baseOffset, logAppendTime };
  }

  /**
   * Whole batches starting with the one holding `fetchOffset`, up to `maxBytes` — but at least
   * one batch when `minOneBatch`, whatever its size. Reads stay within one segment.
   */
  async read(fetchOffset: number, maxBytes: number, minOneBatch: boolean): Promise<ReadResult> {
    const highWatermark = this.logEndOffset;
    const logStartOffset = this.logStartOffset;
    const result = (error: number, records: Buffer | null): ReadResult => ({
      error,
      records,
      highWatermark,
      logStartOffset,
    });
    if (fetchOffset < logStartOffset || fetchOffset > highWatermark) {
      return result(ErrorCode.OFFSET_OUT_OF_RANGE, null);
    }
    if (fetchOffset === highWatermark) return result(ErrorCode.NONE, null);
    for (let si = this.segmentFor(fetchOffset); si < this.segments.length; si++) {
      const seg = this.segments[si] as Segment;
      // Snapshot what is stored now; later appends are for the next fetch.
      const count = seg.index.count;
      const size = seg.size;
      const next = seg.nextOffset;
      if (count === 0 || next <= fetchOffset) continue;
      let i = Math.max(0, seg.index.floor(fetchOffset - seg.baseOffset));
      if (seg.batchEndOffset(i, count, next) <= fetchOffset) i++;
      if (i >= count) continue;
      const start = seg.index.position(i);
      let end = start + seg.batchSize(i, size, count);
      if (end - start > maxBytes && !minOneBatch) return result(ErrorCode.NONE, null);
      for (let j = i + 1; j < count; j++) {
        const batchEnd = j + 1 < count ? seg.index.position(j + 1) : size;
        if (batchEnd - start > maxBytes) break;
        end = batchEnd;
      }
      try {
        return result(ErrorCode.NONE, await seg.read(start, end - start));
      } catch (err: unknown) {
        if (!(err instanceof SegmentClosedError)) throw err;
        // Deleted by retention (or with its topic) while we read.
        return result(
          this.closed ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OFFSET_OUT_OF_RANGE,
          null,
        );
      }
    }
    return result(ErrorCode.NONE, null);
  }

  /**
   * The first offset whose record timestamp is >= `timestamp`, with that record's timestamp;
   * null when every record is older. Batches are found by their max timestamp (kept in the
   * index), then the records of that one batch are read.
   */
  async offsetForTimestamp(timestamp: number): Promise<{ offset: number; timestamp: number } | null> {
    for (const seg of [...this.segments]) {
      if (seg.maxTimestamp < timestamp) continue;
      const count = seg.index.count;
      const size = seg.size;
      for (let i = 0; i < count; i++) {
        if (seg.index.maxTimestamp(i) < timestamp) continue;
        let batch: Buffer;
        try {
          batch = await seg.read(seg.index.position(i), seg.batchSize(i, size, count));
        } catch (err: unknown) {
          if (err instanceof SegmentClosedError) continue;
          throw err;
        }
        const found = await findRecordAtOrAfter(batch, timestamp);
        if (found) return found;
      }
    }
    return null;
  }

  /** Registers a callback run after every append; returns its removal. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Makes every append so far durable (fsync), including segments being sealed. */
  async sync(): Promise<void> {
    const pending: Promise<void>[] = [...this.sealing];
    for (const s of this.segments) if (s.needsSync) pending.push(s.sync());
    if (this.dirNeedsSync) {
      this.dirNeedsSync = false;
      pending.push(syncDir(this.dir));
    }
    await Promise.all(pending);
  }

  get needsSync(): boolean {
    return this.dirNeedsSync || this.active.needsSync;
  }

  /**
   * Deletes whole segments that fall outside retention.ms / retention.bytes (never partially).
   * The active segment is rolled first when everything in it has expired, like Kafka.
   */
  applyRetention(now: number): number {
    if (this.closed || !this.config.deleteOldSegments) return 0;
    const { retentionMs, retentionBytes } = this.config;
    let deleted = 0;
    if (retentionMs >= 0) {
      const cutoff = now - retentionMs;
      if (this.active.size > 0 && this.active.maxTimestamp < cutoff) this.roll(now);
      while (this.segments.length > 1 && (this.segments[0] as Segment).maxTimestamp < cutoff) {
        this.deleteOldest();
        deleted++;
      }
    }
    if (retentionBytes >= 0) {
      let total = this.sizeBytes;
      while (this.segments.length > 1 && total - (this.segments[0] as Segment).size >= retentionBytes) {
        total -= (this.segments[0] as Segment).size;
        this.deleteOldest();
        deleted++;
      }
    }
    if (deleted > 0)
      this.logger.info(
        { topic: this.topic, partition: this.partition, deleted },
        'retention deleted segments',
      );
    return deleted;
  }

  /** Closes the files. `flush`: sync data and write the active segment's index first. */
  async close(flush: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.sealing]);
    const last = this.segments.length - 1;
    for (const [i, s] of this.segments.entries()) s.close(flush && i === last);
    for (const listener of this.listeners) listener();
  }

  private roll(now: number): void {
    const old = this.active;
    this.segments.push(Segment.create(this.dir, old.nextOffset));
    this.activeSince = now;
    this.dirNeedsSync = true;
    const sealing: Promise<void> = old
      .seal()
      .catch((err: unknown) => this.logger.warn({ err, segment: old.logPath }, 'sealing segment failed'))
      .finally(() => this.sealing.delete(sealing));
    this.sealing.add(sealing);
  }

  private deleteOldest(): void {
    const seg = this.segments.shift() as Segment;
    seg.delete();
  }

  /** Index of the last segment whose base offset is <= offset (0 if none). */
  private segmentFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.segments[mid] as Segment).baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
