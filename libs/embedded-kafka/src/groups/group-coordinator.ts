import { randomUUID } from 'node:crypto';
import type { Clock } from '../protocol/api.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { CommittedOffset, GroupStore, OffsetCommitEntry } from './group-store.ts';
import { memoryGroupStore } from './group-store.ts';

// The classic (pre-KIP-848) Kafka group protocol, one broker, all state in memory and
// driven from one thread: JoinGroup/SyncGroup waiters are callbacks completed when the
// rebalance moves on, timers are injected. The rules follow Apache Kafka's classic
// GroupCoordinator so that kafkajs and librdkafka cannot tell the difference.

export type GroupStateName = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupProtocol {
  name: string;
  metadata: Uint8Array;
}

export interface JoinGroupInput {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  /** JoinGroup v4+: a member without an id is parked and told to come back with one. */
  requireKnownMemberId: boolean;
}

export interface JoinedMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Uint8Array;
}

export interface JoinGroupResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string;
  memberId: string;
  /** Filled for the leader only: every member with its metadata for the chosen protocol. */
  members: JoinedMember[];
}

export interface SyncGroupInput {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  assignments: Array<{ memberId: string; assignment: Uint8Array }>;
}

export interface SyncGroupResult {
  errorCode: number;
  assignment: Uint8Array;
}

export interface HeartbeatInput {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveGroupResult {
  errorCode: number;
  members: Array<LeavingMember & { errorCode: number }>;
}

export interface OffsetCommitInput {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: Array<{
    name: string;
    partitions: Array<{ partition: number; offset: bigint; leaderEpoch: number; metadata: string | null }>;
  }>;
}

export interface OffsetCommitResult {
  topics: Array<{ name: string; partitions: Array<{ partition: number; errorCode: number }> }>;
}

export interface FetchedOffset {
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResult {
  errorCode: number;
  topics: Array<{ name: string; partitions: FetchedOffset[] }>;
}

export interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  metadata: Uint8Array;
  assignment: Uint8Array;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  state: GroupStateName;
  protocolType: string;
  protocolData: string;
  members: DescribedMember[];
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  state: GroupStateName;
}

export interface GroupCoordinatorOptions {
  /** The broker's clock: session, rebalance and sync timers all run on it. */
  clock: Clock;
  store?: GroupStore;
  newMemberId?: (clientId: string) => string;
  /** Kafka's group.initial.rebalance.delay.ms; 0 (no delay) unless asked for. */
  initialRebalanceDelayMs?: number;
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  /** Lets OffsetCommit refuse partitions the broker does not have; everything is accepted if absent. */
  partitionExists?: (topic: string, partition: number) => boolean;
}

export interface GroupCoordinator {
  joinGroup(input: JoinGroupInput, respond: (result: JoinGroupResult) => void): void;
  syncGroup(input: SyncGroupInput, respond: (result: SyncGroupResult) => void): void;
  heartbeat(input: HeartbeatInput): number;
  leaveGroup(groupId: string, members: LeavingMember[]): LeaveGroupResult;
  commitOffsets(input: OffsetCommitInput): OffsetCommitResult;
  /** topics null means every partition the group has a committed offset for. */
  fetchOffsets(
    groupId: string,
    topics: Array<{ name: string; partitions: number[] }> | null,
  ): OffsetFetchResult;
  describeGroup(groupId: string): DescribedGroup;
  listGroups(): ListedGroup[];
  deleteGroups(groupIds: string[]): Array<{ groupId: string; errorCode: number }>;
  /** Cancels every timer; waiting JoinGroup/SyncGroup calls are answered COORDINATOR_NOT_AVAILABLE. */
  close(): void;
}

type Respond<T> = (result: T) => void;

interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  assignment: Uint8Array;
  joinWaiter: Respond<JoinGroupResult> | null;
  syncWaiter: Respond<SyncGroupResult> | null;
  /** Joined but never completed a join yet: may expire even while waiting (Kafka's isNew). */
  isNew: boolean;
  cancelExpiry: (() => void) | null;
}

interface Group {
  groupId: string;
  state: GroupStateName;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string | null;
  members: Map<string, Member>;
  /** Members told MEMBER_ID_REQUIRED that have not come back yet, with their expiry. */
  pendingMembers: Map<string, () => void>;
  /** Members of this generation that have not sent SyncGroup yet. */
  pendingSync: Set<string>;
  cancelJoinTimer: (() => void) | null;
  /** True while the first rebalance of an empty group is held by the initial delay. */
  initialDelayActive: boolean;
  initialDelayRemainingMs: number;
  newMemberAdded: boolean;
  cancelSyncTimer: (() => void) | null;
  offsets: Map<string, Map<number, CommittedOffset>>;
}

// A member that joined but never got a JoinGroup answer cannot heartbeat; Kafka gives it five minutes.
const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;
const EMPTY = new Uint8Array(0);

export function createGroupCoordinator(options: GroupCoordinatorOptions): GroupCoordinator {
  const clock = options.clock;
  const store = options.store ?? memoryGroupStore();
  const newMemberId = options.newMemberId ?? ((clientId: string) => `${clientId}-${randomUUID()}`);
  const initialRebalanceDelayMs = options.initialRebalanceDelayMs ?? 0;
  const minSessionTimeoutMs = options.minSessionTimeoutMs ?? 6000;
  const maxSessionTimeoutMs = options.maxSessionTimeoutMs ?? 1_800_000;
  const partitionExists = options.partitionExists ?? (() => true);

  const groups = new Map<string, Group>();

  function newGroup(groupId: string): Group {
    return {
      groupId,
      state: 'Empty',
      generationId: 0,
      protocolType: null,
      protocolName: null,
      leaderId: null,
      members: new Map(),
      pendingMembers: new Map(),
      pendingSync: new Set(),
      cancelJoinTimer: null,
      initialDelayActive: false,
      initialDelayRemainingMs: 0,
      newMemberAdded: false,
      cancelSyncTimer: null,
      offsets: new Map(),
    };
  }

  for (const stored of store.load()) {
    const group = newGroup(stored.groupId);
    group.generationId = stored.generationId;
    group.protocolType = stored.protocolType;
    for (const entry of stored.offsets) setOffset(group, entry);
    groups.set(group.groupId, group);
  }

  function setOffset(group: Group, entry: OffsetCommitEntry): void {
    let partitions = group.offsets.get(entry.topic);
    if (!partitions) {
      partitions = new Map();
      group.offsets.set(entry.topic, partitions);
    }
    partitions.set(entry.partition, entry.committed);
  }

  function joinError(memberId: string, errorCode: number): JoinGroupResult {
    return {
      errorCode,
      generationId: -1,
      protocolType: null,
      protocolName: null,
      leaderId: '',
      memberId,
      members: [],
    };
  }

  function protocolMetadata(member: Member, protocolName: string | null): Uint8Array {
    return member.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY;
  }

  function joinSuccess(group: Group, member: Member): JoinGroupResult {
    const isLeader = group.leaderId === member.memberId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId: group.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: protocolMetadata(m, group.protocolName),
          }))
        : [],
    };
  }

  /** Kafka: an empty group takes any protocol; otherwise the type must match and one protocol must be shared by all. */
  function supportsProtocols(
    group: Group,
    protocolType: string,
    names: string[],
    self: string | null,
  ): boolean {
    const others = [...group.members.values()].filter((m) => m.memberId !== self);
    if (others.length === 0) return protocolType !== '' && names.length > 0;
    if (group.protocolType !== protocolType) return false;
    return names.some((name) => others.every((m) => m.protocols.some((p) => p.name === name)));
  }

  /** Each member votes for its most preferred protocol that every member supports; most votes wins. */
  function selectProtocol(group: Group): string {
    const members = [...group.members.values()];
    const candidates = new Set(
      (members[0]?.protocols ?? [])
        .map((p) => p.name)
        .filter((name) => members.every((m) => m.protocols.some((p) => p.name === name))),
    );
    const votes = new Map<string, number>();
    for (const member of members) {
      const choice = member.protocols.find((p) => candidates.has(p.name));
      if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    // Ties go to the leader's order of preference, so the choice is deterministic.
    const leader = (group.leaderId ? group.members.get(group.leaderId) : undefined) ?? members[0];
    let best: string | null = null;
    let bestVotes = -1;
    for (const protocol of leader?.protocols ?? []) {
      const count = votes.get(protocol.name) ?? -1;
      if (count > bestVotes) {
        best = protocol.name;
        bestVotes = count;
      }
    }
    if (best === null) throw new Error(`group ${group.groupId} has no protocol common to all members`);
    return best;
  }

  function groupRebalanceTimeoutMs(group: Group): number {
    let timeout = 0;
    for (const member of group.members.values()) timeout = Math.max(timeout, member.rebalanceTimeoutMs);
    return timeout;
  }

  // ---- member liveness -------------------------------------------------------------------

  function scheduleExpiry(group: Group, member: Member, timeoutMs: number): void {
    member.cancelExpiry?.();
    member.cancelExpiry = clock.setTimer(timeoutMs, () => {
      member.cancelExpiry = null;
      onMemberExpired(group, member);
    });
  }

  /** Any request from a member proves it alive: restart its session timer. */
  function touch(group: Group, member: Member): void {
    scheduleExpiry(group, member, member.sessionTimeoutMs);
  }

  function onMemberExpired(group: Group, member: Member): void {
    if (group.members.get(member.memberId) !== member) return;
    // A member parked in JoinGroup or SyncGroup cannot heartbeat; the rebalance and sync
    // timeouts deal with it. Only a brand-new member may expire while waiting to join.
    if (!member.isNew && (member.joinWaiter !== null || member.syncWaiter !== null)) return;
    removeMemberAndUpdateGroup(group, member);
  }

  function addPendingMember(group: Group, memberId: string, sessionTimeoutMs: number): void {
    const cancel = clock.setTimer(sessionTimeoutMs, () => {
      if (!group.pendingMembers.has(memberId)) return;
      group.pendingMembers.delete(memberId);
      if (group.state === 'PreparingRebalance') tryCompleteJoin(group);
    });
    group.pendingMembers.set(memberId, cancel);
  }

  function removePendingMember(group: Group, memberId: string): void {
    group.pendingMembers.get(memberId)?.();
    group.pendingMembers.delete(memberId);
  }

  function dropMember(group: Group, member: Member): void {
    member.cancelExpiry?.();
    member.cancelExpiry = null;
    group.members.delete(member.memberId);
    group.pendingSync.delete(member.memberId);
    if (group.leaderId === member.memberId) {
      group.leaderId = group.members.keys().next().value ?? null;
    }
  }

  function removeMemberAndUpdateGroup(group: Group, member: Member): void {
    // Answer a waiting JoinGroup/SyncGroup so a still-living client rejoins from scratch.
    const joinWaiter = member.joinWaiter;
    const syncWaiter = member.syncWaiter;
    member.joinWaiter = null;
    member.syncWaiter = null;
    dropMember(group, member);
    joinWaiter?.(joinError('', ErrorCode.UNKNOWN_MEMBER_ID));
    syncWaiter?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        prepareRebalance(group);
        tryCompleteJoin(group);
        break;
      case 'PreparingRebalance':
        tryCompleteJoin(group);
        break;
      case 'Empty':
      case 'Dead':
        break;
    }
  }

  // ---- rebalance -------------------------------------------------------------------------

  function canRebalance(group: Group): boolean {
    return group.state === 'Stable' || group.state === 'CompletingRebalance' || group.state === 'Empty';
  }

  function prepareRebalance(group: Group): void {
    if (group.state === 'CompletingRebalance') {
      // Followers waiting for an assignment that will never come: send them back to JoinGroup.
      for (const member of group.members.values()) {
        member.assignment = EMPTY;
        const waiter = member.syncWaiter;
        member.syncWaiter = null;
        waiter?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      }
    }
    clearPendingSync(group);
    group.cancelJoinTimer?.();
    const rebalanceTimeoutMs = groupRebalanceTimeoutMs(group);
    if (group.state === 'Empty' && initialRebalanceDelayMs > 0) {
      group.initialDelayActive = true;
      group.newMemberAdded = false;
      group.initialDelayRemainingMs = Math.max(rebalanceTimeoutMs - initialRebalanceDelayMs, 0);
      group.cancelJoinTimer = clock.setTimer(initialRebalanceDelayMs, () => onInitialDelayExpired(group));
    } else {
      group.initialDelayActive = false;
      group.cancelJoinTimer = clock.setTimer(rebalanceTimeoutMs, () => {
        group.cancelJoinTimer = null;
        completeJoin(group);
      });
    }
    group.state = 'PreparingRebalance';
  }

  function onInitialDelayExpired(group: Group): void {
    group.cancelJoinTimer = null;
    if (group.newMemberAdded && group.initialDelayRemainingMs > 0) {
      // More members keep arriving: wait one more delay, within the rebalance timeout.
      const delay = Math.min(initialRebalanceDelayMs, group.initialDelayRemainingMs);
      group.initialDelayRemainingMs -= delay;
      group.newMemberAdded = false;
      group.cancelJoinTimer = clock.setTimer(delay, () => onInitialDelayExpired(group));
      return;
    }
    group.initialDelayActive = false;
    completeJoin(group);
  }

  function tryCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance' || group.initialDelayActive) return;
    for (const member of group.members.values()) if (member.joinWaiter === null) return;
    if (group.pendingMembers.size > 0) return;
    group.cancelJoinTimer?.();
    group.cancelJoinTimer = null;
    completeJoin(group);
  }

  function completeJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    group.initialDelayActive = false;
    // Members that did not rejoin in time are out of the group.
    for (const member of [...group.members.values()]) {
      if (member.joinWaiter === null) dropMember(group, member);
    }
    group.generationId += 1;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.state = 'Empty';
      clearPendingSync(group);
      store.recordGeneration(group.groupId, group.generationId, group.protocolType);
      return;
    }
    group.protocolName = selectProtocol(group);
    group.state = 'CompletingRebalance';
    store.recordGeneration(group.groupId, group.generationId, group.protocolType);
    const answers: Array<[Respond<JoinGroupResult>, JoinGroupResult]> = [];
    for (const member of group.members.values()) {
      const waiter = member.joinWaiter;
      member.joinWaiter = null;
      member.isNew = false;
      if (waiter) answers.push([waiter, joinSuccess(group, member)]);
      touch(group, member);
      group.pendingSync.add(member.memberId);
    }
    schedulePendingSync(group);
    for (const [waiter, result] of answers) waiter(result);
  }

  function clearPendingSync(group: Group): void {
    group.pendingSync.clear();
    group.cancelSyncTimer?.();
    group.cancelSyncTimer = null;
  }

  /** Members that got their JoinGroup answer but never send SyncGroup are dropped after the rebalance timeout. */
  function schedulePendingSync(group: Group): void {
    group.cancelSyncTimer?.();
    const generationId = group.generationId;
    group.cancelSyncTimer = clock.setTimer(groupRebalanceTimeoutMs(group), () => {
      group.cancelSyncTimer = null;
      if (group.generationId !== generationId) return;
      if (group.state !== 'CompletingRebalance' && group.state !== 'Stable') return;
      if (group.pendingSync.size === 0) return;
      for (const memberId of [...group.pendingSync]) {
        const member = group.members.get(memberId);
        if (member) dropMember(group, member);
      }
      prepareRebalance(group);
      tryCompleteJoin(group);
    });
  }

  function markSynced(group: Group, memberId: string): void {
    group.pendingSync.delete(memberId);
    if (group.pendingSync.size === 0) {
      group.cancelSyncTimer?.();
      group.cancelSyncTimer = null;
    }
  }

  function addMemberAndRebalance(
    group: Group,
    memberId: string,
    input: JoinGroupInput,
    respond: Respond<JoinGroupResult>,
  ): void {
    const member: Member = {
      memberId,
      groupInstanceId: input.groupInstanceId,
      clientId: input.clientId,
      clientHost: input.clientHost,
      sessionTimeoutMs: input.sessionTimeoutMs,
      rebalanceTimeoutMs: input.rebalanceTimeoutMs,
      protocolType: input.protocolType,
      protocols: input.protocols,
      assignment: EMPTY,
      joinWaiter: respond,
      syncWaiter: null,
      isNew: true,
      cancelExpiry: null,
    };
    if (group.state === 'PreparingRebalance' && group.generationId === 0) group.newMemberAdded = true;
    if (group.members.size === 0) group.protocolType = input.protocolType;
    if (group.leaderId === null) group.leaderId = memberId;
    group.members.set(memberId, member);
    removePendingMember(group, memberId);
    scheduleExpiry(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    if (canRebalance(group)) prepareRebalance(group);
  }

  function updateMemberAndRebalance(
    group: Group,
    member: Member,
    input: JoinGroupInput,
    respond: Respond<JoinGroupResult>,
  ): void {
    member.protocols = input.protocols;
    member.rebalanceTimeoutMs = input.rebalanceTimeoutMs;
    member.sessionTimeoutMs = input.sessionTimeoutMs;
    member.clientId = input.clientId;
    member.clientHost = input.clientHost;
    if (group.members.size === 1) group.protocolType = input.protocolType;
    // A second JoinGroup from the same member replaces the first; the old one is answered so
    // its socket does not hang (the client has given up on it anyway).
    const previous = member.joinWaiter;
    member.joinWaiter = respond;
    previous?.(joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    if (canRebalance(group)) prepareRebalance(group);
  }

  function sameProtocols(member: Member, protocols: GroupProtocol[]): boolean {
    if (member.protocols.length !== protocols.length) return false;
    return member.protocols.every((p, i) => {
      const other = protocols[i];
      return other !== undefined && other.name === p.name && Buffer.from(p.metadata).equals(other.metadata);
    });
  }

  function joinGroup(input: JoinGroupInput, respond: Respond<JoinGroupResult>): void {
    if (input.groupId === '') {
      respond(joinError(input.memberId, ErrorCode.INVALID_GROUP_ID));
      return;
    }
    if (input.sessionTimeoutMs < minSessionTimeoutMs || input.sessionTimeoutMs > maxSessionTimeoutMs) {
      respond(joinError(input.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
      return;
    }
    const isUnknownMember = input.memberId === '';
    let group = groups.get(input.groupId);
    if (!group) {
      if (!isUnknownMember) {
        respond(joinError(input.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
        return;
      }
      group = newGroup(input.groupId);
      groups.set(group.groupId, group);
    }
    const protocolNames = input.protocols.map((p) => p.name);

    if (isUnknownMember) {
      if (!supportsProtocols(group, input.protocolType, protocolNames, null)) {
        respond(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
        dropIfForgotten(group);
        return;
      }
      const memberId = newMemberId(input.clientId);
      if (input.requireKnownMemberId) {
        addPendingMember(group, memberId, input.sessionTimeoutMs);
        respond(joinError(memberId, ErrorCode.MEMBER_ID_REQUIRED));
        return;
      }
      addMemberAndRebalance(group, memberId, input, respond);
      tryCompleteJoin(group);
      return;
    }

    if (!supportsProtocols(group, input.protocolType, protocolNames, input.memberId)) {
      respond(joinError(input.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
      return;
    }
    if (group.pendingMembers.has(input.memberId)) {
      addMemberAndRebalance(group, input.memberId, input, respond);
      tryCompleteJoin(group);
      return;
    }
    const member = group.members.get(input.memberId);
    if (!member) {
      respond(joinError(input.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      return;
    }
    switch (group.state) {
      case 'PreparingRebalance':
        updateMemberAndRebalance(group, member, input, respond);
        break;
      case 'CompletingRebalance':
        if (sameProtocols(member, input.protocols)) {
          // The member lost our JoinGroup answer: give it the current generation again.
          touch(group, member);
          respond(joinSuccess(group, member));
        } else {
          updateMemberAndRebalance(group, member, input, respond);
        }
        break;
      case 'Stable':
        if (group.leaderId === member.memberId || !sameProtocols(member, input.protocols)) {
          // The leader rejoining is how a consumer asks for a new assignment (e.g. new partitions).
          updateMemberAndRebalance(group, member, input, respond);
        } else {
          touch(group, member);
          respond({ ...joinSuccess(group, member), members: [] });
        }
        break;
      case 'Empty':
      case 'Dead':
        respond(joinError(input.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
        break;
    }
    tryCompleteJoin(group);
  }

  /** A group created by a refused first JoinGroup holds nothing worth listing. */
  function dropIfForgotten(group: Group): void {
    if (
      group.state === 'Empty' &&
      group.members.size === 0 &&
      group.pendingMembers.size === 0 &&
      group.offsets.size === 0 &&
      group.generationId === 0
    ) {
      groups.delete(group.groupId);
    }
  }

  function syncGroup(input: SyncGroupInput, respond: Respond<SyncGroupResult>): void {
    const group = groups.get(input.groupId);
    const member = group?.members.get(input.memberId);
    let errorCode: number = ErrorCode.NONE;
    if (!group || !member) errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
    else if (input.generationId !== group.generationId) errorCode = ErrorCode.ILLEGAL_GENERATION;
    else if (group.state === 'Empty' || group.state === 'Dead') errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
    else if (group.state === 'PreparingRebalance') errorCode = ErrorCode.REBALANCE_IN_PROGRESS;
    if (!group || !member || errorCode !== ErrorCode.NONE) {
      respond({ errorCode, assignment: EMPTY });
      return;
    }
    if (group.state === 'Stable') {
      markSynced(group, member.memberId);
      touch(group, member);
      respond({ errorCode: ErrorCode.NONE, assignment: member.assignment });
      return;
    }
    // CompletingRebalance: park the member until the leader's plan arrives.
    member.syncWaiter?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
    member.syncWaiter = respond;
    markSynced(group, member.memberId);
    if (group.leaderId !== member.memberId) return;
    // The leader's plan arrived: everyone it left out gets an empty assignment.
    const plan = new Map(input.assignments.map((a) => [a.memberId, a.assignment]));
    group.state = 'Stable';
    const answers: Array<[Respond<SyncGroupResult>, SyncGroupResult]> = [];
    for (const m of group.members.values()) {
      m.assignment = plan.get(m.memberId) ?? EMPTY;
      const waiter = m.syncWaiter;
      m.syncWaiter = null;
      if (waiter) {
        answers.push([waiter, { errorCode: ErrorCode.NONE, assignment: m.assignment }]);
        touch(group, m);
      }
    }
    for (const [waiter, result] of answers) waiter(result);
  }

  function heartbeat(input: HeartbeatInput): number {
    const group = groups.get(input.groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    const member = group.members.get(input.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (input.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case 'PreparingRebalance':
        touch(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case 'CompletingRebalance':
      case 'Stable':
        touch(group, member);
        return ErrorCode.NONE;
    }
  }

  function leaveGroup(groupId: string, leaving: LeavingMember[]): LeaveGroupResult {
    const group = groups.get(groupId);
    if (!group) {
      return {
        errorCode: ErrorCode.NONE,
        members: leaving.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })),
      };
    }
    const members = leaving.map((m) => {
      if (group.pendingMembers.has(m.memberId)) {
        removePendingMember(group, m.memberId);
        if (group.state === 'PreparingRebalance') tryCompleteJoin(group);
        return { ...m, errorCode: ErrorCode.NONE };
      }
      const member = group.members.get(m.memberId);
      if (!member) return { ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      removeMemberAndUpdateGroup(group, member);
      return { ...m, errorCode: ErrorCode.NONE };
    });
    return { errorCode: ErrorCode.NONE, members };
  }

  function validateCommit(group: Group, input: OffsetCommitInput): number {
    if (input.generationId < 0 && group.state === 'Empty') return ErrorCode.NONE;
    if (input.generationId >= 0 || input.memberId !== '' || input.groupInstanceId !== null) {
      const member = group.members.get(input.memberId);
      if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (input.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
      switch (group.state) {
        case 'Stable':
        case 'PreparingRebalance':
          // kafkajs commits right after a heartbeat answered REBALANCE_IN_PROGRESS: accept it.
          touch(group, member);
          return ErrorCode.NONE;
        case 'CompletingRebalance':
          return ErrorCode.REBALANCE_IN_PROGRESS;
        case 'Empty':
        case 'Dead':
          return ErrorCode.UNKNOWN_MEMBER_ID;
      }
    }
    // Without member id or generation only an empty group takes commits (admin tools, manual assignment).
    return group.state === 'Empty' ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  function commitOffsets(input: OffsetCommitInput): OffsetCommitResult {
    const answerAll = (errorCode: number): OffsetCommitResult => ({
      topics: input.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode })),
      })),
    });
    let group = groups.get(input.groupId);
    if (!group) {
      // A group that does not exist yet can only be written by a consumer outside group management.
      if (input.generationId >= 0) return answerAll(ErrorCode.ILLEGAL_GENERATION);
      group = newGroup(input.groupId);
      groups.set(group.groupId, group);
    }
    const validation = validateCommit(group, input);
    if (validation !== ErrorCode.NONE) {
      dropIfForgotten(group);
      return answerAll(validation);
    }
    const now = clock.now();
    const accepted: OffsetCommitEntry[] = [];
    const result: OffsetCommitResult = {
      topics: input.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          if (!partitionExists(t.name, p.partition)) {
            return { partition: p.partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
          }
          accepted.push({
            topic: t.name,
            partition: p.partition,
            committed: {
              offset: p.offset,
              leaderEpoch: p.leaderEpoch,
              metadata: p.metadata,
              commitTimestamp: now,
            },
          });
          return { partition: p.partition, errorCode: ErrorCode.NONE };
        }),
      })),
    };
    if (accepted.length > 0) {
      // Written before the answer leaves, so an acknowledged commit survives a crash.
      store.commitOffsets(group.groupId, accepted);
      for (const entry of accepted) setOffset(group, entry);
    }
    dropIfForgotten(group);
    return result;
  }

  function fetchOffsets(
    groupId: string,
    topics: Array<{ name: string; partitions: number[] }> | null,
  ): OffsetFetchResult {
    const group = groups.get(groupId);
    const fetched = (topic: string, partition: number): FetchedOffset => {
      const committed = group?.offsets.get(topic)?.get(partition);
      return committed
        ? {
            partition,
            offset: committed.offset,
            leaderEpoch: committed.leaderEpoch,
            metadata: committed.metadata,
            errorCode: ErrorCode.NONE,
          }
        : // No commit yet is not an error: the consumer falls back to its reset policy.
          { partition, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE };
    };
    if (topics === null) {
      return {
        errorCode: ErrorCode.NONE,
        topics: [...(group?.offsets ?? new Map<string, Map<number, CommittedOffset>>()).entries()].map(
          ([name, partitions]) => ({
            name,
            partitions: [...partitions.keys()].sort((a, b) => a - b).map((p) => fetched(name, p)),
          }),
        ),
      };
    }
    return {
      errorCode: ErrorCode.NONE,
      topics: topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => fetched(t.name, p)) })),
    };
  }

  function describeGroup(groupId: string): DescribedGroup {
    const group = groups.get(groupId);
    if (!group) {
      return {
        errorCode: ErrorCode.NONE,
        groupId,
        state: 'Dead',
        protocolType: '',
        protocolData: '',
        members: [],
      };
    }
    const stable = group.state === 'Stable';
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? (group.protocolName ?? '') : '',
      // Metadata and assignments only mean something once the generation is settled.
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? protocolMetadata(m, group.protocolName) : EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  function listGroups(): ListedGroup[] {
    return [...groups.values()].map((g) => ({
      groupId: g.groupId,
      protocolType: g.protocolType ?? '',
      state: g.state,
    }));
  }

  function deleteGroups(groupIds: string[]): Array<{ groupId: string; errorCode: number }> {
    return groupIds.map((groupId) => {
      const group = groups.get(groupId);
      if (!group) return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
      if (group.state !== 'Empty') return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
      for (const cancel of group.pendingMembers.values()) cancel();
      group.cancelJoinTimer?.();
      group.cancelSyncTimer?.();
      group.state = 'Dead';
      groups.delete(groupId);
      store.deleteGroup(groupId);
      return { groupId, errorCode: ErrorCode.NONE };
    });
  }

  function close(): void {
    for (const group of groups.values()) {
      group.cancelJoinTimer?.();
      group.cancelSyncTimer?.();
      for (const cancel of group.pendingMembers.values()) cancel();
      for (const member of group.members.values()) {
        member.cancelExpiry?.();
        const joinWaiter = member.joinWaiter;
        const syncWaiter = member.syncWaiter;
        member.joinWaiter = null;
        member.syncWaiter = null;
        joinWaiter?.(joinError(member.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
        syncWaiter?.({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, assignment: EMPTY });
      }
    }
    store.close();
  }

  return {
    joinGroup,
    syncGroup,
    heartbeat,
    leaveGroup,
    commitOffsets,
    fetchOffsets,
    describeGroup,
    listGroups,
    deleteGroups,
    close,
  };
}
