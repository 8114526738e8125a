import { fileURLToPath } from 'node:url';
import {
  HouseholdRegistered,
  MedicalExpenseRecorded,
  MemberIncomeReported,
  RiskFlagged,
  syntheticResidentId,
  topics,
} from '@huimin/contracts';
import { createProducer, createPublisher, ensureTopics } from '@huimin/kafka';
import { readRecords, startTestEnv, type TestEnv, waitUntil } from '@huimin/testkit';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIMS_BY_HOUSEHOLD } from '../src/handlers/topics.ts';
import { startRiskPipeline } from '../src/pipeline.ts';

const now = () => new Date('2025-03-03T02:00:00Z');
let env: TestEnv;
let producer: Producer;

/** One risk instance, wired as main.ts wires it. */
function startInstance() {
  return startRiskPipeline({
    kafka: env.kafka,
    pool: env.pool,
    logger: env.logger,
    schema: env.schema,
    publisher: createPublisher({ producer }),
    connectionString: env.databaseUrl,
    now,
    batchSize: 10,
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 500,
    pollMs: 200,
  });
}

beforeAll(async () => {
  env = await startTestEnv({
    name: 'risk_replicas',
    migrationsDir: fileURLToPath(new URL('../migrations', import.meta.url)),
    redis: false,
  });
  await ensureTopics(env.kafka, {
    topics: [...Object.values(topics), CLAIMS_BY_HOUSEHOLD],
    mode: 'dev',
    logger: env.logger,
  });
  producer = createProducer(env.kafka);
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await env?.close();
});

describe('risk across instances', () => {
  it('two instances share the work and a third replaces one mid-stream: every household flagged exactly once', {
    timeout: 180_000,
  }, async () => {
    const publisher = createPublisher({ producer });
    const HOUSEHOLDS = 24;
    // One person earning 1,000 yuan a month: below subsistence, so the first yuan of care is severe.
    const people = Array.from({ length: HOUSEHOLDS }, (_, i) => ({
      householdId: `H-REP-${String(i).padStart(3, '0')}`,
      residentId: syntheticResidentId({ birthDate: '1960-05-05', sex: 'male', seq: i }),
    }));
    for (const { householdId, residentId } of people) {
      const h = structuredClone(HouseholdRegistered.example);
      h.householdId = householdId;
      h.members = [
        {
          ...(h.members[0] as (typeof h.members)[number]),
          residentId,
          birthDate: '1960-05-05',
          sex: 'male',
          relationToHead: 'head',
        },
      ];
      h.legalSupporters = [];
      await publisher.publish(HouseholdRegistered, h, { source: '/test' });
      await publisher.publish(
        MemberIncomeReported,
        {
          householdId,
          residentId,
          businessDate: '2025-01-01',
          incomes: [{ type: 'pension', monthlyFen: 100_000 }],
        },
        { source: '/test' },
      );
    }
    const claims = (round: number) =>
      people.map(({ residentId }, i) => ({
        ...MedicalExpenseRecorded.example,
        claimId: `C-REP-${round}-${i}`,
        patientResidentId: residentId,
        dateOfCare: '2025-02-11',
        businessDate: '2025-03-01',
        totalCostFen: 200_000,
        insurancePaidFen: 150_000,
        medicalAssistancePaidFen: 0,
      }));

    const stopA = await startInstance();
    const stopB = await startInstance();
    for (const claim of claims(1))
      await publisher.publish(MedicalExpenseRecorded, claim, { source: '/test' });
    await waitUntil(
      async () =>
        Number((await env.pool.query('select count(*) as n from claims')).rows[0]?.n) >= HOUSEHOLDS / 2,
      'half the first round is joined',
      60_000,
    );
    // Instance A goes away mid-stream; C takes its partitions from the committed offsets.
    await stopA();
    const stopC = await startInstance();
    for (const claim of claims(2))
      await publisher.publish(MedicalExpenseRecorded, claim, { source: '/test' });
    await waitUntil(
      async () =>
        Number((await env.pool.query('select count(*) as n from claims')).rows[0]?.n) === 2 * HOUSEHOLDS,
      'both rounds are joined',
      90_000,
    );
    await waitUntil(
      async () =>
        Number(
          (await env.pool.query('select count(*) as n from outbox where sent_at is null')).rows[0]?.n,
        ) === 0,
      'every flag is published',
      30_000,
    );
    await stopB();
    await stopC();

    const flags = await readRecords(env.kafka, RiskFlagged.topic.name);
    const perHousehold = new Map<string, number>();
    for (const flag of flags) perHousehold.set(flag.key ?? '', (perHousehold.get(flag.key ?? '') ?? 0) + 1);
    expect(perHousehold.size).toBe(HOUSEHOLDS);
    expect([...perHousehold.values()].every((n) => n === 1)).toBe(true);
    expect(flags.every((f) => JSON.parse(f.value).level === 'severe')).toBe(true);
    // Under the line before any care: the flag says the costs deepen it, not that they caused it.
    expect(flags.every((f) => JSON.parse(f.value).severeCause === 'already-below')).toBe(true);
  });
});
