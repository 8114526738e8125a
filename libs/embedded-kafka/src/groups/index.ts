// Owned by the consumer-groups work: fill in the handlers. Per-broker group state goes in
// `ctx.broker.slot(...)`, timers through `ctx.broker.clock`, cleanup through `ctx.broker.onClose`.
import type { ApiHandler } from '../protocol/api.ts';

/**
 * Handlers for FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit,
 * OffsetFetch, DescribeGroups, ListGroups, DeleteGroups; registered in ../protocol/registry.ts.
 */
export const groupHandlers: ApiHandler[] = [];
