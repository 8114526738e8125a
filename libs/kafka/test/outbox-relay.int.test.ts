import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { withTransaction } from '@huimin/pg';
import { readRecords, startTestEnv, type TestEnv, waitUntil } from '@huimin/testkit';
import type { Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendEvent,
  createConsumerRunner,
  createOutboxRelay,
  createProducer,
  createPublisher,
  ensureTopics,
  on,
} from '../src/index.ts';
import { testEvent, testTopic } from './fixtures/test-events.ts';

let env: TestEnv;
let producer: Producer;

beforeAll(async () => {
  env = await startTestEnv({ name: 'outbox_relay', redis: false });
  producer = createProducer(env.kafka);
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await env?.close();
});

async function unsent(): Promise<number> {
  const { rows } = await env.pool.query<{ n: string }>(
    'select count(*) as n from outbox where sent_at is null',
  );
  return Number(rows[0]?.n);
}

/** Rows in the outbox for a topic, sent or not. */
async function outboxRows(topic: string): Promise<number> {
  const { rows } = await env.pool.query<{ n: string }>('select count(*) as n from outbox where topic = $1', [
    topic,
  ]);
  return Number(rows[0]?.n);
}

async function onTopic(topic: string): Promise<number> {
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('outbox relay', () => {
  it('publishes in per-key order, woken by NOTIFY without waiting for its poll', async () => {
    const topic = testTopic('relay-order');
    const event = testEvent(topic);
    await ensureTopics(env.kafka, { topics: [topic], mode: 'dev', logger: env.logger });
    // A poll this long never fires within the test: only the NOTIFY can wake the relay.
    const relay = createOutboxRelay({
      pool: env.pool,
      schema: env.schema,
      publisher: createPublisher({ producer }),
      logger: env.logger,
      pollMs: 600_000,
      connectionString: env.databaseUrl,
    });
    await relay.start();
    try {
      // Give the relay its first (empty) turn so it is asleep, listening, before we write.
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (let seq = 1; seq <= 30; seq++) {
        await withTransaction(env.pool, (client) =>
          appendEvent(client, event, { householdId: `H${seq % 3}`, seq }, { source: '/test' }),
        );
      }
      const records = await readRecords(env.kafka, topic.name, { count: 30 });
      for (const household of ['H0', 'H1', 'H2']) {
        const seqs = records.filter((r) => r.key === household).map((r) => JSON.parse(r.value).seq as number);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        expect(seqs).toHaveLength(10);
      }
      expect(records.every((r) => r.headers.ce_type === event.type && r.headers.ce_source === '/test')).toBe(
        true,
      );
      await waitUntil(async () => (await unsent()) === 0, 'every row is marked sent');
    } finally {
      await relay.stop();
    }
  });

  it('killed between publishing and marking sent: the event goes out again and consumers apply it once', async () => {
    const topic = testTopic('relay-crash');
    const event = testEvent(topic);
    await ensureTopics(env.kafka, { topics: [topic], mode: 'dev', logger: env.logger });
    await env.pool.query('create table relay_effects (event_id text not null, seq int not null)');
    for (let seq = 1; seq <= 5; seq++) {
      await withTransaction(env.pool, (client) =>
        appendEvent(client, event, { householdId: 'H1', seq }, { source: '/test' }),
      );
    }

    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, 'fixtures', 'relay-dies-after-publish.ts')],
      {
        env: {
          ...process.env,
          BROKERS: env.brokers,
          DATABASE_URL: env.databaseUrl,
          SCHEMA: env.schema,
          // The relay that deletes each row as it publishes it: the crash must bring the rows back.
          RETAIN_SENT_MS: '0',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    expect(output).toContain('published 5');
    // The crash came before the commit: all five rows are still there, unsent.
    expect(await unsent()).toBe(5);
    expect(await outboxRows(topic.name)).toBe(5);

    const relay = createOutboxRelay({
      pool: env.pool,
      schema: env.schema,
      publisher: createPublisher({ producer }),
      logger: env.logger,
      connectionString: env.databaseUrl,
      retainSentMs: 0,
    });
    // Postgres ends the killed relay's transaction (and frees the outbox lock) once it notices the
    // connection is gone, which on a loaded machine can take a moment: until then drain() stands by.
    let republished = 0;
    await waitUntil(async () => {
      republished += await relay.drain();
      return republished >= 5;
    }, 'the outbox lock of the killed relay is released and the rows go out again');
    expect(republished).toBe(5);
    expect(await outboxRows(topic.name)).toBe(0);

    // At least once: the topic holds every event twice, in order both times.
    const records = await readRecords(env.kafka, topic.name, { count: 10 });
    expect(records.map((r) => JSON.parse(r.value).seq)).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);

    // Exactly-once effects: the consumer's inbox drops the repeats.
    const runner = createConsumerRunner({
      kafka: env.kafka,
      pool: env.pool,
      groupId: 'relay-crash-consumer',
      logger: env.logger,
      handlers: [
        on(event, async (payload, ctx) => {
          await ctx.client.query('insert into relay_effects values ($1, $2)', [ctx.envelope.id, payload.seq]);
        }),
      ],
    });
    await runner.start();
    try {
      // Wait for the consumer to reach the end of the topic (the five repeats) before counting again.
      const admin = env.kafka.admin();
      await admin.connect();
      await waitUntil(async () => {
        const [offsets] = await admin.fetchOffsets({ groupId: 'relay-crash-consumer', topics: [topic.name] });
        const committed = (offsets?.partitions ?? []).reduce(
          (sum, p) => sum + Math.max(0, Number(p.offset)),
          0,
        );
        return committed === 10;
      }, 'the consumer committed all ten records');
      await admin.disconnect();
      const { rows } = await env.pool.query<{ seq: number }>('select seq from relay_effects order by seq');
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await runner.stop();
    }
  });

  it('two relays draining at once publish each row once', async () => {
    const topic = testTopic('relay-pair');
    const event = testEvent(topic);
    await ensureTopics(env.kafka, { topics: [topic], mode: 'dev', logger: env.logger });
    for (let seq = 1; seq <= 300; seq++) {
      await withTransaction(env.pool, (client) =>
        appendEvent(client, event, { householdId: `H${seq % 7}`, seq }, { source: '/test' }),
      );
    }
    const relay = () =>
      createOutboxRelay({
        pool: env.pool,
        schema: env.schema,
        publisher: createPublisher({ producer }),
        logger: env.logger,
        batchSize: 20,
        connectionString: env.databaseUrl,
      });
    const [a, b] = await Promise.all([relay().drain(), relay().drain()]);
    // Whichever relay held the outbox lock did the work; a stand-by may have found nothing.
    const again = await relay().drain();
    expect(a + b + again).toBe(300);
    const admin = env.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic.name);
    await admin.disconnect();
    expect(ends.reduce((sum, p) => sum + Number(p.high), 0)).toBe(300);
    const records = await readRecords(env.kafka, topic.name, { count: 300 });
    const seqs = records.map((r) => JSON.parse(r.value).seq as number);
    expect(new Set(seqs).size).toBe(300);
    expect(seqs).toHaveLength(300);
  });
});

describe('the outbox does not grow', () => {
  it('deletes each row in the transaction that publishes it: after every wave of events the table is empty again', async () => {
    const topic = testTopic('relay-shrinks');
    const event = testEvent(topic);
    await ensureTopics(env.kafka, { topics: [topic], mode: 'dev', logger: env.logger });
    await waitUntil(async () => (await unsent()) === 0, 'earlier tests’ rows are out');
    await env.pool.query('delete from outbox');
    const relay = createOutboxRelay({
      pool: env.pool,
      schema: env.schema,
      publisher: createPublisher({ producer }),
      logger: env.logger,
      batchSize: 100,
      pollMs: 200,
      connectionString: env.databaseUrl,
      retainSentMs: 0,
    });
    await relay.start();
    const waves = 12;
    const perWave = 250;
    try {
      for (let wave = 0; wave < waves; wave++) {
        // 25 transactions of 10 events, as a busy service appends them.
        for (let t = 0; t < perWave / 10; t++) {
          await withTransaction(env.pool, async (client) => {
            for (let i = 0; i < 10; i++) {
              const seq = wave * perWave + t * 10 + i + 1;
              await appendEvent(client, event, { householdId: `H${seq % 5}`, seq }, { source: '/test' });
            }
          });
        }
        const published = (wave + 1) * perWave;
        await waitUntil(
          async () => (await onTopic(topic.name)) >= published,
          `wave ${wave + 1} is published`,
        );
        // The last batch's rows go when its transaction commits, just after the broker's ack.
        // With sent rows kept (as before), the table would hold 250, 500, … 3,000 rows.
        await waitUntil(async () => (await outboxRows(topic.name)) === 0, `wave ${wave + 1} left the outbox`);
      }
    } finally {
      await relay.stop();
    }
    expect(await onTopic(topic.name)).toBe(waves * perWave);
    const records = await readRecords(env.kafka, topic.name, { count: waves * perWave });
    expect(records).toHaveLength(waves * perWave);
    for (const household of ['H0', 'H1', 'H2', 'H3', 'H4']) {
      const seqs = records.filter((r) => r.key === household).map((r) => JSON.parse(r.value).seq as number);
      expect(seqs).toHaveLength((waves * perWave) / 5);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  }, 90_000);

  it('keeps sent rows readable for the retention, then removes them while it runs', async () => {
    const topic = testTopic('relay-retains');
    const event = testEvent(topic);
    await ensureTopics(env.kafka, { topics: [topic], mode: 'dev', logger: env.logger });
    await waitUntil(async () => (await unsent()) === 0, 'earlier tests’ rows are out');
    await env.pool.query('delete from outbox');
    const relay = createOutboxRelay({
      pool: env.pool,
      schema: env.schema,
      publisher: createPublisher({ producer }),
      logger: env.logger,
      pollMs: 100,
      connectionString: env.databaseUrl,
      retainSentMs: 5000,
    });
    await relay.start();
    try {
      await withTransaction(env.pool, async (client) => {
        for (let seq = 1; seq <= 40; seq++)
          await appendEvent(client, event, { householdId: 'H1', seq }, { source: '/test' });
      });
      await waitUntil(async () => (await onTopic(topic.name)) === 40, 'the events are published');
      const { rows } = await env.pool.query<{ sent: number; unsent: number }>(
        `select count(*) filter (where sent_at is not null)::int as sent,
                count(*) filter (where sent_at is null)::int as unsent
           from outbox`,
      );
      // Just published: stamped, still there for whoever looks (the retention has not passed).
      expect(rows[0]).toEqual({ sent: 40, unsent: 0 });
      await waitUntil(async () => (await outboxRows(topic.name)) === 0, 'the relay removed the sent rows');
    } finally {
      await relay.stop();
    }
    expect(await onTopic(topic.name)).toBe(40);
  });
});

describe('outbox backlog metrics', () => {
  it('report the events waiting and the age of the oldest, and fall to zero once the relay has published them', async () => {
    const topic = testTopic('relay-metrics');
    const event = testEvent(topic);
    await ensureTopics(env.kafka, { topics: [topic], mode: 'dev', logger: env.logger });
    await waitUntil(async () => (await unsent()) === 0, 'earlier tests’ rows are out');
    const registry = new Registry();
    const relay = createOutboxRelay({
      pool: env.pool,
      schema: env.schema,
      publisher: createPublisher({ producer }),
      logger: env.logger,
      pollMs: 200,
      connectionString: env.databaseUrl,
      registry,
    });
    const value = async (name: string) =>
      (await registry.getSingleMetric(name)?.get())?.values.find((v) => v.labels.schema === env.schema)
        ?.value;
    // Not started: rows wait, as they would behind a relay that cannot reach Kafka.
    for (let seq = 1; seq <= 7; seq++) {
      await withTransaction(env.pool, (client) =>
        appendEvent(client, event, { householdId: 'H1', seq }, { source: '/test' }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await value('huimin_outbox_pending_events')).toBe(7);
    expect(await value('huimin_outbox_oldest_pending_seconds')).toBeGreaterThanOrEqual(1);
    await relay.start();
    try {
      await waitUntil(async () => (await unsent()) === 0, 'the relay published the backlog');
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await value('huimin_outbox_pending_events')).toBe(0);
      expect(await value('huimin_outbox_oldest_pending_seconds')).toBe(0);
    } finally {
      await relay.stop();
    }
  });
});
