import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerProcess, KcatProcess } from './fixtures/groups/processes.ts';
import {
  freePort,
  requireKcat,
  sleep,
  startBrokerProcess,
  startKcat,
  waitFor,
} from './fixtures/groups/processes.ts';

// librdkafka's consumer groups (through kcat -G) against the embedded broker: members split the
// partitions, a restarted member resumes from the committed offsets, and a librdkafka member
// that shares no assignor with a kafkajs group is refused with INCONSISTENT_GROUP_PROTOCOL.
// kcat is required: without it these tests fail and say how to install it.

const PARTITIONS = 4;

let dataDir = '';
let broker: BrokerProcess;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
const kcats: KcatProcess[] = [];
const consumers: Consumer[] = [];

beforeAll(async () => {
  requireKcat();
  dataDir = mkdtempSync(join(tmpdir(), 'kcat-groups-'));
  broker = await startBrokerProcess({ port: await freePort(), dataDir });
  kafka = new Kafka({ clientId: 'kcat-test', brokers: [broker.address], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer();
  await producer.connect();
});

afterAll(async () => {
  await Promise.allSettled(kcats.map((k) => k.stop()));
  await Promise.allSettled(consumers.map((c) => c.disconnect()));
  await producer?.disconnect().catch(() => {});
  await admin?.disconnect().catch(() => {});
  await broker?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function createTopic(topic: string): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
}

let produced = 0;
async function produce(topic: string, count: number): Promise<void> {
  const messages = Array.from({ length: count }, () => {
    const n = produced++;
    return { key: `household-${n % 29}`, value: `event-${n}` };
  });
  await producer.send({ topic, acks: -1, messages });
}

function kcatMember(group: string, topic: string): KcatProcess {
  const member = startKcat([
    '-b',
    broker.address,
    '-G',
    group,
    topic,
    '-f',
    '%p:%o\\n',
    '-u',
    '-X',
    'auto.offset.reset=earliest',
    '-X',
    'auto.commit.interval.ms=100',
    '-X',
    'session.timeout.ms=6000',
    '-X',
    'heartbeat.interval.ms=500',
  ]);
  kcats.push(member);
  return member;
}

/** The partitions kcat says it holds now, from its "% Group … rebalanced … assigned: t [0], t [1]" lines. */
function currentAssignment(member: KcatProcess): number[] | undefined {
  const lines = member.stderr.filter((l) => /rebalanced \(memberid .*\): (assigned|revoked):/.test(l));
  const last = lines[lines.length - 1];
  if (!last || last.includes('revoked:')) return undefined;
  return [...last.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
}

async function endOffsets(topic: string): Promise<Map<number, number>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((e) => [e.partition, Number(e.high)]));
}

/** Every printed "partition:offset" line, with who printed it. */
function printed(members: KcatProcess[]): Array<{ member: number; partition: number; offset: number }> {
  return members.flatMap((m, member) =>
    m.stdout.map((line) => {
      const [p, o] = line.split(':');
      return { member, partition: Number(p), offset: Number(o) };
    }),
  );
}

describe('kcat (librdkafka) consumer groups', () => {
  it('splits partitions between two members, and a restarted member resumes from committed offsets', async () => {
    const topic = 'eldercare.order';
    const group = 'eldercare-dispatch';
    await createTopic(topic);
    await produce(topic, 200);

    const all: KcatProcess[] = [];
    const allPrinted = async (what: string) => {
      const ends = await endOffsets(topic);
      await waitFor(
        what,
        () => [...ends].every(([p, end]) => printed(all).filter((r) => r.partition === p).length >= end),
        30_000,
      );
      // Give auto-commit (every 100 ms) time to store what was printed before membership changes.
      await sleep(600);
    };

    const first = kcatMember(group, topic);
    all.push(first);
    await waitFor(
      'the first member to own every partition',
      () => currentAssignment(first)?.length === PARTITIONS,
    );
    await allPrinted('the first member to print the first records');

    let second = kcatMember(group, topic);
    all.push(second);
    const split = await waitFor('both members sharing the partitions', () => {
      const a = currentAssignment(first);
      const b = currentAssignment(second);
      return a && b && a.length + b.length === PARTITIONS ? { a, b } : undefined;
    });
    expect(split.a.length).toBeGreaterThan(0);
    expect(split.b.length).toBeGreaterThan(0);
    expect(new Set([...split.a, ...split.b]).size).toBe(PARTITIONS);

    const before = printed(all).length;
    await produce(topic, 200);
    await allPrinted('both members printing the new records');
    const sharedPhase = printed(all).slice(before);
    expect(sharedPhase.filter((r) => r.member === 0).every((r) => split.a.includes(r.partition))).toBe(true);
    expect(sharedPhase.filter((r) => r.member === 1).every((r) => split.b.includes(r.partition))).toBe(true);
    expect(new Set(sharedPhase.map((r) => r.member))).toEqual(new Set([0, 1]));

    // The second member stops cleanly (commit, leave), records keep coming, then it comes back.
    expect((await second.stop()).code).toBe(0);
    await waitFor(
      'the first member to own every partition again',
      () => currentAssignment(first)?.length === PARTITIONS,
    );
    await produce(topic, 200);
    await allPrinted('the first member printing alone');
    second = kcatMember(group, topic);
    all.push(second);
    await waitFor(
      'the restarted member to get partitions',
      () => (currentAssignment(second)?.length ?? 0) > 0,
    );
    await waitFor(
      'the first member to give some up',
      () => (currentAssignment(first)?.length ?? 0) + (currentAssignment(second)?.length ?? 0) === PARTITIONS,
    );
    await produce(topic, 200);
    await allPrinted('both members printing after the restart');

    // Resumed from the committed offsets: no record was printed twice, none was skipped.
    const lines = printed(all);
    const keys = lines.map((r) => `${r.partition}:${r.offset}`);
    expect(keys.length - new Set(keys).size).toBe(0);
    const ends = await endOffsets(topic);
    expect([...ends.values()].reduce((x, y) => x + y, 0)).toBe(800);
    expect(keys.length).toBe(800);
    expect(lines.some((r) => r.member === 2)).toBe(true);
  }, 90_000);

  it('refuses a librdkafka member joining a kafkajs group it shares no assignor with (23)', async () => {
    const topic = 'risk.flagged';
    const group = 'discovery-alerts';
    await createTopic(topic);
    const consumer = kafka.consumer({ groupId: group, sessionTimeout: 6000, heartbeatInterval: 500 });
    consumers.push(consumer);
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value?.toString() ?? '');
      },
    });
    await waitFor('the kafkajs member to join', () => joined);
    await produce(topic, 50);
    await waitFor('kafkajs consuming', () => seen.length === 50);

    // kafkajs offers "RoundRobinAssigner", librdkafka "range" and "roundrobin": nothing in common.
    const intruder = kcatMember(group, topic);
    const exit = await intruder.exited;
    expect(exit.code).not.toBe(0);
    expect(intruder.stderr.join('\n')).toMatch(/Inconsistent group protocol/i);
    expect(intruder.stdout).toEqual([]);

    // The kafkajs group did not notice: same single member, still consuming.
    const [description] = (await admin.describeGroups([group])).groups;
    expect(description?.state).toBe('Stable');
    expect(description?.members.map((m) => m.clientId)).toEqual(['kcat-test']);
    await produce(topic, 50);
    await waitFor('kafkajs still consuming after the refusal', () => seen.length === 100);
  }, 60_000);
});
