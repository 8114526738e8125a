import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openFramedFile } from '../groups/framed-file.ts';

// Producer ids must never be handed out twice, even across a crash: a reused id would let a
// new producer's batches be taken for retries of an old one. Ids are reserved in blocks;
// the end of the reserved block is written (one small frame) before any id in it is used,
// so after a restart allocation resumes past everything that may have been handed out.

const DEFAULT_BLOCK = 1000;
const COMPACT_BYTES = 64 * 1024;

export interface ProducerIdAllocator {
  next(): number;
  close(): void;
}

export function openProducerIdAllocator(dir: string, blockSize = DEFAULT_BLOCK): ProducerIdAllocator {
  mkdirSync(dir, { recursive: true });
  const { file, frames } = openFramedFile(join(dir, 'producer-ids.log'));
  const lastFrame = frames[frames.length - 1];
  let reservedUpTo = lastFrame ? Number(lastFrame.readBigInt64BE(0)) : 0;
  let nextId = reservedUpTo;

  const encode = (value: number): Buffer => {
    const data = Buffer.allocUnsafe(8);
    data.writeBigInt64BE(BigInt(value));
    return data;
  };

  return {
    next() {
      if (nextId >= reservedUpTo) {
        reservedUpTo = nextId + blockSize;
        if (file.size() > COMPACT_BYTES) file.rewrite([encode(reservedUpTo)]);
        else file.append(encode(reservedUpTo));
      }
      return nextId++;
    },
    close() {
      file.close();
    },
  };
}
