import { describe, expect, it } from 'vitest';
import { ErrorCode as E } from '../protocol/error-codes.ts';
import type {
  GroupCoordinator,
  GroupProtocol,
  JoinGroupInput,
  JoinGroupResult,
  SyncGroupResult,
} from './group-coordinator.ts';
import { createGroupCoordinator } from './group-coordinator.ts';
import { manualClock } from './manual-clock.ts';

const meta = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

function setup(options: { initialRebalanceDelayMs?: number } = {}) {
  const clock = manualClock(1_000_000);
  let n = 0;
  const coordinator = createGroupCoordinator({
    clock,
    newMemberId: (clientId) => `${clientId}-${++n}`,
    ...options,
  });
  return { clock, coordinator };
}

interface Pending<T> {
  settled: boolean;
  value: T | undefined;
}

function call<T>(fn: (respond: (r: T) => void) => void): Pending<T> {
  const pending: Pending<T> = { settled: false, value: undefined };
  fn((r) => {
    if (pending.settled) throw new Error('answered twice');
    pending.settled = true;
    pending.value = r;
  });
  return pending;
}

function answer<T>(pending: Pending<T>): T {
  if (!pending.settled || pending.value === undefined) throw new Error('still waiting');
  return pending.value;
}

function joinInput(overrides: Partial<JoinGroupInput> = {}): JoinGroupInput {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: meta('m') }],
    requireKnownMemberId: true,
    ...overrides,
  };
}

function join(c: GroupCoordinator, overrides: Partial<JoinGroupInput> = {}): Pending<JoinGroupResult> {
  return call<JoinGroupResult>((respond) => c.joinGroup(joinInput(overrides), respond));
}

function sync(
  c: GroupCoordinator,
  memberId: string,
  generationId: number,
  assignments: Array<{ memberId: string; assignment: Uint8Array }> = [],
): Pending<SyncGroupResult> {
  return call<SyncGroupResult>((respond) =>
    c.syncGroup({ groupId: 'g', generationId, memberId, groupInstanceId: null, assignments }, respond),
  );
}

/** The v4+ dance: empty id → 79 with an id → join again with it. */
function joinNew(
  c: GroupCoordinator,
  overrides: Partial<JoinGroupInput> = {},
): Pending<JoinGroupResult> & { memberId: string } {
  const first = answer(join(c, overrides));
  expect(first.errorCode).toBe(E.MEMBER_ID_REQUIRED);
  return Object.assign(join(c, { ...overrides, memberId: first.memberId }), { memberId: first.memberId });
}

function hb(c: GroupCoordinator, memberId: string, generationId: number): number {
  return c.heartbeat({ groupId: 'g', memberId, generationId, groupInstanceId: null });
}

/** Brings a group of one member to Stable and returns its id. */
function stableSolo(c: GroupCoordinator): string {
  const a = joinNew(c, { clientId: 'a' });
  const joined = answer(a);
  expect(joined.errorCode).toBe(E.NONE);
  expect(
    answer(sync(c, a.memberId, joined.generationId, [{ memberId: a.memberId, assignment: meta('all') }]))
      .errorCode,
  ).toBe(E.NONE);
  return a.memberId;
}

describe('JoinGroup', () => {
  it('parks a v4+ member without an id and hands it clientId-uuid style id with error 79', () => {
    const { coordinator } = setup();
    const first = answer(join(coordinator, { clientId: 'svc' }));
    expect(first).toMatchObject({ errorCode: E.MEMBER_ID_REQUIRED, memberId: 'svc-1', generationId: -1 });
    expect(coordinator.describeGroup('g').state).toBe('Empty');
  });

  it('uses clientId and a uuid for member ids by default', () => {
    const coordinator = createGroupCoordinator({ clock: manualClock() });
    const first = answer(join(coordinator, { clientId: 'svc' }));
    expect(first.memberId).toMatch(/^svc-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('lets a lone member through at once (no initial delay) as leader with the member list', () => {
    const { coordinator } = setup();
    const a = joinNew(coordinator, { clientId: 'a' });
    expect(answer(a)).toEqual({
      errorCode: E.NONE,
      generationId: 1,
      protocolType: 'consumer',
      protocolName: 'range',
      leaderId: 'a-1',
      memberId: 'a-1',
      members: [{ memberId: 'a-1', groupInstanceId: null, metadata: meta('m') }],
    });
    expect(coordinator.describeGroup('g').state).toBe('CompletingRebalance');
  });

  it('adds a member directly before v4', () => {
    const { coordinator } = setup();
    const a = answer(join(coordinator, { clientId: 'a', requireKnownMemberId: false }));
    expect(a).toMatchObject({ errorCode: E.NONE, memberId: 'a-1', leaderId: 'a-1', generationId: 1 });
  });

  it('refuses session timeouts outside 6000–1800000 ms with 26', () => {
    const { coordinator } = setup();
    expect(answer(join(coordinator, { sessionTimeoutMs: 5999 })).errorCode).toBe(E.INVALID_SESSION_TIMEOUT);
    expect(answer(join(coordinator, { sessionTimeoutMs: 1_800_001 })).errorCode).toBe(
      E.INVALID_SESSION_TIMEOUT,
    );
    expect(answer(join(coordinator, { sessionTimeoutMs: 6000 })).errorCode).toBe(E.MEMBER_ID_REQUIRED);
    expect(answer(join(coordinator, { sessionTimeoutMs: 1_800_000 })).errorCode).toBe(E.MEMBER_ID_REQUIRED);
  });

  it('answers 25 to a member id the group never gave out', () => {
    const { coordinator } = setup();
    expect(answer(join(coordinator, { memberId: 'made-up' })).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    stableSolo(coordinator);
    expect(answer(join(coordinator, { memberId: 'made-up' })).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('refuses a member sharing no protocol with the group with 23 and leaves the group alone', () => {
    const { coordinator } = setup();
    const leader = stableSolo(coordinator);
    const refused = answer(
      join(coordinator, {
        clientId: 'rdkafka',
        protocols: [
          { name: 'range', metadata: meta('x') },
          { name: 'roundrobin', metadata: meta('x') },
        ].filter((p) => p.name !== 'range'),
      }),
    );
    expect(refused.errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL);
    expect(coordinator.describeGroup('g').state).toBe('Stable');
    expect(hb(coordinator, leader, 1)).toBe(E.NONE);
  });

  it('refuses a different protocol type with 23', () => {
    const { coordinator } = setup();
    stableSolo(coordinator);
    expect(answer(join(coordinator, { protocolType: 'connect' })).errorCode).toBe(
      E.INCONSISTENT_GROUP_PROTOCOL,
    );
  });

  it('picks the protocol all members support, by the members’ votes in their order of preference', () => {
    const { coordinator } = setup();
    const p = (...names: string[]): GroupProtocol[] => names.map((name) => ({ name, metadata: meta(name) }));
    const a = joinNew(coordinator, { clientId: 'a', protocols: p('range', 'roundrobin', 'sticky') });
    const genA = answer(a);
    expect(genA.protocolName).toBe('range');
    answer(sync(coordinator, a.memberId, 1));
    const b = joinNew(coordinator, { clientId: 'b', protocols: p('roundrobin', 'range') });
    const c = joinNew(coordinator, { clientId: 'c', protocols: p('roundrobin', 'sticky', 'range') });
    const aAgain = join(coordinator, {
      clientId: 'a',
      memberId: a.memberId,
      protocols: p('range', 'roundrobin', 'sticky'),
    });
    for (const pending of [aAgain, b, c]) {
      // range: 1 vote (a), roundrobin: 2 votes (b, c); sticky is not supported by b.
      expect(answer(pending)).toMatchObject({
        errorCode: E.NONE,
        generationId: 2,
        protocolName: 'roundrobin',
      });
    }
    const leaderView = answer(aAgain);
    expect(leaderView.leaderId).toBe(a.memberId);
    expect(leaderView.members.map((m) => [m.memberId, text(m.metadata)])).toEqual([
      [a.memberId, 'roundrobin'],
      [b.memberId, 'roundrobin'],
      [c.memberId, 'roundrobin'],
    ]);
    expect(answer(b).members).toEqual([]);
  });

  it('waits for every known member to rejoin, keeps the leader, and moves to CompletingRebalance', () => {
    const { coordinator } = setup();
    const leader = stableSolo(coordinator);
    const b = joinNew(coordinator, { clientId: 'b' });
    expect(b.settled).toBe(false);
    expect(coordinator.describeGroup('g').state).toBe('PreparingRebalance');
    expect(hb(coordinator, leader, 1)).toBe(E.REBALANCE_IN_PROGRESS);
    const a = join(coordinator, { clientId: 'a', memberId: leader });
    expect(answer(a)).toMatchObject({ errorCode: E.NONE, generationId: 2, leaderId: leader });
    expect(answer(a).members).toHaveLength(2);
    expect(answer(b)).toMatchObject({ errorCode: E.NONE, generationId: 2, leaderId: leader, members: [] });
    expect(coordinator.describeGroup('g').state).toBe('CompletingRebalance');
  });

  it('holds the rebalance for members told to come back with their id (pending members)', () => {
    const { coordinator, clock } = setup();
    const first = answer(join(coordinator, { clientId: 'a' }));
    const second = answer(join(coordinator, { clientId: 'b' }));
    const a = join(coordinator, { clientId: 'a', memberId: first.memberId });
    expect(a.settled).toBe(false);
    const b = join(coordinator, { clientId: 'b', memberId: second.memberId });
    expect(answer(a).generationId).toBe(1);
    expect(answer(b).generationId).toBe(1);
    answer(sync(coordinator, first.memberId, 1, []));
    answer(sync(coordinator, second.memberId, 1, []));
    // A pending member that never comes back stops holding the rebalance after its session timeout.
    expect(answer(join(coordinator, { clientId: 'c', sessionTimeoutMs: 8000 })).errorCode).toBe(
      E.MEMBER_ID_REQUIRED,
    );
    const aAgain = join(coordinator, { clientId: 'a', memberId: first.memberId });
    const bAgain = join(coordinator, { clientId: 'b', memberId: second.memberId });
    clock.advance(7999);
    expect(aAgain.settled).toBe(false);
    clock.advance(1);
    expect(answer(aAgain).generationId).toBe(2);
    expect(answer(bAgain).generationId).toBe(2);
    expect(answer(aAgain).members.map((m) => m.memberId)).toEqual([first.memberId, second.memberId]);
  });

  it('honours a configured initial rebalance delay for a new group', () => {
    const { coordinator, clock } = setup({ initialRebalanceDelayMs: 3000 });
    const a = joinNew(coordinator, { clientId: 'a' });
    expect(a.settled).toBe(false);
    clock.advance(2000);
    const b = joinNew(coordinator, { clientId: 'b' });
    clock.advance(1000);
    // b arrived during the delay, so the group waits one more delay.
    expect(a.settled).toBe(false);
    clock.advance(3000);
    expect(answer(a).generationId).toBe(1);
    expect(answer(b).generationId).toBe(1);
  });
});

describe('SyncGroup', () => {
  it('holds followers until the leader sends the plan; members left out get empty bytes', () => {
    const { coordinator } = setup();
    const leader = stableSolo(coordinator);
    const b = joinNew(coordinator, { clientId: 'b' });
    const c = joinNew(coordinator, { clientId: 'c' });
    const a = join(coordinator, { clientId: 'a', memberId: leader });
    const gen = answer(a).generationId;
    const bSync = sync(coordinator, b.memberId, gen);
    const cSync = sync(coordinator, c.memberId, gen);
    expect(bSync.settled).toBe(false);
    const aSync = sync(coordinator, leader, gen, [
      { memberId: leader, assignment: meta('p0,p1') },
      { memberId: b.memberId, assignment: meta('p2') },
    ]);
    expect(text(answer(aSync).assignment)).toBe('p0,p1');
    expect(text(answer(bSync).assignment)).toBe('p2');
    expect(answer(cSync)).toEqual({ errorCode: E.NONE, assignment: new Uint8Array(0) });
    expect(coordinator.describeGroup('g').state).toBe('Stable');
    // A late SyncGroup in Stable gets the stored assignment.
    expect(text(answer(sync(coordinator, b.memberId, gen)).assignment)).toBe('p2');
  });

  it('answers 25 for unknown members, 22 for a wrong generation, 27 while preparing a rebalance', () => {
    const { coordinator } = setup();
    const leader = stableSolo(coordinator);
    expect(answer(sync(coordinator, 'nobody', 1)).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    expect(answer(sync(coordinator, leader, 7)).errorCode).toBe(E.ILLEGAL_GENERATION);
    joinNew(coordinator, { clientId: 'b' });
    expect(answer(sync(coordinator, leader, 1)).errorCode).toBe(E.REBALANCE_IN_PROGRESS);
  });

  it('sends waiting followers back with 27 when a rebalance starts before the leader synced', () => {
    const { coordinator } = setup();
    const leader = stableSolo(coordinator);
    const b = joinNew(coordinator, { clientId: 'b' });
    const gen = answer(join(coordinator, { clientId: 'a', memberId: leader })).generationId;
    const bSync = sync(coordinator, b.memberId, gen);
    joinNew(coordinator, { clientId: 'c' });
    expect(answer(bSync).errorCode).toBe(E.REBALANCE_IN_PROGRESS);
  });

  it('drops members that never send SyncGroup after the rebalance timeout', () => {
    const { coordinator, clock } = setup();
    const leader = stableSolo(coordinator);
    const b = joinNew(coordinator, { clientId: 'b', sessionTimeoutMs: 60_000, rebalanceTimeoutMs: 20_000 });
    const gen = answer(
      join(coordinator, { clientId: 'a', memberId: leader, rebalanceTimeoutMs: 20_000 }),
    ).generationId;
    expect(answer(b).generationId).toBe(gen);
    expect(answer(sync(coordinator, leader, gen, [])).errorCode).toBe(E.NONE);
    clock.advance(9_000);
    expect(hb(coordinator, leader, gen)).toBe(E.NONE);
    clock.advance(9_000);
    expect(hb(coordinator, leader, gen)).toBe(E.NONE);
    clock.advance(2_000);
    // b never synced within the 20 s rebalance timeout (its session would last 60 s): it is gone.
    expect(hb(coordinator, leader, gen)).toBe(E.REBALANCE_IN_PROGRESS);
    expect(coordinator.describeGroup('g').members.map((m) => m.memberId)).toEqual([leader]);
  });
});

describe('Heartbeat and session expiry', () => {
  it('answers 25 unknown, 22 wrong generation, 0 when stable', () => {
    const { coordinator } = setup();
    const leader = stableSolo(coordinator);
    expect(hb(coordinator, 'nobody', 1)).toBe(E.UNKNOWN_MEMBER_ID);
    expect(hb(coordinator, leader, 0)).toBe(E.ILLEGAL_GENERATION);
    expect(hb(coordinator, leader, 1)).toBe(E.NONE);
    expect(
      coordinator.heartbeat({ groupId: 'other', memberId: leader, generationId: 1, groupInstanceId: null }),
    ).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('removes a silent member after its session timeout and rebalances the rest', () => {
    const { coordinator, clock } = setup();
    const leader = stableSolo(coordinator);
    const b = joinNew(coordinator, { clientId: 'b' });
    const gen = answer(join(coordinator, { clientId: 'a', memberId: leader })).generationId;
    answer(b);
    sync(coordinator, b.memberId, gen);
    answer(sync(coordinator, leader, gen, []));
    // Heartbeats (and commits) from a keep it alive; b goes silent.
    for (let i = 0; i < 2; i++) {
      clock.advance(4000);
      expect(hb(coordinator, leader, gen)).toBe(E.NONE);
    }
    clock.advance(1999);
    expect(hb(coordinator, leader, gen)).toBe(E.NONE);
    clock.advance(1);
    expect(hb(coordinator, leader, gen)).toBe(E.REBALANCE_IN_PROGRESS);
    expect(hb(coordinator, b.memberId, gen)).toBe(E.UNKNOWN_MEMBER_ID);
    const a = join(coordinator, { clientId: 'a', memberId: leader });
    expect(answer(a)).toMatchObject({ generationId: gen + 1, leaderId: leader });
    expect(answer(a).members.map((m) => m.memberId)).toEqual([leader]);
  });

  it('never expires a member while it waits in JoinGroup or SyncGroup', () => {
    const { coordinator, clock } = setup();
    const leader = stableSolo(coordinator);
    const b = joinNew(coordinator, { clientId: 'b', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 60_000 });
    // b waits in JoinGroup far past its 6 s session timeout while a keeps heartbeating (27).
    for (let i = 0; i < 5; i++) {
      clock.advance(5000);
      expect(hb(coordinator, leader, 1)).toBe(E.REBALANCE_IN_PROGRESS);
    }
    expect(b.settled).toBe(false);
    const gen = answer(join(coordinator, { clientId: 'a', memberId: leader })).generationId;
    expect(answer(b).generationId).toBe(gen);
    const bSync = sync(coordinator, b.memberId, gen);
    for (let i = 0; i < 4; i++) {
      clock.advance(5000);
      expect(hb(coordinator, leader, gen)).toBe(E.NONE);
    }
    expect(bSync.settled).toBe(false);
    answer(sync(coordinator, leader, gen, [{ memberId: b.memberId, assignment: meta('x') }]));
    expect(text(answer(bSync).assignment)).toBe('x');
  });

  it('answers a removed member’s waiting JoinGroup with 25 when the new-member timeout passes', () => {
    const { coordinator, clock } = setup();
    const leader = stableSolo(coordinator);
    const b = joinNew(coordinator, { clientId: 'b', rebalanceTimeoutMs: 600_000 });
    for (let i = 0; i < 31; i++) {
      clock.advance(9_999);
      hb(coordinator, leader, 1);
    }
    expect(answer(b).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
  });
});

describe('rebalance timeout', () => {
  it('drops members that do not rejoin in time and completes with those that did', () => {
    const { coordinator, clock } = setup();
    const leader = stableSolo(coordinator);
    const b = joinNew(coordinator, { clientId: 'b', rebalanceTimeoutMs: 20_000 });
    const gen = answer(
      join(coordinator, { clientId: 'a', memberId: leader, rebalanceTimeoutMs: 20_000 }),
    ).generationId;
    answer(b);
    sync(coordinator, b.memberId, gen);
    answer(sync(coordinator, leader, gen, []));
    // b asks for a rebalance (new metadata) but a, the leader, never rejoins.
    const bAgain = join(coordinator, {
      clientId: 'b',
      memberId: b.memberId,
      rebalanceTimeoutMs: 20_000,
      protocols: [{ name: 'range', metadata: meta('changed') }],
    });
    expect(bAgain.settled).toBe(false);
    // a keeps heartbeating (and hears 27) but never rejoins.
    for (let i = 0; i < 3; i++) {
      clock.advance(5000);
      expect(hb(coordinator, leader, gen)).toBe(E.REBALANCE_IN_PROGRESS);
    }
    clock.advance(4999);
    expect(bAgain.settled).toBe(false);
    clock.advance(1);
    // The leader is gone, so b leads the new generation alone.
    expect(answer(bAgain)).toMatchObject({ errorCode: E.NONE, generationId: gen + 1, leaderId: b.memberId });
    expect(answer(bAgain).members.map((m) => m.memberId)).toEqual([b.memberId]);
    expect(hb(coordinator, leader, gen)).toBe(E.UNKNOWN_MEMBER_ID);
  });
});

describe('LeaveGroup', () => {
  it('removes listed members, reports unknown ones with 25, and the last one out empties the group', () => {
    const { coordinator } = setup();
    const leader = stableSolo(coordinator);
    const result = coordinator.leaveGroup('g', [
      { memberId: leader, groupInstanceId: null },
      { memberId: 'ghost', groupInstanceId: null },
    ]);
    expect(result).toEqual({
      errorCode: E.NONE,
      members: [
        { memberId: leader, groupInstanceId: null, errorCode: E.NONE },
        { memberId: 'ghost', groupInstanceId: null, errorCode: E.UNKNOWN_MEMBER_ID },
      ],
    });
    const group = coordinator.describeGroup('g');
    expect(group.state).toBe('Empty');
    expect(group.members).toEqual([]);
    expect(
      coordinator.leaveGroup('nope', [{ memberId: 'x', groupInstanceId: null }]).members[0]?.errorCode,
    ).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('rebalances the members that stay, and a new leader is chosen when the leader leaves', () => {
    const { coordinator } = setup();
    const leader = stableSolo(coordinator);
    const b = joinNew(coordinator, { clientId: 'b' });
    const gen = answer(join(coordinator, { clientId: 'a', memberId: leader })).generationId;
    answer(b);
    coordinator.leaveGroup('g', [{ memberId: leader, groupInstanceId: null }]);
    expect(answer(sync(coordinator, b.memberId, gen)).errorCode).toBe(E.REBALANCE_IN_PROGRESS);
    const again = answer(join(coordinator, { clientId: 'b', memberId: b.memberId }));
    expect(again).toMatchObject({ generationId: gen + 1, leaderId: b.memberId });
  });
});

describe('OffsetCommit and OffsetFetch', () => {
  const commit = (c: GroupCoordinator, generationId: number, memberId: string, offset = 10n, groupId = 'g') =>
    c.commitOffsets({
      groupId,
      generationId,
      memberId,
      groupInstanceId: null,
      topics: [{ name: 't', partitions: [{ partition: 0, offset, leaderEpoch: -1, metadata: null }] }],
    }).topics[0]?.partitions[0]?.errorCode;

  it('accepts generation -1 with no member for a new or empty group, and then serves it back', () => {
    const { coordinator } = setup();
    expect(commit(coordinator, -1, '', 42n, 'solo')).toBe(E.NONE);
    expect(coordinator.describeGroup('solo').state).toBe('Empty');
    expect(coordinator.fetchOffsets('solo', [{ name: 't', partitions: [0, 1] }])).toEqual({
      errorCode: E.NONE,
      topics: [
        {
          name: 't',
          partitions: [
            { partition: 0, offset: 42n, leaderEpoch: -1, metadata: null, errorCode: E.NONE },
            { partition: 1, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: E.NONE },
          ],
        },
      ],
    });
  });

  it('refuses a member generation for a group that does not exist with 22', () => {
    const { coordinator } = setup();
    expect(commit(coordinator, 3, 'm', 1n, 'ghost')).toBe(E.ILLEGAL_GENERATION);
    expect(coordinator.listGroups()).toEqual([]);
  });

  it('takes commits from members in Stable and PreparingRebalance, 27 in CompletingRebalance', () => {
    const { coordinator } = setup();
    const leader = stableSolo(coordinator);
    expect(commit(coordinator, 1, leader, 5n)).toBe(E.NONE);
    expect(commit(coordinator, -1, '', 5n)).toBe(E.UNKNOWN_MEMBER_ID);
    expect(commit(coordinator, 1, 'ghost', 5n)).toBe(E.UNKNOWN_MEMBER_ID);
    expect(commit(coordinator, 0, leader, 5n)).toBe(E.ILLEGAL_GENERATION);
    const b = joinNew(coordinator, { clientId: 'b' });
    expect(coordinator.describeGroup('g').state).toBe('PreparingRebalance');
    expect(commit(coordinator, 1, leader, 6n)).toBe(E.NONE);
    answer(join(coordinator, { clientId: 'a', memberId: leader }));
    answer(b);
    expect(coordinator.describeGroup('g').state).toBe('CompletingRebalance');
    expect(commit(coordinator, 2, leader, 7n)).toBe(E.REBALANCE_IN_PROGRESS);
    expect(
      coordinator.fetchOffsets('g', [{ name: 't', partitions: [0] }]).topics[0]?.partitions[0]?.offset,
    ).toBe(6n);
  });

  it('returns every committed partition when asked for all topics (null)', () => {
    const { coordinator } = setup();
    coordinator.commitOffsets({
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        { name: 'b', partitions: [{ partition: 1, offset: 3n, leaderEpoch: -1, metadata: 'm' }] },
        { name: 'a', partitions: [{ partition: 0, offset: 9n, leaderEpoch: 2, metadata: null }] },
      ],
    });
    const all = coordinator.fetchOffsets('g', null);
    expect(all.topics.map((t) => [t.name, t.partitions.map((p) => [p.partition, p.offset])])).toEqual([
      ['b', [[1, 3n]]],
      ['a', [[0, 9n]]],
    ]);
    expect(coordinator.fetchOffsets('none', null)).toEqual({ errorCode: E.NONE, topics: [] });
  });

  it('refuses partitions the broker does not have when told how to check', () => {
    const coordinator = createGroupCoordinator({
      clock: manualClock(),
      partitionExists: (topic, partition) => topic === 't' && partition < 1,
    });
    const result = coordinator.commitOffsets({
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        {
          name: 't',
          partitions: [
            { partition: 0, offset: 1n, leaderEpoch: -1, metadata: null },
            { partition: 5, offset: 1n, leaderEpoch: -1, metadata: null },
          ],
        },
      ],
    });
    expect(result.topics[0]?.partitions).toEqual([
      { partition: 0, errorCode: E.NONE },
      { partition: 5, errorCode: E.UNKNOWN_TOPIC_OR_PARTITION },
    ]);
  });
});

describe('DescribeGroups, ListGroups, DeleteGroups', () => {
  it('describes each state by its exact name and shows assignments once stable', () => {
    const { coordinator } = setup();
    expect(coordinator.describeGroup('g')).toMatchObject({ state: 'Dead', errorCode: E.NONE, members: [] });
    const first = answer(join(coordinator, { clientId: 'a' }));
    expect(coordinator.describeGroup('g').state).toBe('Empty');
    const a = join(coordinator, { clientId: 'a', memberId: first.memberId });
    expect(coordinator.describeGroup('g').state).toBe('CompletingRebalance');
    answer(
      sync(coordinator, first.memberId, answer(a).generationId, [
        { memberId: first.memberId, assignment: meta('p0') },
      ]),
    );
    const stable = coordinator.describeGroup('g');
    expect(stable).toMatchObject({ state: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(
      stable.members.map((m) => [m.memberId, m.clientId, m.clientHost, text(m.metadata), text(m.assignment)]),
    ).toEqual([[first.memberId, 'a', '/127.0.0.1', 'm', 'p0']]);
    joinNew(coordinator, { clientId: 'b' });
    expect(coordinator.describeGroup('g')).toMatchObject({ state: 'PreparingRebalance', protocolData: '' });
    expect(coordinator.listGroups()).toEqual([
      { groupId: 'g', protocolType: 'consumer', state: 'PreparingRebalance' },
    ]);
  });

  it('deletes only empty groups (68 otherwise, 69 if unknown) and forgets their offsets', () => {
    const { coordinator } = setup();
    const leader = stableSolo(coordinator);
    coordinator.commitOffsets({
      groupId: 'g',
      generationId: 1,
      memberId: leader,
      groupInstanceId: null,
      topics: [{ name: 't', partitions: [{ partition: 0, offset: 8n, leaderEpoch: -1, metadata: null }] }],
    });
    expect(coordinator.deleteGroups(['g', 'missing'])).toEqual([
      { groupId: 'g', errorCode: E.NON_EMPTY_GROUP },
      { groupId: 'missing', errorCode: E.GROUP_ID_NOT_FOUND },
    ]);
    coordinator.leaveGroup('g', [{ memberId: leader, groupInstanceId: null }]);
    expect(coordinator.deleteGroups(['g'])).toEqual([{ groupId: 'g', errorCode: E.NONE }]);
    expect(coordinator.listGroups()).toEqual([]);
    expect(
      coordinator.fetchOffsets('g', [{ name: 't', partitions: [0] }]).topics[0]?.partitions[0]?.offset,
    ).toBe(-1n);
  });
});
