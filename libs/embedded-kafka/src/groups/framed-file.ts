import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32c } from '../log/crc32c.ts';

// An append-only file of frames: [int32 length][uint32 crc32c of data][data]. A crash can
// leave at most one half-written frame at the end; replay stops at the first frame that is
// short or fails its checksum and cuts the file there, so the next append starts clean.

const FRAME_HEADER = 8;

export interface FramedFile {
  /** Appends one frame; the bytes are in the OS (survive a process kill) when it returns. */
  append(data: Uint8Array): void;
  /** Replaces the whole file with these frames, atomically (write aside, fsync, rename). */
  rewrite(frames: Uint8Array[]): void;
  /** Current size in bytes. */
  size(): number;
  close(): void;
}

export interface OpenedFramedFile {
  file: FramedFile;
  /** The intact frames found, in order. */
  frames: Buffer[];
  /** Bytes cut from the end because the last frame was torn or corrupt. */
  discardedBytes: number;
}

export function encodeFrame(data: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER + data.length);
  frame.writeInt32BE(data.length, 0);
  frame.writeUInt32BE(crc32c(data), 4);
  frame.set(data, FRAME_HEADER);
  return frame;
}

/** Splits a buffer into intact frames; `validBytes` is where the first bad frame starts. */
export function decodeFrames(buf: Buffer): { frames: Buffer[]; validBytes: number } {
  const frames: Buffer[] = [];
  let at = 0;
  while (at + FRAME_HEADER <= buf.length) {
    const length = buf.readInt32BE(at);
    if (length < 0 || at + FRAME_HEADER + length > buf.length) break;
    const data = buf.subarray(at + FRAME_HEADER, at + FRAME_HEADER + length);
    if (crc32c(data) !== buf.readUInt32BE(at + 4)) break;
    frames.push(data);
    at += FRAME_HEADER + length;
  }
  return { frames, validBytes: at };
}

function readIfExists(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err: unknown) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw err;
  }
}

function fsyncDir(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function openFramedFile(path: string): OpenedFramedFile {
  const content = readIfExists(path);
  const { frames, validBytes } = decodeFrames(content);
  let fd = openSync(path, 'a');
  if (validBytes < content.length) ftruncateSync(fd, validBytes);
  let bytes = validBytes;

  const file: FramedFile = {
    append(data) {
      const frame = encodeFrame(data);
      writeSync(fd, frame);
      bytes += frame.length;
    },
    rewrite(newFrames) {
      const aside = `${path}.compacting`;
      const encoded = Buffer.concat(newFrames.map(encodeFrame));
      const tmp = openSync(aside, 'w');
      try {
        writeSync(tmp, encoded);
        fsyncSync(tmp);
      } finally {
        closeSync(tmp);
      }
      closeSync(fd);
      renameSync(aside, path);
      fsyncDir(dirname(path));
      fd = openSync(path, 'a');
      bytes = encoded.length;
    },
    size: () => bytes,
    close() {
      closeSync(fd);
    },
  };
  return { file, frames, discardedBytes: content.length - validBytes };
}
