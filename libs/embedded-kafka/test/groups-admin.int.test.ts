import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reader } from '../src/protocol/reader.ts';
import type { RunningBroker } from '../src/server/broker.ts';
import { startBroker } from '../src/server/broker.ts';
import type { WireClient } from './fixtures/groups/kafka-wire.ts';
import { connectWire } from './fixtures/groups/kafka-wire.ts';
import { sleep, waitFor } from './fixtures/groups/processes.ts';

// The group APIs byte for byte at the versions kafkajs and librdkafka do not use every day
// (every response is read to its last byte), and the group views an operator gets from
// kafkajs' admin client: list, describe, fetch and delete.

let dataDir = '';
let broker: RunningBroker;
let admin: Admin;
let kafka: Kafka;
const clients: WireClient[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'groups-admin-'));
  broker = await startBroker({ dataDir, logger: pino({ level: 'silent' }) });
  kafka = new Kafka({ clientId: 'operator', brokers: [broker.brokers], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'alerts', numPartitions: 2 }], waitForLeaders: true });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await admin?.disconnect();
  await broker?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function wire(clientId = 'wire-test'): Promise<WireClient> {
  const client = await connectWire(broker.port, '127.0.0.1', clientId);
  clients.push(client);
  return client;
}

/** Reads what `read` expects and checks nothing is left over: the layout is exactly right. */
function exactly<T>(r: Reader, read: (r: Reader) => T): T {
  const value = read(r);
  expect(r.remaining).toBe(0);
  return value;
}

const consumerMetadata = Buffer.from([0, 0, 0, 0, 0, 1, 0, 6, ...Buffer.from('alerts'), 0, 0, 0, 0]);

async function joinV0(c: WireClient, groupId: string, memberId = '') {
  const r = await c.request(11, 0, (w) => {
    w.string(groupId).int32(10_000).string(memberId).string('consumer');
    w.array([['range', consumerMetadata] as const], (pw, [name, meta]) => pw.string(name).bytes(meta));
  });
  return exactly(r, (x) => ({
    errorCode: x.int16(),
    generationId: x.int32(),
    protocol: x.string(),
    leader: x.string(),
    memberId: x.string(),
    members: x.array((m) => ({ memberId: m.string(), metadata: Buffer.from(m.bytes()) })),
  }));
}

describe('group APIs on the wire', () => {
  it('FindCoordinator v0 and v2 point at this broker', async () => {
    const c = await wire();
    const v0 = exactly(await c.request(10, 0, (w) => w.string('any-group')), (r) => [
      r.int16(),
      r.int32(),
      r.string(),
      r.int32(),
    ]);
    expect(v0).toEqual([0, 0, '127.0.0.1', broker.port]);
    const v2 = exactly(await c.request(10, 2, (w) => w.string('any-group').int8(0)), (r) => [
      r.int32(),
      r.int16(),
      r.nullableString(),
      r.int32(),
      r.string(),
      r.int32(),
    ]);
    expect(v2).toEqual([0, 0, null, 0, '127.0.0.1', broker.port]);
    // No transaction coordinator: transactions are not offered.
    const txn = exactly(await c.request(10, 2, (w) => w.string('txn').int8(1)), (r) => [
      r.int32(),
      r.int16(),
      r.nullableString(),
      r.int32(),
      r.string(),
      r.int32(),
    ]);
    expect(txn).toEqual([0, 15, null, -1, '', -1]);
  });

  it('JoinGroup, SyncGroup, Heartbeat and LeaveGroup at v0 (no member-id round trip)', async () => {
    const c = await wire('old-client');
    const joined = await joinV0(c, 'v0-group');
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1, protocol: 'range' });
    expect(joined.memberId).toMatch(/^old-client-[0-9a-f-]{36}$/);
    expect(joined.leader).toBe(joined.memberId);
    expect(joined.members).toEqual([{ memberId: joined.memberId, metadata: consumerMetadata }]);

    const assignment = Buffer.from('plan');
    const synced = exactly(
      await c.request(14, 0, (w) => {
        w.string('v0-group').int32(1).string(joined.memberId);
        w.array([joined.memberId], (aw, id) => aw.string(id).bytes(assignment));
      }),
      (r) => [r.int16(), Buffer.from(r.bytes()).toString()],
    );
    expect(synced).toEqual([0, 'plan']);
    const beat = (generation: number) =>
      c.request(12, 0, (w) => w.string('v0-group').int32(generation).string(joined.memberId));
    expect(exactly(await beat(1), (r) => r.int16())).toBe(0);
    expect(exactly(await beat(9), (r) => r.int16())).toBe(22);
    const left = exactly(await c.request(13, 0, (w) => w.string('v0-group').string(joined.memberId)), (r) =>
      r.int16(),
    );
    expect(left).toBe(0);
    expect(exactly(await beat(1), (r) => r.int16())).toBe(25);
  });

  it('JoinGroup v4/v5 errors: 79 with an id, 26 for a bad session timeout; v3 LeaveGroup per member', async () => {
    const c = await wire('new-client');
    const join = (version: number, sessionTimeoutMs: number, memberId: string) =>
      c.request(11, version, (w) => {
        w.string('v5-group').int32(sessionTimeoutMs).int32(20_000).string(memberId);
        if (version >= 5) w.nullableString(null);
        w.string('consumer');
        w.array(['range'], (pw, name) => pw.string(name).bytes(consumerMetadata));
      });
    const readV5 = (r: Reader) => ({
      throttle: r.int32(),
      errorCode: r.int16(),
      generationId: r.int32(),
      protocol: r.string(),
      leader: r.string(),
      memberId: r.string(),
      members: r.array((m) => ({
        memberId: m.string(),
        instance: m.nullableString(),
        metadata: m.bytes().length,
      })),
    });
    expect(exactly(await join(5, 5999, ''), readV5).errorCode).toBe(26);
    const readV4 = (r: Reader) => ({
      throttle: r.int32(),
      errorCode: r.int16(),
      generationId: r.int32(),
      protocol: r.string(),
      leader: r.string(),
      memberId: r.string(),
      members: r.array((m) => ({ memberId: m.string(), metadata: m.bytes().length })),
    });
    const first = exactly(await join(4, 10_000, ''), readV4);
    expect(first).toMatchObject({ errorCode: 79, generationId: -1 });
    expect(first.memberId).toMatch(/^new-client-[0-9a-f-]{36}$/);
    const second = exactly(await join(5, 10_000, first.memberId), readV5);
    expect(second).toMatchObject({ errorCode: 0, generationId: 1, leader: first.memberId });
    expect(second.members).toEqual([
      { memberId: first.memberId, instance: null, metadata: consumerMetadata.length },
    ]);

    const left = exactly(
      await c.request(13, 3, (w) => {
        w.string('v5-group');
        w.array([first.memberId, 'stranger'], (mw, id) => mw.string(id).nullableString(null));
      }),
      (r) => ({
        throttle: r.int32(),
        errorCode: r.int16(),
        members: r.array((m) => [m.string(), m.nullableString(), m.int16()]),
      }),
    );
    expect(left).toEqual({
      throttle: 0,
      errorCode: 0,
      members: [
        [first.memberId, null, 0],
        ['stranger', null, 25],
      ],
    });
  });

  it('Heartbeat answers 27 while the group prepares a rebalance, SyncGroup too', async () => {
    const a = await wire('member-a');
    const b = await wire('member-b');
    const joinedA = await joinV0(a, 'rebalancing');
    const syncV3 = (c: WireClient, memberId: string, generation: number) =>
      c.request(14, 3, (w) => {
        w.string('rebalancing').int32(generation).string(memberId).nullableString(null);
        w.array([] as string[], () => {});
      });
    expect(
      exactly(await syncV3(a, joinedA.memberId, 1), (r) => [r.int32(), r.int16(), r.bytes().length]),
    ).toEqual([0, 0, 0]);
    const bJoin = joinV0(b, 'rebalancing'); // held until a rejoins
    await sleep(50);
    const beat = exactly(
      await a.request(12, 3, (w) =>
        w.string('rebalancing').int32(1).string(joinedA.memberId).nullableString(null),
      ),
      (r) => [r.int32(), r.int16()],
    );
    expect(beat).toEqual([0, 27]);
    expect(
      exactly(await syncV3(a, joinedA.memberId, 1), (r) => [r.int32(), r.int16(), r.bytes().length]),
    ).toEqual([0, 27, 0]);
    const [aAgain, bJoined] = await Promise.all([joinV0(a, 'rebalancing', joinedA.memberId), bJoin]);
    expect(aAgain.generationId).toBe(2);
    expect(aAgain.leader).toBe(joinedA.memberId);
    expect(aAgain.members).toHaveLength(2);
    expect(bJoined.members).toEqual([]);
  });

  it('OffsetCommit v2 and OffsetFetch v1/v2 (null = all topics)/v4; ListGroups v0; DescribeGroups v0; DeleteGroups v0', async () => {
    const c = await wire();
    const committed = exactly(
      await c.request(8, 2, (w) => {
        w.string('offsets-only').int32(-1).string('').int64(-1);
        w.array(['alerts'], (tw, t) => {
          tw.string(t);
          tw.array([0, 1, 7], (pw, p) =>
            pw
              .int32(p)
              .int64(40 + p)
              .nullableString(p === 0 ? 'note' : null),
          );
        });
      }),
      (r) => r.array((t) => [t.string(), t.array((p) => [p.int32(), p.int16()])]),
    );
    expect(committed).toEqual([
      [
        'alerts',
        [
          [0, 0],
          [1, 0],
          [7, 3],
        ],
      ],
    ]);

    const fetchV1 = exactly(
      await c.request(9, 1, (w) => {
        w.string('offsets-only');
        w.array(['alerts'], (tw, t) => tw.string(t).array([0, 1], (pw, p) => pw.int32(p)));
      }),
      (r) =>
        r.array((t) => [t.string(), t.array((p) => [p.int32(), p.int64(), p.nullableString(), p.int16()])]),
    );
    expect(fetchV1).toEqual([
      [
        'alerts',
        [
          [0, 40, 'note', 0],
          [1, 41, null, 0],
        ],
      ],
    ]);
    const fetchAll = exactly(await c.request(9, 2, (w) => w.string('offsets-only').int32(-1)), (r) => [
      r.array((t) => [
        t.string(),
        t.array((p) => {
          const partition = p.int32();
          const offset = p.int64();
          p.nullableString();
          return [partition, offset, p.int16()];
        }),
      ]),
      r.int16(),
    ]);
    expect(fetchAll).toEqual([
      [
        [
          'alerts',
          [
            [0, 40, 0],
            [1, 41, 0],
          ],
        ],
      ],
      0,
    ]);
    const fetchNone = exactly(
      await c.request(9, 4, (w) => {
        w.string('never-committed');
        w.array(['alerts'], (tw, t) => tw.string(t).array([0], (pw, p) => pw.int32(p)));
      }),
      (r) => [
        r.int32(),
        r.array((t) => [t.string(), t.array((p) => [p.int32(), p.int64(), p.nullableString(), p.int16()])]),
        r.int16(),
      ],
    );
    expect(fetchNone).toEqual([0, [['alerts', [[0, -1, '', 0]]]], 0]);

    const listed = exactly(await c.request(16, 0, () => {}), (r) => [
      r.int16(),
      r.array((g) => [g.string(), g.string()]),
    ]);
    expect(listed[0]).toBe(0);
    expect(listed[1]).toContainEqual(['offsets-only', '']);
    const described = exactly(
      await c.request(15, 0, (w) => w.array(['offsets-only', 'nobody'], (gw, g) => gw.string(g))),
      (r) =>
        r.array((g) => [
          g.int16(),
          g.string(),
          g.string(),
          g.string(),
          g.string(),
          g.array(() => null).length,
        ]),
    );
    expect(described).toEqual([
      [0, 'offsets-only', 'Empty', '', '', 0],
      [0, 'nobody', 'Dead', '', '', 0],
    ]);
    const deleted = exactly(
      await c.request(42, 0, (w) => w.array(['offsets-only', 'nobody'], (gw, g) => gw.string(g))),
      (r) => [r.int32(), r.array((g) => [g.string(), g.int16()])],
    );
    expect(deleted).toEqual([
      0,
      [
        ['offsets-only', 0],
        ['nobody', 69],
      ],
    ]);
  });
});

describe('groups as kafkajs admin sees them', () => {
  it('lists, describes (exact state names), fetches offsets and deletes only empty groups', async () => {
    const groupId = 'notify-push';
    expect((await admin.describeGroups([groupId])).groups[0]?.state).toBe('Dead');
    const none = await admin.fetchOffsets({ groupId, topics: ['alerts'] });
    expect(none[0]?.partitions.map((p) => p.offset)).toEqual(['-1', '-1']);

    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: 6000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 100,
    });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    await consumer.connect();
    await consumer.subscribe({ topic: 'alerts', fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
    await waitFor('the consumer to join', () => joined);

    const [stable] = (await admin.describeGroups([groupId])).groups;
    expect(stable).toMatchObject({
      groupId,
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'RoundRobinAssigner',
    });
    expect(stable?.members.map((m) => [m.clientId, m.clientHost])).toEqual([['operator', '/127.0.0.1']]);
    expect(stable?.members[0]?.memberAssignment.length).toBeGreaterThan(0);
    expect((await admin.listGroups()).groups).toContainEqual({ groupId, protocolType: 'consumer' });

    const refused = await admin.deleteGroups([groupId]).catch((err: unknown) => err);
    expect((refused as { groups?: Array<{ errorCode: number }> }).groups?.[0]?.errorCode).toBe(68);

    await consumer.disconnect();
    expect((await admin.describeGroups([groupId])).groups[0]?.state).toBe('Empty');
    expect(await admin.deleteGroups([groupId])).toEqual([{ groupId, errorCode: 0 }]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(groupId);
  });
});
