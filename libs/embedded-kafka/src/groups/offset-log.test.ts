import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeFrame } from './framed-file.ts';
import type { OffsetCommitEntry } from './group-store.ts';
import { openOffsetLog } from './offset-log.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'offset-log-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const entry = (
  topic: string,
  partition: number,
  offset: bigint,
  metadata: string | null = null,
): OffsetCommitEntry => ({
  topic,
  partition,
  committed: { offset, leaderEpoch: -1, metadata, commitTimestamp: 1_700_000_000_000 },
});

const offsetsOf = (groups: ReturnType<ReturnType<typeof openOffsetLog>['load']>, groupId: string) =>
  groups
    .find((g) => g.groupId === groupId)
    ?.offsets.map((o) => `${o.topic}/${o.partition}=${o.committed.offset}`)
    .sort();

describe('offset log', () => {
  it('replays commits, generations and deletions after a reopen', () => {
    const log = openOffsetLog({ dir });
    log.recordGeneration('households', 3, 'consumer');
    log.commitOffsets('households', [entry('household.feed', 0, 10n, 'm'), entry('household.feed', 1, 7n)]);
    log.commitOffsets('households', [entry('household.feed', 0, 12n)]);
    log.commitOffsets('gone', [entry('t', 0, 1n)]);
    log.deleteGroup('gone');
    log.close();

    const reopened = openOffsetLog({ dir });
    const groups = reopened.load();
    expect(groups.map((g) => [g.groupId, g.generationId, g.protocolType])).toEqual([
      ['households', 3, 'consumer'],
    ]);
    expect(offsetsOf(groups, 'households')).toEqual(['household.feed/0=12', 'household.feed/1=7']);
    expect(groups[0]?.offsets.find((o) => o.partition === 1)?.committed).toEqual({
      offset: 7n,
      leaderEpoch: -1,
      metadata: null,
      commitTimestamp: 1_700_000_000_000,
    });
    reopened.close();
  });

  it('ignores a torn last frame, cuts it off, and keeps appending after it', () => {
    const log = openOffsetLog({ dir });
    log.commitOffsets('g', [entry('t', 0, 5n)]);
    log.close();
    const file = join(dir, 'offsets.log');
    const intact = statSync(file).size;
    // A crash in the middle of writing the next frame: header and half the data.
    const torn = encodeFrame(Buffer.from('\u0001{"kind":"offsets","group":"g","offsets":[]}'));
    appendFileSync(file, torn.subarray(0, torn.length - 10));

    let cut = 0;
    const reopened = openOffsetLog({ dir, onDiscardedTail: (bytes) => (cut = bytes) });
    expect(cut).toBe(torn.length - 10);
    expect(statSync(file).size).toBe(intact);
    expect(offsetsOf(reopened.load(), 'g')).toEqual(['t/0=5']);
    reopened.commitOffsets('g', [entry('t', 0, 6n)]);
    reopened.close();
    expect(offsetsOf(openOffsetLog({ dir }).load(), 'g')).toEqual(['t/0=6']);
  });

  it('stops at a frame whose checksum does not match', () => {
    const log = openOffsetLog({ dir });
    log.commitOffsets('g', [entry('t', 0, 5n)]);
    log.commitOffsets('g', [entry('t', 0, 6n)]);
    log.close();
    const file = join(dir, 'offsets.log');
    const bytes = readFileSync(file);
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0xff;
    writeFileSync(file, bytes);
    expect(offsetsOf(openOffsetLog({ dir }).load(), 'g')).toEqual(['t/0=5']);
  });

  it('compacts itself when it grows, keeping only the latest commit per partition', () => {
    const log = openOffsetLog({ dir, compactMinBytes: 4096, compactGrowthFactor: 2 });
    for (let i = 0; i < 2000; i++) {
      log.commitOffsets('g', [entry('t', i % 3, BigInt(i))]);
      if (i % 500 === 0) log.recordGeneration('g', i, 'consumer');
    }
    // 2000 frames of ~100 bytes would be ~200 KB without compaction.
    expect(log.sizeBytes()).toBeLessThan(10_000);
    expect(statSync(join(dir, 'offsets.log')).size).toBe(log.sizeBytes());
    log.close();
    const groups = openOffsetLog({ dir }).load();
    expect(offsetsOf(groups, 'g')).toEqual(['t/0=1998', 't/1=1999', 't/2=1997']);
    expect(groups[0]?.generationId).toBe(1500);
  });

  it('starts empty without a file', () => {
    expect(openOffsetLog({ dir: join(dir, 'nested', 'groups') }).load()).toEqual([]);
  });
});
