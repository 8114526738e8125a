/**
 * The fixed 61-byte header of a v2 record batch, decoded. The batch body (records,
 * possibly compressed) stays opaque: the broker never looks inside on the append path.
 */
export interface BatchHeader {
  baseOffset: number;
  /** Bytes after this field: total size − 12. */
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  /** -1 when the producer is not idempotent. */
  producerId: number;
  producerEpoch: number;
  /** -1 when the producer is not idempotent. */
  baseSequence: number;
  recordCount: number;
}

/** Byte positions inside a v2 record batch (see the Kafka record-batch format). */
export const BatchLayout = {
  BASE_OFFSET: 0,
  BATCH_LENGTH: 8,
  PARTITION_LEADER_EPOCH: 12,
  MAGIC: 16,
  CRC: 17,
  ATTRIBUTES: 21,
  LAST_OFFSET_DELTA: 23,
  BASE_TIMESTAMP: 27,
  MAX_TIMESTAMP: 35,
  PRODUCER_ID: 43,
  PRODUCER_EPOCH: 51,
  BASE_SEQUENCE: 53,
  RECORD_COUNT: 57,
  /** Size of the header; records start here. */
  HEADER_SIZE: 61,
  /** baseOffset + batchLength: the part not counted by batchLength. */
  LOG_OVERHEAD: 12,
} as const;

export const BatchAttributes = {
  COMPRESSION_MASK: 0x07,
  LOG_APPEND_TIME: 0x08,
  TRANSACTIONAL: 0x10,
  CONTROL: 0x20,
} as const;

/** Decodes the header of the batch starting at `at`; the caller has checked 61 bytes exist. */
export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  return {
    baseOffset: Number(buf.readBigInt64BE(at + BatchLayout.BASE_OFFSET)),
    batchLength: buf.readInt32BE(at + BatchLayout.BATCH_LENGTH),
    partitionLeaderEpoch: buf.readInt32BE(at + BatchLayout.PARTITION_LEADER_EPOCH),
    magic: buf.readInt8(at + BatchLayout.MAGIC),
    crc: buf.readUInt32BE(at + BatchLayout.CRC),
    attributes: buf.readInt16BE(at + BatchLayout.ATTRIBUTES),
    lastOffsetDelta: buf.readInt32BE(at + BatchLayout.LAST_OFFSET_DELTA),
    baseTimestamp: Number(buf.readBigInt64BE(at + BatchLayout.BASE_TIMESTAMP)),
    maxTimestamp: Number(buf.readBigInt64BE(at + BatchLayout.MAX_TIMESTAMP)),
    producerId: Number(buf.readBigInt64BE(at + BatchLayout.PRODUCER_ID)),
    producerEpoch: buf.readInt16BE(at + BatchLayout.PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(at + BatchLayout.BASE_SEQUENCE),
    recordCount: buf.readInt32BE(at + BatchLayout.RECORD_COUNT),
  };
}
