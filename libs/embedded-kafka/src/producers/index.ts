// Owned by the idempotent-producers work: fill in the handlers (InitProducerId) and the store.
import type { ApiHandler, BrokerServices } from '../protocol/api.ts';
import type { ProducerStateStore } from './types.ts';

export type { ProducerCheck, ProducerStateStore } from './types.ts';

/** Handlers for the producer APIs (InitProducerId); registered in ../protocol/registry.ts. */
export const producerHandlers: ApiHandler[] = [];

/**
 * Creates the per-broker producer state, once per started broker, after the topics are loaded
 * and before recovery calls `restore`; may be async (e.g. to load a snapshot). Until idempotence is implemented: a pass-through that
 * appends every batch.
 */
export function createProducerStateStore(
  _broker: Omit<BrokerServices, 'producers'>,
): ProducerStateStore | Promise<ProducerStateStore> {
  return {
    check: () => ({ kind: 'append' }),
    record: () => {},
  };
}
