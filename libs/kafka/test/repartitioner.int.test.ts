import { readRecords, startTestEnv, type TestEnv, waitUntil } from '@huimin/testkit';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProducer, createPublisher, createRepartitioner, ensureTopics } from '../src/index.ts';
import { testEvent, testTopic } from './fixtures/test-events.ts';

let env: TestEnv;
let producer: Producer;

beforeAll(async () => {
  env = await startTestEnv({ name: 'repartitioner', postgres: false, redis: false });
  producer = createProducer(env.kafka);
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await env?.close();
});

describe('repartitioner', () => {
  it('re-keys claims from person to household, co-partitioned with the household topic, keeping each person’s order', async () => {
    const byPerson = testTopic('claims-by-person', 5);
    const households = testTopic('households', 6);
    const byHousehold = testTopic('claims-by-household', 6);
    await ensureTopics(env.kafka, {
      topics: [byPerson, households, byHousehold],
      mode: 'dev',
      logger: env.logger,
    });

    // Six people in three households.
    const householdOf: Record<string, string> = {
      P1: 'HA',
      P2: 'HA',
      P3: 'HB',
      P4: 'HB',
      P5: 'HC',
      P6: 'HC',
    };
    const people = Object.keys(householdOf);
    const messages = [];
    for (let seq = 1; seq <= 120; seq++) {
      const person = people[seq % people.length] as string;
      messages.push({
        key: person,
        value: JSON.stringify({ person, seq }),
        headers: { ce_id: `claim-${seq}` },
      });
    }
    await producer.send({ topic: byPerson.name, acks: -1, messages });
    // One household record per household, produced the way every service produces.
    const householdEvent = testEvent(households);
    const publisher = createPublisher({ producer });
    for (const household of ['HA', 'HB', 'HC']) {
      await publisher.publish(householdEvent, { householdId: household, seq: 0 }, { source: '/test' });
    }

    const repartitioner = createRepartitioner({
      kafka: env.kafka,
      groupId: 'repartition-test',
      from: byPerson.name,
      to: byHousehold.name,
      logger: env.logger,
      rekey: async (record) => householdOf[record.key ?? ''] ?? null,
    });
    await repartitioner.start();
    try {
      // Everything on the target so far, until it holds all 120 claims (a retried send may have
      // stored some twice: see below).
      let out: Awaited<ReturnType<typeof readRecords>> = [];
      await waitUntil(
        async () => {
          out = await readRecords(env.kafka, byHousehold.name);
          return new Set(out.map((r) => r.headers.ce_id)).size >= 120;
        },
        'all 120 claims to be re-keyed',
        60_000,
      );
      const householdRecords = await readRecords(env.kafka, households.name, { count: 3 });
      const partitionOfHousehold = new Map(householdRecords.map((r) => [r.key, r.partition]));

      for (const record of out) {
        const { person } = JSON.parse(record.value) as { person: string };
        expect(record.key).toBe(householdOf[person]);
        // Co-partitioned: a household's claims sit on the partition number its household events use.
        expect(record.partition).toBe(partitionOfHousehold.get(record.key));
      }
      for (const person of people) {
        // Delivery is at least once: a producer's retried send can store a batch twice (seen with
        // kafkajs's idempotent producer on a loaded three-broker Apache Kafka cluster, in this
        // test's own input), and consumers dedupe on ce_id. What must hold is every claim once
        // after that dedupe, in the person's order.
        const seen = new Set<string>();
        const seqs = out
          .filter((r) => JSON.parse(r.value).person === person)
          .filter((r) => !seen.has(r.headers.ce_id ?? '') && seen.add(r.headers.ce_id ?? ''))
          .map((r) => JSON.parse(r.value).seq as number);
        expect(seqs).toHaveLength(20);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      }
      // Headers travel unchanged, so consumers still dedupe on ce_id.
      expect(new Set(out.map((r) => r.headers.ce_id)).size).toBe(120);
    } finally {
      await repartitioner.stop();
    }
  });
});
