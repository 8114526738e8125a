import type { ApiHandler } from '../protocol/api.ts';
import { deleteGroupsHandler } from './apis/delete-groups.ts';
import { describeGroupsHandler } from './apis/describe-groups.ts';
import { findCoordinatorHandler } from './apis/find-coordinator.ts';
import { heartbeatHandler } from './apis/heartbeat.ts';
import { joinGroupHandler } from './apis/join-group.ts';
import { leaveGroupHandler } from './apis/leave-group.ts';
import { listGroupsHandler } from './apis/list-groups.ts';
import { offsetCommitHandler } from './apis/offset-commit.ts';
import { offsetFetchHandler } from './apis/offset-fetch.ts';
import { syncGroupHandler } from './apis/sync-group.ts';

export type { GroupCoordinator, GroupStateName } from './group-coordinator.ts';
export { createGroupCoordinator } from './group-coordinator.ts';
export type { GroupCoordinatorSettings } from './groups-service.ts';
export { configureGroupCoordinator, groupCoordinatorOf } from './groups-service.ts';

/**
 * Handlers for FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit,
 * OffsetFetch, DescribeGroups, ListGroups, DeleteGroups; registered in ../protocol/registry.ts.
 * Per-broker state lives in `ctx.broker.slot('groups')`, timers run on `ctx.broker.clock`.
 */
export const groupHandlers: ApiHandler[] = [
  findCoordinatorHandler,
  joinGroupHandler,
  syncGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  offsetCommitHandler,
  offsetFetchHandler,
  describeGroupsHandler,
  listGroupsHandler,
  deleteGroupsHandler,
];
