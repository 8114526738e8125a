import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeBatches, encodeBatch } from '../../test/support/record-batch.ts';
import { PartitionLog } from './partition-log.ts';
import { DEFAULT_LOG_DEFAULTS, resolveTopicConfig } from './topic-config.ts';
import { validateProducedBatch } from './validate-batch.ts';

const logger = pino({ level: 'silent' });
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function newDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'partition-log-'));
  dirs.push(d);
  return d;
}

function config(configs: Record<string, string> = {}) {
  return resolveTopicConfig(configs, DEFAULT_LOG_DEFAULTS);
}

/** Appends one batch of `n` records (values `${label}-i`) at time `ts`. */
function append(log: PartitionLog, label: string, n: number, ts: number, now = ts): number {
  const batch = encodeBatch(
    Array.from({ length: n }, (_, i) => ({ key: 'k', value: `${label}-${i}`, timestamp: ts + i })),
    { baseTimestamp: ts },
  );
  const checked = validateProducedBatch(batch);
  if (!checked.ok) throw new Error(checked.message);
  return log.append(batch, checked.header, now).baseOffset;
}

async function readValues(log: PartitionLog, from: number): Promise<string[]> {
  const out: string[] = [];
  let offset = from;
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, 1 << 20, true);
    if (r.error !== 0) throw new Error(`read error ${r.error}`);
    const batches = decodeBatches(r.records ?? Buffer.alloc(0));
    for (const b of batches) for (const rec of b.records) if (rec.offset >= offset) out.push(rec.value ?? '');
    const last = batches[batches.length - 1];
    if (!last) break;
    offset = last.baseOffset + last.records.length;
  }
  return out;
}

describe('PartitionLog', () => {
  it('rolls segments by size and finds any offset across them', async () => {
    const dir = newDir();
    const log = PartitionLog.create(dir, 't', 0, config({ 'segment.bytes': '250' }), 1000, logger);
    for (let i = 0; i < 12; i++) expect(append(log, `b${i}`, 3, 1_000_000 + i * 10)).toBe(i * 3);
    expect(log.segmentCount).toBeGreaterThan(3);
    expect(log.logEndOffset).toBe(36);

    const fromMiddle = await log.read(17, 1 << 20, true);
    const batches = decodeBatches(fromMiddle.records ?? Buffer.alloc(0));
    expect(batches[0]?.baseOffset).toBe(15); // the whole batch holding 17
    expect(await readValues(log, 0)).toHaveLength(36);
    expect((await readValues(log, 34))[0]).toBe('b11-1');

    expect(await log.offsetForTimestamp(1_000_000 + 7 * 10 + 1)).toEqual({
      offset: 22,
      timestamp: 1_000_071,
    });
    expect(await log.offsetForTimestamp(9_999_999)).toBeNull();
    await log.close(true);
  });

  it('reopens from its files: sealed indexes trusted, a missing or stale one rebuilt', async () => {
    const dir = newDir();
    const log = PartitionLog.create(dir, 't', 0, config({ 'segment.bytes': '300' }), 1000, logger);
    for (let i = 0; i < 10; i++) append(log, `b${i}`, 2, 5000 + i);
    const before = await readValues(log, 0);
    await log.close(true);

    const indexes = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.index'))
      .sort();
    expect(indexes.length).toBeGreaterThan(2);
    fs.rmSync(path.join(dir, indexes[0] as string));
    fs.truncateSync(path.join(dir, indexes[1] as string), 16); // stale: fewer entries than batches

    const reopened = PartitionLog.open(dir, 't', 0, config({ 'segment.bytes': '300' }), 2000, logger);
    expect(reopened.logEndOffset).toBe(20);
    expect(await readValues(reopened, 0)).toEqual(before);
    expect(append(reopened, 'after', 1, 6000)).toBe(20);
    await reopened.close(true);
  });

  it('deletes whole old segments past retention.bytes and moves the log start', async () => {
    const dir = newDir();
    const log = PartitionLog.create(
      dir,
      't',
      0,
      config({ 'segment.bytes': '300', 'retention.bytes': '600' }),
      1000,
      logger,
    );
    for (let i = 0; i < 12; i++) append(log, `b${i}`, 2, Date.now());
    const segmentsBefore = log.segmentCount;
    const deleted = log.applyRetention(Date.now());
    expect(deleted).toBeGreaterThan(0);
    expect(log.segmentCount).toBe(segmentsBefore - deleted);
    expect(log.sizeBytes).toBeGreaterThanOrEqual(600);
    expect(log.logStartOffset).toBeGreaterThan(0);
    expect((await log.read(0, 1 << 20, true)).error).toBe(1); // OFFSET_OUT_OF_RANGE
    expect(await readValues(log, log.logStartOffset)).toContain('b11-1');
    await log.close(true);
  });

  it('expires everything older than retention.ms, rolling the active segment, and keeps offsets', async () => {
    const dir = newDir();
    const day = 24 * 3600 * 1000;
    const now = Date.UTC(2026, 3, 10);
    const log = PartitionLog.create(dir, 't', 0, config({ 'retention.ms': String(day) }), now, logger);
    for (let i = 0; i < 5; i++) append(log, `old${i}`, 2, now - 3 * day, now);
    expect(log.applyRetention(now)).toBe(1);
    expect(log.logStartOffset).toBe(10);
    expect(log.logEndOffset).toBe(10);
    expect(append(log, 'fresh', 1, now, now)).toBe(10);
    expect(await readValues(log, 10)).toEqual(['fresh-0']);
    await log.close(true);
  });

  it('keeps everything for cleanup.policy=compact (no compaction in the embedded broker)', async () => {
    const dir = newDir();
    const now = Date.UTC(2026, 3, 10);
    const log = PartitionLog.create(
      dir,
      't',
      0,
      config({ 'cleanup.policy': 'compact', 'retention.ms': '1', 'segment.bytes': '200' }),
      now,
      logger,
    );
    for (let i = 0; i < 6; i++) append(log, `h${i}`, 1, now - 1e9, now);
    expect(log.applyRetention(now)).toBe(0);
    expect(await readValues(log, 0)).toHaveLength(6);
    await log.close(true);
  });

  it('stamps the broker time on LogAppendTime topics and keeps the CRC valid', async () => {
    const dir = newDir();
    const log = PartitionLog.create(
      dir,
      't',
      0,
      config({ 'message.timestamp.type': 'LogAppendTime' }),
      0,
      logger,
    );
    const batch = encodeBatch([{ key: 'k', value: 'v', timestamp: 42 }], { baseTimestamp: 42 });
    const checked = validateProducedBatch(batch);
    if (!checked.ok) throw new Error(checked.message);
    expect(log.append(batch, checked.header, 1_800_000_000_000).logAppendTime).toBe(1_800_000_000_000);
    const [stored] = decodeBatches((await log.read(0, 1 << 20, true)).records ?? Buffer.alloc(0));
    expect(stored?.crcValid).toBe(true);
    expect((stored?.attributes ?? 0) & 0x08).toBe(0x08);
    expect(stored?.records[0]?.timestamp).toBe(1_800_000_000_000);
    await log.close(true);
  });
});
