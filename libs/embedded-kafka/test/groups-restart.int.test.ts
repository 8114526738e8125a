import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import type { MemberReport } from './fixtures/groups/kafkajs-member.ts';
import type { BrokerProcess, MemberProcess } from './fixtures/groups/processes.ts';
import { freePort, startBrokerProcess, startMember, waitFor } from './fixtures/groups/processes.ts';

// The broker dies with SIGKILL while a two-member group is consuming, and comes back on the
// same port and data dir. The members (kafkajs, separate processes) reconnect on their own;
// the group must resume from the offsets committed before the crash, not from the beginning.

const TOPIC = 'medical-expense.feed';
const GROUP = 'risk-join';
const PARTITIONS = 4;

let dataDir = '';
let broker: BrokerProcess | undefined;
const members: MemberProcess[] = [];

afterAll(async () => {
  await Promise.allSettled(members.map((m) => m.kill()));
  await broker?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

type RecordReport = Extract<MemberReport, { type: 'record' }>;
type Assignment = Extract<MemberReport, { type: 'assignment' }>;

async function produce(address: string, from: number, count: number): Promise<void> {
  const producer = new Kafka({
    clientId: 'claims-feed',
    brokers: [address],
    logLevel: logLevel.NOTHING,
  }).producer();
  await producer.connect();
  for (let i = from; i < from + count; i += 50) {
    const messages = Array.from({ length: Math.min(50, from + count - i) }, (_, j) => ({
      key: `patient-${(i + j) % 23}`,
      value: `claim-${i + j}`,
    }));
    await producer.send({ topic: TOPIC, acks: -1, messages });
  }
  await producer.disconnect();
}

async function endOffsets(address: string): Promise<Map<number, number>> {
  const admin = new Kafka({ clientId: 'inspector', brokers: [address], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(TOPIC);
  await admin.disconnect();
  return new Map(ends.map((e) => [e.partition, Number(e.high)]));
}

async function committedOffsets(address: string): Promise<Map<number, number>> {
  const admin = new Kafka({ clientId: 'inspector', brokers: [address], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const [topic] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
  await admin.disconnect();
  return new Map((topic?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

describe('consumer group across a broker crash', () => {
  it('keeps committed offsets through kill -9 and resumes from them', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'groups-restart-'));
    const port = await freePort();
    broker = await startBrokerProcess({ port, dataDir });
    const admin = new Kafka({
      clientId: 'setup',
      brokers: [broker.address],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true });
    await admin.disconnect();
    await produce(broker.address, 0, 800);

    const reports: MemberReport[] = [];
    for (const name of ['member-a', 'member-b']) {
      members.push(
        startMember({
          broker: broker.address,
          groupId: GROUP,
          topic: TOPIC,
          name,
          onReport: (r) => reports.push(r),
        }),
      );
    }
    /** A generation, newer than `after`, in which both members own partitions between them all. */
    const sharedGeneration = (after: number) => {
      const byGeneration = new Map<number, Assignment[]>();
      for (const r of reports) {
        if (r.type !== 'assignment' || r.generationId <= after) continue;
        byGeneration.set(r.generationId, [...(byGeneration.get(r.generationId) ?? []), r]);
      }
      return [...byGeneration].find(
        ([, list]) => list.length === 2 && new Set(list.flatMap((a) => a.partitions)).size === PARTITIONS,
      )?.[0];
    };
    const before = await waitFor('both members sharing the partitions', () => sharedGeneration(0));
    const endsBefore = await endOffsets(broker.address);
    const reachedEnds = (ends: Map<number, number>) =>
      [...ends].every(([p, end]) =>
        reports.some(
          (r) => r.type === 'commit' && r.offsets.some((o) => o.partition === p && o.offset === end),
        ),
      );
    await waitFor('the group to commit everything produced so far', () => reachedEnds(endsBefore));
    const committedBefore = await committedOffsets(broker.address);
    expect(committedBefore).toEqual(endsBefore);
    const generationsBefore = reports
      .filter((r): r is Assignment => r.type === 'assignment')
      .map((r) => r.generationId);

    await broker.kill();
    const reportsAtCrash = reports.length;
    broker = await startBrokerProcess({ port, dataDir });

    // What the crash left: the committed offsets, read before anything new is produced.
    expect(await committedOffsets(broker.address)).toEqual(committedBefore);

    const after = await waitFor(
      'both members back in one generation after the restart',
      () => sharedGeneration(before),
      45_000,
    );
    expect(after).toBeGreaterThan(before);
    await produce(broker.address, 800, 400);
    const endsAfter = await endOffsets(broker.address);
    expect([...endsAfter.values()].reduce((a, b) => a + b, 0)).toBe(1200);
    await waitFor(
      'the group to commit the records produced after the restart',
      () => reachedEnds(endsAfter),
      45_000,
    );

    // Nothing committed before the crash was processed again after it ...
    const afterCrash = reports.slice(reportsAtCrash).filter((r): r is RecordReport => r.type === 'record');
    const reread = afterCrash.filter((r) => r.offset < (committedBefore.get(r.partition) ?? 0));
    expect(reread).toEqual([]);
    // ... and every record since was processed.
    const processed = new Set(afterCrash.map((r) => `${r.partition}@${r.offset}`));
    for (const [p, end] of endsAfter) {
      for (let o = committedBefore.get(p) ?? 0; o < end; o++)
        expect(processed.has(`${p}@${o}`), `${p}@${o}`).toBe(true);
    }
    // The members rejoined under a newer generation: the generation survived the crash too.
    const generationsAfter = reports
      .slice(reportsAtCrash)
      .filter((r): r is Assignment => r.type === 'assignment')
      .map((r) => r.generationId);
    expect(generationsAfter.length).toBeGreaterThan(0);
    expect(Math.min(...generationsAfter)).toBeGreaterThan(Math.max(...generationsBefore));
    expect(await committedOffsets(broker.address)).toEqual(endsAfter);
  }, 90_000);
});
