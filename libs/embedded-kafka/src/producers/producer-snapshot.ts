import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openFramedFile } from '../groups/framed-file.ts';
import type { ProducerEntry } from './sequence-state.ts';

// The sequence state as of some moment, so producers whose last batches are no longer in a
// partition's active segment keep their state across a restart. Batches replayed from the
// log on top of it are merged by offset (see SequenceState.restore).

const FORMAT_VERSION = 1;

export interface ProducerSnapshotFile {
  read(): ProducerEntry[];
  write(entries: ProducerEntry[]): void;
  close(): void;
}

export function openProducerSnapshot(dir: string): ProducerSnapshotFile {
  mkdirSync(dir, { recursive: true });
  const { file, frames } = openFramedFile(join(dir, 'producer-state.snapshot'));
  return {
    read() {
      const last = frames[frames.length - 1];
      if (!last || last[0] !== FORMAT_VERSION) return [];
      return JSON.parse(last.toString('utf8', 1)) as ProducerEntry[];
    },
    write(entries) {
      const json = Buffer.from(JSON.stringify(entries), 'utf8');
      const data = Buffer.allocUnsafe(1 + json.length);
      data[0] = FORMAT_VERSION;
      json.copy(data, 1);
      file.rewrite([data]);
    },
    close() {
      file.close();
    },
  };
}
