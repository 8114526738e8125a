import { ErrorCode } from '../protocol/error-codes.ts';
import { BatchAttributes, type BatchHeader, BatchLayout, readBatchHeader } from './batch-header.ts';
import { crc32c } from './crc32c.ts';

export type BatchCheck = { ok: true; header: BatchHeader } | { ok: false; code: number; message: string };

/**
 * Checks the one record batch a producer sent for a partition, looking only at its header and
 * checksum (the records stay opaque, possibly compressed): magic 2, a batchLength that matches
 * the bytes received, CRC-32C over bytes 21..end, recordCount − 1 = lastOffsetDelta, exactly
 * one batch, no transactional or control batch (this broker has no transactions).
 */
export function validateProducedBatch(records: Buffer): BatchCheck {
  if (records.length < BatchLayout.HEADER_SIZE) {
    return fail(
      ErrorCode.CORRUPT_MESSAGE,
      `record set of ${records.length} bytes is shorter than a batch header`,
    );
  }
  const magic = records.readInt8(BatchLayout.MAGIC);
  if (magic === 0 || magic === 1) {
    return fail(
      ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
      `message format v${magic} is not supported; use v2`,
    );
  }
  if (magic !== 2) return fail(ErrorCode.CORRUPT_MESSAGE, `unknown magic ${magic}`);
  const size = records.readInt32BE(BatchLayout.BATCH_LENGTH) + BatchLayout.LOG_OVERHEAD;
  if (size > records.length || size < BatchLayout.HEADER_SIZE) {
    return fail(
      ErrorCode.CORRUPT_MESSAGE,
      `batch length ${size} does not match the ${records.length} bytes sent`,
    );
  }
  if (size < records.length) {
    return fail(
      ErrorCode.INVALID_RECORD,
      'a produce request must carry exactly one record batch per partition',
    );
  }
  const header = readBatchHeader(records);
  if (crc32c(records, BatchLayout.ATTRIBUTES, size) !== header.crc) {
    return fail(ErrorCode.CORRUPT_MESSAGE, 'record batch CRC mismatch');
  }
  if (header.recordCount <= 0 || header.recordCount - 1 !== header.lastOffsetDelta) {
    return fail(
      ErrorCode.INVALID_RECORD,
      `record count ${header.recordCount} does not match last offset delta ${header.lastOffsetDelta}`,
    );
  }
  if (header.attributes & BatchAttributes.CONTROL) {
    return fail(ErrorCode.INVALID_RECORD, 'producers may not send control batches');
  }
  if (header.attributes & BatchAttributes.TRANSACTIONAL) {
    return fail(ErrorCode.INVALID_TXN_STATE, 'transactions are not supported by the embedded broker');
  }
  return { ok: true, header };
}

/**
 * Checks a batch read back from a segment file during recovery: complete, magic 2, sane
 * length, CRC intact. Returns its size in bytes, or 0 when the batch is torn or corrupt.
 */
export function storedBatchSize(buf: Buffer, at: number, end: number): number {
  if (end - at < BatchLayout.HEADER_SIZE) return 0;
  const size = buf.readInt32BE(at + BatchLayout.BATCH_LENGTH) + BatchLayout.LOG_OVERHEAD;
  if (size < BatchLayout.HEADER_SIZE || at + size > end) return 0;
  if (buf.readInt8(at + BatchLayout.MAGIC) !== 2) return 0;
  const crc = buf.readUInt32BE(at + BatchLayout.CRC);
  if (crc32c(buf, at + BatchLayout.ATTRIBUTES, at + size) !== crc) return 0;
  const count = buf.readInt32BE(at + BatchLayout.RECORD_COUNT);
  if (count <= 0 || count - 1 !== buf.readInt32BE(at + BatchLayout.LAST_OFFSET_DELTA)) return 0;
  return size;
}

function fail(code: number, message: string): BatchCheck {
  return { ok: false, code, message };
}
