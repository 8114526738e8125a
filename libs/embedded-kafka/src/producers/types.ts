import type { BatchHeader } from '../log/batch-header.ts';

/**
 * What the idempotence check decides for one incoming batch of an idempotent producer
 * (producerId >= 0):
 * - `append`: new batch in sequence, store it;
 * - `duplicate`: a retry of a batch already stored: answer success with its original offset
 *   and store nothing;
 * - `error`: refuse the batch with this Kafka error code (e.g. 45 OUT_OF_ORDER_SEQUENCE_NUMBER,
 *   47 INVALID_PRODUCER_EPOCH, 59 UNKNOWN_PRODUCER_ID).
 */
export type ProducerCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'error'; code: number };

/**
 * Per-partition producer sequence state, owned by the producers module.
 *
 * Contract with the Produce handler (the integration point for idempotence):
 * for each batch with producerId >= 0, the handler calls `check` first; on `append` it appends
 * the batch and then calls `record` with the offset the log assigned. `check` and `record` for
 * one partition are never interleaved with another append to that partition: the handler calls
 * them synchronously around a synchronous log append.
 */
export interface ProducerStateStore {
  check(topic: string, partition: number, batch: BatchHeader): ProducerCheck;
  record(topic: string, partition: number, batch: BatchHeader, baseOffset: number): void;
  /**
   * Optional: called at broker start, before any connection is accepted, for every batch with
   * producerId >= 0 found while recovering each partition's active (last) segment, in log
   * order, so recent sequence numbers survive a restart.
   */
  restore?(topic: string, partition: number, batch: BatchHeader, baseOffset: number): void;
  /** Optional: the topic was deleted; drop its state. */
  forgetTopic?(topic: string): void;
}
