import { randomUUID } from 'node:crypto';
import { readRecords, startTestEnv, type TestEnv, waitUntil } from '@huimin/testkit';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createConsumerRunner,
  createProducer,
  createPublisher,
  DLQ_HEADERS,
  ensureTopics,
  eventRecord,
  on,
  onBatch,
  type Publisher,
  replayDlq,
} from '../src/index.ts';
import { testEvent, testTopic } from './fixtures/test-events.ts';

let env: TestEnv;
let producer: Producer;
let publisher: Publisher;

beforeAll(async () => {
  env = await startTestEnv({ name: 'consumer_runner', redis: false });
  await env.pool.query(
    'create table effects (id bigserial primary key, event_id text not null, household_id text not null, seq int not null)',
  );
  producer = createProducer(env.kafka);
  await producer.connect();
  publisher = createPublisher({ producer });
});

afterAll(async () => {
  await producer?.disconnect();
  await env?.close();
});

async function effects(): Promise<{ event_id: string; household_id: string; seq: number }[]> {
  const { rows } = await env.pool.query(
    'select event_id, household_id, seq from effects order by household_id, seq',
  );
  return rows;
}

describe('consumer runner', () => {
  it('dead-letters a poison event with its error, lets the next events through, and replay-dlq re-drives it after a fix', async () => {
    await env.pool.query('truncate effects');
    const topic = testTopic('poison');
    const event = testEvent(topic);
    await ensureTopics(env.kafka, { topics: [topic], mode: 'dev', logger: env.logger });
    let fixed = false;
    const runner = createConsumerRunner({
      kafka: env.kafka,
      pool: env.pool,
      groupId: 'poison-test',
      logger: env.logger,
      maxAttempts: 3,
      backoffMs: 10,
      handlers: [
        on(event, async (payload, ctx) => {
          if (payload.poison && !fixed) throw new Error(`cannot handle seq ${payload.seq}`);
          await ctx.client.query('insert into effects (event_id, household_id, seq) values ($1, $2, $3)', [
            ctx.envelope.id,
            payload.householdId,
            payload.seq,
          ]);
        }),
      ],
    });
    await runner.start();
    try {
      const poison = await publisher.publish(
        event,
        { householdId: 'H1', seq: 1, poison: true },
        { source: '/test' },
      );
      await publisher.publish(event, { householdId: 'H1', seq: 2 }, { source: '/test' });
      await publisher.publish(event, { householdId: 'H1', seq: 3 }, { source: '/test' });

      await waitUntil(
        async () => (await effects()).length === 2,
        'the events after the poison one are handled',
      );
      expect((await effects()).map((row) => row.seq)).toEqual([2, 3]);

      const [parked] = await readRecords(env.kafka, `${topic.name}.dlq`, { count: 1 });
      expect(parked?.headers[DLQ_HEADERS.error]).toBe('cannot handle seq 1');
      expect(parked?.headers[DLQ_HEADERS.attempts]).toBe('3');
      expect(parked?.headers[DLQ_HEADERS.topic]).toBe(topic.name);
      expect(parked?.headers[DLQ_HEADERS.group]).toBe('poison-test');
      expect(parked?.headers.ce_id).toBe(poison.envelope.id);
      expect(parked?.key).toBe('H1');

      fixed = true;
      const report = await replayDlq({ kafka: env.kafka, topic: topic.name, logger: env.logger });
      expect(report).toEqual({ replayed: 1, skipped: 0 });
      await waitUntil(async () => (await effects()).length === 3, 'the replayed event is handled');
      const rows = await effects();
      expect(rows.map((row) => row.seq)).toEqual([1, 2, 3]);
      expect(rows[0]?.event_id).toBe(poison.envelope.id);

      // A second replay finds nothing new: progress is committed.
      expect(await replayDlq({ kafka: env.kafka, topic: topic.name, logger: env.logger })).toEqual({
        replayed: 0,
        skipped: 0,
      });
    } finally {
      await runner.stop();
    }
  });

  it('dead-letters a record with missing CloudEvents headers or a payload that breaks its contract, without calling the handler', async () => {
    await env.pool.query('truncate effects');
    const topic = testTopic('bad-headers');
    const event = testEvent(topic);
    await ensureTopics(env.kafka, { topics: [topic], mode: 'dev', logger: env.logger });
    const runner = createConsumerRunner({
      kafka: env.kafka,
      pool: env.pool,
      groupId: 'bad-headers-test',
      logger: env.logger,
      handlers: [
        on(event, async (payload, ctx) => {
          await ctx.client.query('insert into effects (event_id, household_id, seq) values ($1, $2, $3)', [
            ctx.envelope.id,
            payload.householdId,
            payload.seq,
          ]);
        }),
      ],
    });
    await runner.start();
    try {
      await producer.send({
        topic: topic.name,
        messages: [{ key: 'H9', value: '{"householdId":"H9","seq":1}' }],
      });
      await publisher.publish(event, { householdId: 'H9', seq: 2 }, { source: '/test' });
      const [parked] = await readRecords(env.kafka, `${topic.name}.dlq`, { count: 1 });
      expect(parked?.headers[DLQ_HEADERS.errorType]).toBe('PoisonEventError');
      expect(parked?.headers[DLQ_HEADERS.error]).toContain('ce_id');
      await waitUntil(async () => (await effects()).length === 1, 'the good event is handled');
      expect((await effects())[0]?.seq).toBe(2);
    } finally {
      await runner.stop();
    }
  });

  it('pauses fetching for backpressure, resumes, and commits finished work on a graceful stop', async () => {
    await env.pool.query('truncate effects');
    const topic = testTopic('pause-stop', 1);
    const event = testEvent(topic);
    await ensureTopics(env.kafka, { topics: [topic], mode: 'dev', logger: env.logger });
    const runner = createConsumerRunner({
      kafka: env.kafka,
      pool: env.pool,
      groupId: 'pause-stop-test',
      logger: env.logger,
      handlers: [
        on(event, async (payload, ctx) => {
          await ctx.client.query('insert into effects (event_id, household_id, seq) values ($1, $2, $3)', [
            ctx.envelope.id,
            payload.householdId,
            payload.seq,
          ]);
        }),
      ],
    });
    await runner.start();
    const admin = env.kafka.admin();
    await admin.connect();
    try {
      await publisher.publish(event, { householdId: 'H1', seq: 1 }, { source: '/test' });
      await waitUntil(async () => (await effects()).length === 1, 'the first event is handled');

      runner.pause();
      await publisher.publish(event, { householdId: 'H1', seq: 2 }, { source: '/test' });
      // While paused nothing more is handled, however long we look (bounded here to two seconds).
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect((await effects()).map((row) => row.seq)).toEqual([1]);

      runner.resume();
      await waitUntil(async () => (await effects()).length === 2, 'the held event is handled after resume');
    } finally {
      await runner.stop();
    }
    // After the stop, the group's committed offset covers both handled events: a restart re-reads nothing.
    const [offsets] = await admin.fetchOffsets({ groupId: 'pause-stop-test', topics: [topic.name] });
    await admin.disconnect();
    expect(offsets?.partitions.map((p) => p.offset)).toEqual(['2']);
  });

  it('two replicas in one group split the partitions and apply no event twice, even when it is delivered twice', async () => {
    await env.pool.query('truncate effects');
    const topic = testTopic('replicas', 4);
    const event = testEvent(topic);
    await ensureTopics(env.kafka, { topics: [topic], mode: 'dev', logger: env.logger });
    const seen: Record<string, Set<number>> = { a: new Set(), b: new Set() };
    const replica = (name: 'a' | 'b') =>
      createConsumerRunner({
        kafka: env.kafka,
        pool: env.pool,
        groupId: 'replicas-test',
        logger: env.logger,
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 500,
        batchSize: name === 'a' ? 1 : 50,
        handlers: [
          on(event, async (payload, ctx) => {
            seen[name]?.add(ctx.partition);
            await ctx.client.query('insert into effects (event_id, household_id, seq) values ($1, $2, $3)', [
              ctx.envelope.id,
              payload.householdId,
              payload.seq,
            ]);
          }),
        ],
      });
    const a = replica('a');
    const b = replica('b');
    await a.start();
    await b.start();
    try {
      // Publish once the group has settled with both members, so partitions don't move mid-test.
      const admin = env.kafka.admin();
      await admin.connect();
      await waitUntil(
        async () => {
          const { groups } = await admin.describeGroups(['replicas-test']);
          return groups[0]?.state === 'Stable' && groups[0].members.length === 2;
        },
        'both replicas joined the group',
        30_000,
      );
      await admin.disconnect();
      const ids: string[] = [];
      for (let seq = 1; seq <= 200; seq++) {
        const id = randomUUID();
        ids.push(id);
        // Every event published twice with the same id: what a relay crash or a retry produces.
        for (let copy = 0; copy < 2; copy++) {
          await publisher.publish(event, { householdId: `H${seq % 10}`, seq }, { source: '/test', id });
        }
      }
      await waitUntil(async () => (await effects()).length >= 200, 'all 200 events are handled', 60_000);
      // Let any duplicate that is still in flight land before counting.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const rows = await effects();
      expect(rows).toHaveLength(200);
      expect(new Set(rows.map((row) => row.event_id))).toEqual(new Set(ids));
      // Per-key order: within each household the handling order is the publish order.
      const { rows: order } = await env.pool.query<{ household_id: string; seqs: number[] }>(
        'select household_id, array_agg(seq order by id) as seqs from effects group by household_id',
      );
      for (const { seqs } of order) expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(seen.a?.size).toBeGreaterThan(0);
      expect(seen.b?.size).toBeGreaterThan(0);
      const overlap = [...(seen.a ?? [])].filter((partition) => seen.b?.has(partition));
      expect(overlap).toEqual([]);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('hands runs of events to a batch handler in order, records duplicates once, and isolates a record that fails its batch', async () => {
    await env.pool.query('truncate effects');
    const topic = testTopic('batch-handler', 1);
    const event = testEvent(topic);
    await ensureTopics(env.kafka, { topics: [topic], mode: 'dev', logger: env.logger });
    const runs: number[] = [];
    const runner = createConsumerRunner({
      kafka: env.kafka,
      pool: env.pool,
      groupId: 'batch-handler-test',
      logger: env.logger,
      batchSize: 50,
      maxAttempts: 3,
      backoffMs: 10,
      handlers: onBatch([event], async (items, ctx) => {
        runs.push(items.length);
        if (items.some((item) => item.payload.poison)) throw new Error('cannot handle a poison event');
        // One statement for the run, in the order given.
        await ctx.client.query(
          `insert into effects (event_id, household_id, seq)
           select id, h, s from unnest($1::text[], $2::text[], $3::int[]) with ordinality as e(id, h, s, n) order by n`,
          [
            items.map((i) => i.envelope.id),
            items.map((i) => i.payload.householdId),
            items.map((i) => i.payload.seq),
          ],
        );
      }),
    });
    const record = (seq: number, options: { id?: string; poison?: boolean } = {}) => {
      const r = eventRecord(
        event,
        { householdId: 'H1', seq, ...(options.poison ? { poison: true } : {}) },
        { source: '/test', ...(options.id ? { id: options.id } : {}) },
      );
      return { topic: r.topic, key: r.key, headers: r.headers, value: JSON.stringify(r.payload) };
    };
    // Published before the runner starts, so they arrive in one fetch: ten events, the third
    // delivered twice, and a record without CloudEvents headers among them.
    const repeated = randomUUID();
    await publisher.publishRecords([
      ...[1, 2].map((seq) => record(seq)),
      record(3, { id: repeated }),
      record(3, { id: repeated }),
      { topic: topic.name, key: 'H1', headers: {}, value: '{"householdId":"H1","seq":99}' },
      ...[4, 5, 6, 7, 8, 9, 10].map((seq) => record(seq)),
    ]);
    await runner.start();
    try {
      await waitUntil(async () => (await effects()).length === 10, 'the ten events are handled');
      const [broken] = await readRecords(env.kafka, `${topic.name}.dlq`, { count: 1 });
      expect(broken?.headers[DLQ_HEADERS.errorType]).toBe('PoisonEventError');
      expect((await effects()).map((row) => row.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // The handler got runs, not one event at a time.
      expect(Math.max(...runs)).toBeGreaterThan(1);

      // A record the handler fails on fails its whole batch: the batch is retried one event at a
      // time, the others are applied once and the failing one is dead-lettered after its attempts.
      runs.length = 0;
      const poison = record(11, { poison: true });
      await publisher.publishRecords([record(12), poison, record(13)]);
      await waitUntil(
        async () => (await effects()).length === 12,
        'the events around the failing one are handled',
      );
      const dead = await readRecords(env.kafka, `${topic.name}.dlq`, { count: 2 });
      expect(dead[1]?.headers.ce_id).toBe(poison.headers.ce_id);
      expect(dead[1]?.headers[DLQ_HEADERS.attempts]).toBe('3');
      expect((await effects()).map((row) => row.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13]);
      expect(runs).toContain(3);
      expect(runs.filter((n) => n === 1).length).toBeGreaterThanOrEqual(3);
    } finally {
      await runner.stop();
    }
  });
});
