import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openFramedFile } from './framed-file.ts';
import type { CommittedOffset, GroupStore, OffsetCommitEntry, StoredGroup } from './group-store.ts';

// Committed offsets and group generations, kept in one append-only framed file below the
// data dir and replayed at start. Every commit request is one frame, so a crash keeps or
// loses a whole commit. The file is rewritten with only the live entries once it has grown
// well past them, so it stays about as big as the number of committed partitions.

const FORMAT_VERSION = 1;

type LogEntry =
  | {
      kind: 'offsets';
      group: string;
      offsets: Array<{ t: string; p: number; o: string; e: number; m: string | null; ts: number }>;
    }
  | { kind: 'generation'; group: string; generation: number; protocolType: string | null }
  | { kind: 'delete'; group: string };

interface LiveGroup {
  generationId: number;
  protocolType: string | null;
  offsets: Map<string, OffsetCommitEntry>;
}

export interface OffsetLogOptions {
  /** Directory for the file (created if missing). */
  dir: string;
  /** Never compact below this size. */
  compactMinBytes?: number;
  /** Compact once the file is this many times bigger than its live content was after the last compaction. */
  compactGrowthFactor?: number;
  /** Told when a torn or corrupt tail was cut at start. */
  onDiscardedTail?: (bytes: number) => void;
}

export interface OffsetLog extends GroupStore {
  /** Bytes on disk now: for tests and metrics. */
  sizeBytes(): number;
}

function encode(entry: LogEntry): Buffer {
  const json = Buffer.from(JSON.stringify(entry), 'utf8');
  const data = Buffer.allocUnsafe(1 + json.length);
  data[0] = FORMAT_VERSION;
  json.copy(data, 1);
  return data;
}

function decode(data: Buffer): LogEntry | null {
  // A frame with a checksum that holds but a version we do not know is from a newer broker: skip it.
  if (data[0] !== FORMAT_VERSION) return null;
  return JSON.parse(data.toString('utf8', 1)) as LogEntry;
}

const offsetKey = (topic: string, partition: number): string => `${partition}:${topic}`;

export function openOffsetLog(options: OffsetLogOptions): OffsetLog {
  mkdirSync(options.dir, { recursive: true });
  const compactMinBytes = options.compactMinBytes ?? 1024 * 1024;
  const compactGrowthFactor = options.compactGrowthFactor ?? 4;
  const { file, frames, discardedBytes } = openFramedFile(join(options.dir, 'offsets.log'));
  if (discardedBytes > 0) options.onDiscardedTail?.(discardedBytes);

  const live = new Map<string, LiveGroup>();
  const liveGroup = (groupId: string): LiveGroup => {
    let group = live.get(groupId);
    if (!group) {
      group = { generationId: 0, protocolType: null, offsets: new Map() };
      live.set(groupId, group);
    }
    return group;
  };

  function apply(entry: LogEntry): void {
    switch (entry.kind) {
      case 'offsets': {
        const group = liveGroup(entry.group);
        for (const o of entry.offsets) {
          const committed: CommittedOffset = {
            offset: BigInt(o.o),
            leaderEpoch: o.e,
            metadata: o.m,
            commitTimestamp: o.ts,
          };
          group.offsets.set(offsetKey(o.t, o.p), { topic: o.t, partition: o.p, committed });
        }
        break;
      }
      case 'generation': {
        const group = liveGroup(entry.group);
        group.generationId = entry.generation;
        group.protocolType = entry.protocolType;
        break;
      }
      case 'delete':
        live.delete(entry.group);
        break;
    }
  }

  for (const frame of frames) {
    const entry = decode(frame);
    if (entry) apply(entry);
  }

  function snapshotEntries(): LogEntry[] {
    const entries: LogEntry[] = [];
    for (const [groupId, group] of live) {
      entries.push({
        kind: 'generation',
        group: groupId,
        generation: group.generationId,
        protocolType: group.protocolType,
      });
      if (group.offsets.size > 0) entries.push(offsetsEntry(groupId, [...group.offsets.values()]));
    }
    return entries;
  }

  let bytesAfterCompaction = file.size();
  function compact(): void {
    file.rewrite(snapshotEntries().map(encode));
    bytesAfterCompaction = file.size();
  }
  // Start from a compact file: replay stays fast however long the broker ran before.
  if (file.size() > compactMinBytes) compact();

  function write(entry: LogEntry): void {
    file.append(encode(entry));
    apply(entry);
    if (file.size() > compactMinBytes && file.size() > compactGrowthFactor * bytesAfterCompaction) compact();
  }

  function offsetsEntry(groupId: string, entries: OffsetCommitEntry[]): LogEntry {
    return {
      kind: 'offsets',
      group: groupId,
      offsets: entries.map((e) => ({
        t: e.topic,
        p: e.partition,
        o: e.committed.offset.toString(),
        e: e.committed.leaderEpoch,
        m: e.committed.metadata,
        ts: e.committed.commitTimestamp,
      })),
    };
  }

  return {
    load(): StoredGroup[] {
      return [...live].map(([groupId, group]) => ({
        groupId,
        generationId: group.generationId,
        protocolType: group.protocolType,
        offsets: [...group.offsets.values()],
      }));
    },
    commitOffsets(groupId, entries) {
      write(offsetsEntry(groupId, entries));
    },
    recordGeneration(groupId, generationId, protocolType) {
      write({ kind: 'generation', group: groupId, generation: generationId, protocolType });
    },
    deleteGroup(groupId) {
      write({ kind: 'delete', group: groupId });
    },
    close() {
      file.close();
    },
    sizeBytes: () => file.size(),
  };
}
