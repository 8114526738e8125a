import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { Reader } from '../protocol/reader.ts';
import { BatchAttributes, BatchLayout, readBatchHeader } from './batch-header.ts';

const gunzip = promisify(zlib.gunzip);
const zstdDecompress = promisify(zlib.zstdDecompress);

const Codec = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4 } as const;

/**
 * Within one stored batch, the first record whose timestamp is >= `target`: its offset and
 * timestamp. Only ListOffsets-by-time looks inside a batch; the append and fetch paths never do.
 * Uncompressed, gzip and zstd batches are searched record by record. Snappy and lz4 batches
 * (no decoder in Node) answer with the batch's first offset and max timestamp — a batch-level
 * answer that may return a few records older than `target`, never skip a newer one.
 */
export async function findRecordAtOrAfter(
  batch: Buffer,
  target: number,
): Promise<{ offset: number; timestamp: number } | null> {
  const header = readBatchHeader(batch);
  if (header.maxTimestamp < target) return null;
  if (header.attributes & BatchAttributes.LOG_APPEND_TIME) {
    return { offset: header.baseOffset, timestamp: header.maxTimestamp };
  }
  const codec = header.attributes & BatchAttributes.COMPRESSION_MASK;
  const body = batch.subarray(BatchLayout.HEADER_SIZE);
  let records: Buffer;
  if (codec === Codec.NONE) records = body;
  else if (codec === Codec.GZIP) records = await gunzip(body);
  else if (codec === Codec.ZSTD) records = await zstdDecompress(body);
  else return { offset: header.baseOffset, timestamp: header.maxTimestamp };

  const r = new Reader(records);
  for (let n = 0; n < header.recordCount && r.remaining > 0; n++) {
    const length = r.varint();
    const end = r.offset + length;
    r.int8(); // record attributes, unused
    const timestamp = header.baseTimestamp + r.varlong();
    const offsetDelta = r.varint();
    if (timestamp >= target) return { offset: header.baseOffset + offsetDelta, timestamp };
    r.offset = end;
  }
  return null;
}
