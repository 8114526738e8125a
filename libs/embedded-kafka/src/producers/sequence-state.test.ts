import { describe, expect, it } from 'vitest';
import type { BatchHeader } from '../log/batch-header.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { createSequenceState, lastSequenceOf } from './sequence-state.ts';

function batch(
  producerId: number,
  producerEpoch: number,
  baseSequence: number,
  recordCount: number,
  attributes = 0,
): BatchHeader {
  return {
    baseOffset: 0,
    batchLength: 0,
    partitionLeaderEpoch: 0,
    magic: 2,
    crc: 0,
    attributes,
    lastOffsetDelta: recordCount - 1,
    baseTimestamp: 0,
    maxTimestamp: 0,
    producerId,
    producerEpoch,
    baseSequence,
    recordCount,
  };
}

describe('idempotent producer sequence state', () => {
  it('appends batches that continue the sequence and answers retries with their original offset', () => {
    const s = createSequenceState();
    let offset = 0;
    const send = (b: BatchHeader) => {
      const verdict = s.check('t', 0, b);
      if (verdict.kind === 'append') {
        s.record('t', 0, b, offset);
        offset += b.recordCount;
      }
      return verdict;
    };
    expect(send(batch(7, 0, 0, 3))).toEqual({ kind: 'append' });
    expect(send(batch(7, 0, 3, 2))).toEqual({ kind: 'append' });
    expect(send(batch(7, 0, 0, 3))).toEqual({ kind: 'duplicate', baseOffset: 0 });
    expect(send(batch(7, 0, 3, 2))).toEqual({ kind: 'duplicate', baseOffset: 3 });
    expect(offset).toBe(5);
  });

  it('remembers only the last five batches', () => {
    const s = createSequenceState();
    for (let i = 0; i < 6; i++) s.record('t', 0, batch(1, 0, i * 10, 10), i * 10);
    expect(s.check('t', 0, batch(1, 0, 10, 10))).toEqual({ kind: 'duplicate', baseOffset: 10 });
    expect(s.check('t', 0, batch(1, 0, 0, 10))).toEqual({
      kind: 'error',
      code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
  });

  it('refuses a gap or a reordering with 45', () => {
    const s = createSequenceState();
    s.record('t', 0, batch(1, 0, 0, 5), 0);
    expect(s.check('t', 0, batch(1, 0, 6, 1))).toEqual({
      kind: 'error',
      code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect(s.check('t', 0, batch(1, 0, 2, 3))).toEqual({
      kind: 'error',
      code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect(s.check('t', 0, batch(1, 0, 5, 1))).toEqual({ kind: 'append' });
  });

  it('fences an older epoch with 47 and makes a newer epoch start at sequence 0', () => {
    const s = createSequenceState();
    s.record('t', 0, batch(1, 2, 0, 5), 0);
    expect(s.check('t', 0, batch(1, 1, 5, 1))).toEqual({
      kind: 'error',
      code: ErrorCode.INVALID_PRODUCER_EPOCH,
    });
    expect(s.check('t', 0, batch(1, 3, 5, 1))).toEqual({
      kind: 'error',
      code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect(s.check('t', 0, batch(1, 3, 0, 1))).toEqual({ kind: 'append' });
  });

  it('keeps producers and partitions apart, and ignores non-idempotent batches', () => {
    const s = createSequenceState();
    s.record('t', 0, batch(1, 0, 0, 5), 0);
    expect(s.check('t', 1, batch(1, 0, 0, 5))).toEqual({ kind: 'append' });
    expect(s.check('u', 0, batch(1, 0, 0, 5))).toEqual({ kind: 'append' });
    expect(s.check('t', 0, batch(2, 0, 0, 5))).toEqual({ kind: 'append' });
    expect(s.check('t', 0, batch(-1, -1, -1, 5))).toEqual({ kind: 'append' });
  });

  it('refuses transactional batches: transactions are not offered', () => {
    const s = createSequenceState();
    expect(s.check('t', 0, batch(1, 0, 0, 1, 0x10))).toEqual({
      kind: 'error',
      code: ErrorCode.INVALID_TXN_STATE,
    });
  });

  it('wraps sequences after 2^31 − 1', () => {
    expect(lastSequenceOf(0x7ffffffe, 2)).toBe(0);
    const s = createSequenceState();
    s.record('t', 0, batch(1, 0, 0x7ffffffd, 3), 0);
    expect(s.check('t', 0, batch(1, 0, 0, 1))).toEqual({ kind: 'append' });
  });

  it('restores from a snapshot plus replayed batches without counting a batch twice', () => {
    const before = createSequenceState();
    before.record('t', 0, batch(1, 0, 0, 5), 100);
    const after = createSequenceState();
    after.load(structuredClone(before.entries()));
    // Log replay covers the snapshotted batch again and one newer batch.
    after.restore('t', 0, batch(1, 0, 0, 5), 100);
    after.restore('t', 0, batch(1, 0, 5, 5), 105);
    expect(after.entries()[0]?.batches.map((b) => b.baseOffset)).toEqual([100, 105]);
    expect(after.check('t', 0, batch(1, 0, 5, 5))).toEqual({ kind: 'duplicate', baseOffset: 105 });
    expect(after.check('t', 0, batch(1, 0, 10, 1))).toEqual({ kind: 'append' });
    after.forgetTopic('t');
    expect(after.entries()).toEqual([]);
  });
});
