import type { BatchHeader } from '../log/batch-header.ts';
import { BatchAttributes } from '../log/batch-header.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { ProducerCheck } from './types.ts';

// Sequence bookkeeping for idempotent producers, per (producerId, topic, partition), following
// Kafka's ProducerStateManager: the last five batches are remembered so a retry of any of them
// is answered with its original offset; anything else must continue the sequence exactly.

/** Kafka keeps this many batches per producer and partition for duplicate detection. */
export const BATCHES_TO_RETAIN = 5;
const MAX_SEQUENCE = 0x7fffffff;

export interface RememberedBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
  lastOffsetDelta: number;
}

export interface ProducerEntry {
  producerId: number;
  topic: string;
  partition: number;
  epoch: number;
  /** Oldest first, at most BATCHES_TO_RETAIN. */
  batches: RememberedBatch[];
}

/** Last sequence of a batch; sequences wrap to 0 after 2^31 − 1, as in Kafka. */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  return baseSequence > MAX_SEQUENCE - lastOffsetDelta
    ? lastOffsetDelta - (MAX_SEQUENCE - baseSequence) - 1
    : baseSequence + lastOffsetDelta;
}

function follows(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === MAX_SEQUENCE);
}

export interface SequenceState {
  check(topic: string, partition: number, batch: BatchHeader): ProducerCheck;
  record(topic: string, partition: number, batch: BatchHeader, baseOffset: number): void;
  /** Like record, but skips batches already known (replaying the log over a snapshot). */
  restore(topic: string, partition: number, batch: BatchHeader, baseOffset: number): void;
  forgetTopic(topic: string): void;
  entries(): ProducerEntry[];
  load(entries: ProducerEntry[]): void;
  /** Bumped on every change: lets the snapshot writer skip idle periods. */
  version(): number;
}

export function createSequenceState(): SequenceState {
  const byKey = new Map<string, ProducerEntry>();
  let changes = 0;
  const keyOf = (producerId: number, topic: string, partition: number) =>
    `${producerId}\u0000${partition}\u0000${topic}`;

  function check(topic: string, partition: number, batch: BatchHeader): ProducerCheck {
    if (batch.producerId < 0) return { kind: 'append' };
    // Transactions are not offered (no AddPartitionsToTxn), so a transactional batch cannot be in a transaction.
    if ((batch.attributes & BatchAttributes.TRANSACTIONAL) !== 0) {
      return { kind: 'error', code: ErrorCode.INVALID_TXN_STATE };
    }
    const entry = byKey.get(keyOf(batch.producerId, topic, partition));
    // No state (new producer, or its batches left the log): Kafka accepts any sequence.
    if (!entry) return { kind: 'append' };
    if (batch.producerEpoch < entry.epoch) return { kind: 'error', code: ErrorCode.INVALID_PRODUCER_EPOCH };
    const lastSeq = lastSequenceOf(batch.baseSequence, batch.lastOffsetDelta);
    if (batch.producerEpoch === entry.epoch) {
      const original = entry.batches.find((b) => b.firstSeq === batch.baseSequence && b.lastSeq === lastSeq);
      if (original) return { kind: 'duplicate', baseOffset: original.baseOffset };
      const last = entry.batches[entry.batches.length - 1];
      if (last && !follows(last.lastSeq, batch.baseSequence)) {
        return { kind: 'error', code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
      }
      return { kind: 'append' };
    }
    // A bumped epoch starts its sequence again at 0.
    return batch.baseSequence === 0
      ? { kind: 'append' }
      : { kind: 'error', code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
  }

  function record(topic: string, partition: number, batch: BatchHeader, baseOffset: number): void {
    if (batch.producerId < 0) return;
    const key = keyOf(batch.producerId, topic, partition);
    let entry = byKey.get(key);
    if (!entry || entry.epoch !== batch.producerEpoch) {
      entry = { producerId: batch.producerId, topic, partition, epoch: batch.producerEpoch, batches: [] };
      byKey.set(key, entry);
    }
    entry.batches.push({
      firstSeq: batch.baseSequence,
      lastSeq: lastSequenceOf(batch.baseSequence, batch.lastOffsetDelta),
      baseOffset,
      lastOffsetDelta: batch.lastOffsetDelta,
    });
    if (entry.batches.length > BATCHES_TO_RETAIN) entry.batches.shift();
    changes++;
  }

  function restore(topic: string, partition: number, batch: BatchHeader, baseOffset: number): void {
    if (batch.producerId < 0) return;
    const entry = byKey.get(keyOf(batch.producerId, topic, partition));
    const last = entry?.batches[entry.batches.length - 1];
    if (entry && batch.producerEpoch < entry.epoch) return;
    if (entry && batch.producerEpoch === entry.epoch && last && baseOffset <= last.baseOffset) return;
    record(topic, partition, batch, baseOffset);
  }

  return {
    check,
    record,
    restore,
    forgetTopic(topic) {
      for (const [key, entry] of byKey) if (entry.topic === topic) byKey.delete(key);
      changes++;
    },
    entries: () => [...byKey.values()],
    load(entries) {
      for (const entry of entries) byKey.set(keyOf(entry.producerId, entry.topic, entry.partition), entry);
      changes++;
    },
    version: () => changes,
  };
}
