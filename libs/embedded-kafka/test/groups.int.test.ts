import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Producer } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberReport } from './fixtures/groups/kafkajs-member.ts';
import type { BrokerProcess, MemberProcess } from './fixtures/groups/processes.ts';
import { freePort, sleep, startBrokerProcess, startMember, waitFor } from './fixtures/groups/processes.ts';

// A consumer group of three kafkajs members, each in its own process, reading a 6-partition
// topic while a producer keeps writing keyed records. One member leaves cleanly, one is
// killed with SIGKILL. What a service owner relies on: nothing is lost, no partition has two
// owners in one generation, and re-reads happen only for what the killed member had not
// committed yet.

const TOPIC = 'household.feed';
const GROUP = 'eligibility-projection';
const PARTITIONS = 6;

let dataDir: string;
let broker: BrokerProcess;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
const members: MemberProcess[] = [];
// The background producer; stopped by the test, or by afterAll if the test failed midway.
let producing = false;
let production: Promise<void> | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'groups-int-'));
  broker = await startBrokerProcess({ port: await freePort(), dataDir });
  kafka = new Kafka({ clientId: 'groups-test', brokers: [broker.address], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true });
  producer = kafka.producer();
  await producer.connect();
});

afterAll(async () => {
  producing = false;
  await production?.catch(() => {});
  await Promise.allSettled(members.map((m) => m.kill()));
  await producer?.disconnect().catch(() => {});
  await admin?.disconnect().catch(() => {});
  await broker?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

type Assignment = Extract<MemberReport, { type: 'assignment' }>;
type RecordReport = Extract<MemberReport, { type: 'record' }>;
type CommitReport = Extract<MemberReport, { type: 'commit' }>;

describe('kafkajs consumer group across processes', () => {
  it('loses nothing and re-reads only the killed member’s uncommitted records', async () => {
    const reports: MemberReport[] = [];
    let onReport: (r: MemberReport) => void = () => {};
    // b's handler is slower, so it is usually in the middle of a batch (processed, not yet
    // committed) when it is killed: the window re-reads may come from.
    const start = (name: string, workMs: number) => {
      const member = startMember({
        broker: broker.address,
        groupId: GROUP,
        topic: TOPIC,
        name,
        workMs,
        onReport: (r) => {
          reports.push(r);
          onReport(r);
        },
      });
      members.push(member);
      return member;
    };
    const assignments = () => reports.filter((r): r is Assignment => r.type === 'assignment');
    const records = () => reports.filter((r): r is RecordReport => r.type === 'record');
    const commits = () => reports.filter((r): r is CommitReport => r.type === 'commit');
    /** The newest generation in which exactly these members reported assignments covering every partition. */
    const generationOf = (names: string[], after = 0) => {
      const byGeneration = new Map<number, Assignment[]>();
      for (const a of assignments()) {
        if (a.generationId <= after) continue;
        byGeneration.set(a.generationId, [...(byGeneration.get(a.generationId) ?? []), a]);
      }
      for (const [generation, list] of [...byGeneration].sort((x, y) => y[0] - x[0])) {
        const who = list.map((a) => a.member).sort();
        const covered = new Set(list.flatMap((a) => a.partitions));
        if (JSON.stringify(who) === JSON.stringify([...names].sort()) && covered.size === PARTITIONS)
          return generation;
      }
      return undefined;
    };

    // Keyed records keep flowing through every membership change.
    producing = true;
    let sent = 0;
    production = (async () => {
      while (producing) {
        const messages = Array.from({ length: 25 }, () => {
          const n = sent++;
          return { key: `household-${n % 40}`, value: `event-${n}` };
        });
        await producer.send({ topic: TOPIC, acks: -1, messages });
        await sleep(40);
      }
    })();

    const a = start('member-a', 1);
    const b = start('member-b', 10);
    const c = start('member-c', 1);
    const allThree = await waitFor('a generation with a, b and c sharing all partitions', () =>
      generationOf(['member-a', 'member-b', 'member-c']),
    );
    await waitFor('every member processing records in that generation', () =>
      ['member-a', 'member-b', 'member-c'].every((m) =>
        records().some((r) => r.member === m && r.generationId === allThree),
      ),
    );

    await c.leave();
    expect(reports.some((r) => r.type === 'left' && r.member === 'member-c')).toBe(true);
    const afterLeave = await waitFor('a generation with a and b sharing all partitions', () =>
      generationOf(['member-a', 'member-b'], allThree),
    );
    await waitFor('a processing records after c left', () =>
      records().some((r) => r.member === 'member-a' && r.generationId === afterLeave),
    );

    // b dies without a word, in the middle of a batch: what it processed but had not committed
    // yet will be read again by a. The kill is sent the moment b reports its 20th record.
    const bPartitions =
      assignments().find((r) => r.member === 'member-b' && r.generationId === afterLeave)?.partitions ?? [];
    await new Promise<void>((resolve, reject) => {
      let seen = 0;
      const deadline = setTimeout(() => {
        const bRecords = records().filter((r) => r.member === 'member-b');
        reject(
          new Error(
            `b processed ${seen} records in generation ${afterLeave}; its last: ${JSON.stringify(bRecords.slice(-3))}`,
          ),
        );
      }, 20_000);
      onReport = (r) => {
        if (r.type !== 'record' || r.member !== 'member-b' || r.generationId !== afterLeave || ++seen < 20)
          return;
        onReport = () => {};
        clearTimeout(deadline);
        void b.kill().then(resolve);
      };
    });
    const reportsAtKill = reports.length;
    // Every commit b could have made is in this list: a commit is reported only after the broker answered it.
    const committedAtKill = new Map<number, number>();
    for (const r of reports) {
      if (r.type !== 'commit') continue;
      for (const o of r.offsets)
        committedAtKill.set(o.partition, Math.max(committedAtKill.get(o.partition) ?? 0, o.offset));
    }
    const bProcessed = records().filter((r) => r.member === 'member-b');
    const aloneGeneration = await waitFor(
      'a alone owning all partitions after b’s session expired',
      () => generationOf(['member-a'], afterLeave),
      30_000,
    );

    await sleep(500);
    producing = false;
    await production;
    const ends = await admin.fetchTopicOffsets(TOPIC);
    const endOf = new Map(ends.map((e) => [e.partition, Number(e.high)]));
    expect([...endOf.values()].reduce((x, y) => x + y, 0)).toBe(sent);
    await waitFor(
      'the group to commit up to the end of every partition',
      () =>
        [...endOf].every(([p, end]) =>
          commits().some((cm) => cm.offsets.some((o) => o.partition === p && o.offset === end)),
        ),
      30_000,
    );
    await a.leave();

    // 1. No partition owned by two members within one generation.
    const byGeneration = new Map<number, Assignment[]>();
    for (const r of assignments())
      byGeneration.set(r.generationId, [...(byGeneration.get(r.generationId) ?? []), r]);
    for (const [generation, list] of byGeneration) {
      const owned = list.flatMap((r) => r.partitions);
      expect(new Set(owned).size, `generation ${generation}: ${JSON.stringify(list)}`).toBe(owned.length);
    }
    // ... and every record was processed by a member that owned its partition in that generation.
    for (const r of records()) {
      const owner = byGeneration.get(r.generationId)?.find((x) => x.member === r.member);
      expect(
        owner?.partitions,
        `${r.member} processed ${r.partition}@${r.offset} in generation ${r.generationId}`,
      ).toContain(r.partition);
    }

    // 2. Nothing lost: every offset of every partition was processed, and the group committed it all.
    const seen = new Map<string, RecordReport[]>();
    for (const r of records())
      seen.set(`${r.partition}@${r.offset}`, [...(seen.get(`${r.partition}@${r.offset}`) ?? []), r]);
    for (const [p, end] of endOf) {
      for (let o = 0; o < end; o++)
        expect(seen.has(`${p}@${o}`), `record ${p}@${o} never processed`).toBe(true);
    }
    const committed = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    expect(
      committed[0]?.partitions
        .map((x) => [x.partition, Number(x.offset)])
        .sort((x, y) => Number(x[0]) - Number(y[0])),
    ).toEqual([...endOf].sort((x, y) => x[0] - y[0]));

    // 3. Re-reads only where b had processed past its last commit, re-read by a after taking over.
    const duplicates = [...seen.values()].filter((list) => list.length > 1);
    for (const list of duplicates) {
      const [first, ...again] = list as [RecordReport, ...RecordReport[]];
      const what = JSON.stringify(list);
      expect(first.member, what).toBe('member-b');
      expect(bPartitions, what).toContain(first.partition);
      expect(first.offset, what).toBeGreaterThanOrEqual(committedAtKill.get(first.partition) ?? 0);
      for (const r of again) {
        expect(r.member, what).toBe('member-a');
        expect(r.generationId, what).toBe(aloneGeneration);
      }
    }
    // The window is what b had processed and not committed: at most the batch it was in.
    expect(duplicates.length).toBeLessThanOrEqual(bProcessed.length);
    expect(reports.slice(reportsAtKill).some((r) => r.member === 'member-b')).toBe(false);
    expect(reports.filter((r) => r.type === 'crash')).toEqual([]);
  }, 120_000);
});
