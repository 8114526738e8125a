import { join } from 'node:path';
import type { BrokerServices } from '../protocol/api.ts';
import type { GroupCoordinator } from './group-coordinator.ts';
import { createGroupCoordinator } from './group-coordinator.ts';
import { openOffsetLog } from './offset-log.ts';

export interface GroupCoordinatorSettings {
  /** Kafka's group.initial.rebalance.delay.ms. Default 0: the first member of a group starts at once. */
  initialRebalanceDelayMs?: number;
  /** Kafka's group.min.session.timeout.ms / group.max.session.timeout.ms (6000 / 1800000). */
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
}

interface GroupsSlot {
  settings: GroupCoordinatorSettings;
  coordinator: GroupCoordinator | null;
}

/** Where committed offsets live, below the broker's data dir. */
export const GROUPS_DIR = 'groups';

const slotOf = (broker: BrokerServices): GroupsSlot =>
  broker.slot<GroupsSlot>('groups', () => ({ settings: {}, coordinator: null }));

/**
 * Sets the group coordinator's tunables for one broker. Call it after the broker is created
 * and before clients connect: the coordinator is built on the first group request.
 */
export function configureGroupCoordinator(broker: BrokerServices, settings: GroupCoordinatorSettings): void {
  const slot = slotOf(broker);
  if (slot.coordinator)
    throw new Error('configureGroupCoordinator must be called before the first group request');
  Object.assign(slot.settings, settings);
}

/** The broker's one coordinator, built on first use from its data dir, clock and topics. */
export function groupCoordinatorOf(broker: BrokerServices): GroupCoordinator {
  const slot = slotOf(broker);
  if (slot.coordinator) return slot.coordinator;
  const store = openOffsetLog({
    dir: join(broker.dataDir, GROUPS_DIR),
    onDiscardedTail: (bytes) => broker.logger.warn({ bytes }, 'offset log: cut a torn tail left by a crash'),
  });
  const coordinator = createGroupCoordinator({
    clock: broker.clock,
    store,
    partitionExists: (topic, partition) => broker.topics.offsets(topic, partition) !== undefined,
    initialRebalanceDelayMs: broker.settings.groupInitialRebalanceDelayMs ?? 0,
    ...slot.settings,
  });
  slot.coordinator = coordinator;
  broker.onClose(() => coordinator.close());
  return coordinator;
}
