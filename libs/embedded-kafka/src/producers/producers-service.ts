import { join } from 'node:path';
import type { BrokerServices } from '../protocol/api.ts';
import type { ProducerIdAllocator } from './producer-ids.ts';
import { openProducerIdAllocator } from './producer-ids.ts';
import { openProducerSnapshot } from './producer-snapshot.ts';
import { createSequenceState } from './sequence-state.ts';
import type { ProducerStateStore } from './types.ts';

/** Where producer ids and sequence snapshots live, below the broker's data dir. */
export const PRODUCERS_DIR = 'producers';

/** How often a changed sequence state is written aside (it is also written at close). */
const SNAPSHOT_EVERY_MS = 30_000;

type BrokerBase = Omit<BrokerServices, 'producers'>;

/**
 * The broker's sequence state: loaded from the last snapshot, then brought up to date by the
 * log recovery calling `restore` for the batches of each partition's active segment.
 */
export function createProducerStateStore(broker: BrokerBase): ProducerStateStore {
  const snapshot = openProducerSnapshot(join(broker.dataDir, PRODUCERS_DIR));
  const state = createSequenceState();
  state.load(snapshot.read());
  let written = state.version();
  let closed = false;

  const writeSnapshot = (): void => {
    if (state.version() === written) return;
    snapshot.write(state.entries());
    written = state.version();
  };
  const schedule = (): void => {
    broker.clock.setTimer(SNAPSHOT_EVERY_MS, () => {
      if (closed) return;
      try {
        writeSnapshot();
      } catch (err: unknown) {
        broker.logger.error(
          { err },
          'producer state snapshot failed; the log replay still covers recent batches',
        );
      }
      schedule();
    });
  };
  schedule();
  broker.onClose(() => {
    closed = true;
    writeSnapshot();
    snapshot.close();
  });

  return {
    check: state.check,
    record: state.record,
    restore: state.restore,
    forgetTopic: state.forgetTopic,
  };
}

/** The broker's producer-id allocator, opened on the first InitProducerId. */
export function producerIdsOf(broker: BrokerServices): ProducerIdAllocator {
  return broker.slot('producers.ids', () => {
    const allocator = openProducerIdAllocator(join(broker.dataDir, PRODUCERS_DIR));
    broker.onClose(() => allocator.close());
    return allocator;
  });
}
