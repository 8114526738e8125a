// What the coordinator keeps across restarts: committed offsets and each group's last
// generation (so generation ids keep growing after a restart, as clients expect).
export interface CommittedOffset {
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
  commitTimestamp: number;
}

export interface OffsetCommitEntry {
  topic: string;
  partition: number;
  committed: CommittedOffset;
}

export interface StoredGroup {
  groupId: string;
  generationId: number;
  protocolType: string | null;
  offsets: OffsetCommitEntry[];
}

export interface GroupStore {
  /** Everything recovered at start, one entry per group still alive. */
  load(): StoredGroup[];
  /** Durable (against a process crash) before it returns. */
  commitOffsets(groupId: string, entries: OffsetCommitEntry[]): void;
  recordGeneration(groupId: string, generationId: number, protocolType: string | null): void;
  deleteGroup(groupId: string): void;
  close(): void;
}

/** A store that forgets everything on restart: for in-process brokers without a data dir. */
export function memoryGroupStore(): GroupStore {
  return {
    load: () => [],
    commitOffsets() {},
    recordGeneration() {},
    deleteGroup() {},
    close() {},
  };
}
