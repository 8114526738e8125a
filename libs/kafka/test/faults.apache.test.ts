// What a fault costs the flow on a real three-broker Apache Kafka cluster (`pnpm test:apache-kafka`
// runs it; HUIMIN_APACHE_KAFKA_DIR names the cluster it started). A producer publishes a probe event
// every 50 ms on a schedule; a group of two consumer processes (the platform's consumer runner, its
// default session settings) records when each arrived. One fault at a time — a broker killed with
// kill -9, restarted, a rolling restart of all three brokers, a consumer killed with SIGKILL, a
// consumer stopped with SIGTERM as a rolling deploy does — and after each the flow must be whole
// again. The stall of a fault is the longest any event scheduled during it took to arrive.
// Afterwards every event arrived exactly once.

import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestEnv, type TestEnv, waitUntil } from '@huimin/testkit';
import { ApacheKafkaCluster, repoRoot } from '@huimin/testkit/apache-kafka';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMER_SESSION_TIMEOUT_MS, createProducer, createPublisher, ensureTopics } from '../src/index.ts';
import { testEvent, testTopic } from './fixtures/test-events.ts';

const clusterDir = process.env.HUIMIN_APACHE_KAFKA_DIR;
if (!clusterDir)
  throw new Error('run through `pnpm test:apache-kafka` (HUIMIN_APACHE_KAFKA_DIR names the cluster)');
const cluster = ApacheKafkaCluster.open(clusterDir);

const INTERVAL_MS = 50;
const TOPIC = `probe-${Date.now().toString(36)}`;
const GROUP = `probe-${Date.now().toString(36)}`;
const topic = testTopic(TOPIC, 6);
const event = testEvent(topic);

let env: TestEnv;
let producer: Producer;
const members = new Map<string, ChildProcess>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  env = await startTestEnv({ name: 'kafka_faults', redis: false });
  await env.pool.query(
    'create table probe_received (id bigserial primary key, seq int not null, member text not null, received_at timestamptz not null)',
  );
  await ensureTopics(env.kafka, { topics: [topic], mode: 'prod', logger: env.logger });
  producer = createProducer(env.kafka);
  await producer.connect();
}, 60_000);

afterAll(async () => {
  for (const member of members.values()) member.kill('SIGKILL');
  await producer?.disconnect();
  await env?.close();
});

function startMember(name: string): Promise<void> {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('./fixtures/probe-consumer.ts', import.meta.url))],
    {
      env: {
        ...process.env,
        KAFKA_BROKERS: env.brokers,
        DATABASE_URL: env.databaseUrl,
        PROBE_SCHEMA: env.schema,
        PROBE_TOPIC: TOPIC,
        PROBE_GROUP: GROUP,
        PROBE_MEMBER: name,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  members.set(name, child);
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('consuming')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`probe consumer ${name} exited with ${code}`)));
  });
}

async function stopMember(name: string, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  const child = members.get(name);
  if (!child) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
  members.delete(name);
}

describe('faults on a three-broker Apache Kafka cluster', () => {
  it('each fault stalls the flow briefly, a graceful stop never waits for a session timeout, and every event arrives exactly once', async () => {
    const t0 = Date.now();
    const due = (seq: number) => t0 + seq * INTERVAL_MS;
    const publisher = createPublisher({ producer });
    let producing = true;
    let published = 0;
    const producing$ = (async () => {
      for (let seq = 0; producing; seq++) {
        const wait = due(seq) - Date.now();
        if (wait > 0) await sleep(wait);
        await publisher.publish(event, { householdId: `H${seq % 97}`, seq }, { source: '/test/faults' });
        published = seq + 1;
      }
    })();

    const received = async () => {
      const { rows } = await env.pool.query<{ seq: number; at: Date }>(
        'select seq, min(received_at) as at from probe_received group by seq',
      );
      return new Map(rows.map((r) => [r.seq, r.at.getTime()]));
    };
    /**
     * Until the flow is whole again after a fault that began at `from`: every event due more than
     * a second ago has arrived, and that reaches at least five seconds past the fault (so a stall
     * that starts only when, say, a fenced broker's partitions move is inside its own window).
     */
    const flowing = async (what: string, from: number) => {
      await waitUntil(
        async () => {
          const horizon = Date.now() - 1000;
          if (horizon < from + 5000) return false;
          const got = await received();
          const dueBy = Math.floor((horizon - t0) / INTERVAL_MS);
          if (published < dueBy) return false;
          for (let seq = 0; seq < dueBy; seq++) if (!got.has(seq)) return false;
          return true;
        },
        `the flow to recover after: ${what}`,
        180_000,
      );
    };
    /** Until the probe group is stable with exactly `n` members (a join or leave has settled). */
    const groupOf = async (n: number) => {
      const admin = env.kafka.admin();
      await admin.connect();
      try {
        await waitUntil(
          async () => {
            const { groups } = await admin.describeGroups([GROUP]);
            return groups[0]?.state === 'Stable' && groups[0]?.members.length === n;
          },
          `the probe group to be stable with ${n} members`,
          120_000,
        );
      } finally {
        await admin.disconnect();
      }
    };
    const stalls: { fault: string; stallMs: number }[] = [];
    const measure = async (fault: string, run: () => Promise<void>) => {
      const from = Date.now();
      await run();
      await flowing(fault, from);
      const to = Date.now();
      const got = await received();
      let stallMs = 0;
      for (let seq = Math.max(0, Math.floor((from - t0) / INTERVAL_MS)); due(seq) < to - 1000; seq++) {
        const at = got.get(seq);
        if (at !== undefined) stallMs = Math.max(stallMs, at - due(seq));
      }
      stalls.push({ fault, stallMs });
      return stallMs;
    };

    await Promise.all([startMember('a'), startMember('b')]);
    await groupOf(2);
    await flowing('start', Date.now());
    const baseline = await measure('none (steady flow)', async () => {});

    // A broker dies: the partitions it led move once the controller fences it.
    const admin = env.kafka.admin();
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic.name] });
    await admin.disconnect();
    const leaders = new Map<number, number>();
    for (const p of topics[0]?.partitions ?? []) leaders.set(p.leader, (leaders.get(p.leader) ?? 0) + 1);
    const victim = [...leaders.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 1;
    const brokerKilled = await measure(`kill -9 broker ${victim}`, () => cluster.killNode(victim));
    await measure(`restart broker ${victim} (until it is in sync)`, () => cluster.restartNode(victim));
    for (const node of cluster.nodes)
      await measure(`rolling restart: broker ${node.id} (controlled shutdown, start, in sync)`, async () => {
        await cluster.stopNode(node.id);
        await cluster.restartNode(node.id);
      });

    // A consumer dies: its partitions wait for the session timeout, then move to the other member.
    const consumerKilled = await measure('SIGKILL consumer a', async () => {
      await stopMember('a', 'SIGKILL');
      await groupOf(1);
    });
    await measure('consumer a2 joins', async () => {
      await startMember('a2');
      await groupOf(2);
    });
    // A rolling deploy: SIGTERM, the runner leaves the group, the partitions move at once.
    const consumerStopped = await measure('SIGTERM consumer b (graceful leave)', async () => {
      await stopMember('b', 'SIGTERM');
      await groupOf(1);
    });
    await measure('consumer b2 joins', async () => {
      await startMember('b2');
      await groupOf(2);
    });

    producing = false;
    await producing$;
    await waitUntil(async () => (await received()).size === published, 'every event to arrive', 120_000);

    const report = {
      sessionTimeoutMs: CONSUMER_SESSION_TIMEOUT_MS,
      intervalMs: INTERVAL_MS,
      published,
      stalls,
    };
    writeFileSync(
      join(repoRoot, '.data', 'apache-kafka', 'stalls.json'),
      `${JSON.stringify(report, null, 2)}\n`,
    );
    process.stderr.write(`[kafka faults] ${JSON.stringify(report, null, 2)}\n`);

    // Exactly once: every event handled once (the inbox turns a redelivery into nothing).
    const { rows } = await env.pool.query<{ n: number; distinct: number; min: number; max: number }>(
      'select count(*)::int as n, count(distinct seq)::int as distinct, min(seq) as min, max(seq) as max from probe_received',
    );
    expect(rows[0]).toEqual({ n: published, distinct: published, min: 0, max: published - 1 });
    // A graceful stop hands the partitions over at once; only a killed consumer waits out its session.
    expect(consumerStopped).toBeLessThan(CONSUMER_SESSION_TIMEOUT_MS);
    expect(consumerKilled).toBeGreaterThan(consumerStopped);
    expect(brokerKilled).toBeGreaterThan(baseline);
  }, 900_000);
});
