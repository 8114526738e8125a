import { fileURLToPath } from 'node:url';
import {
  HouseholdRegistered,
  HouseholdUpdated,
  MedicalExpenseCorrected,
  MedicalExpenseRecorded,
  MedicalExpenseReversed,
  MemberIncomeReported,
  RiskCleared,
  RiskFlagged,
  syntheticResidentId,
  topics,
} from '@huimin/contracts';
import {
  createProducer,
  createPublisher,
  DLQ_HEADERS,
  ensureTopics,
  eventRecord,
  type PublishableRecord,
  type Publisher,
} from '@huimin/kafka';
import { readRecords, startTestEnv, type TestEnv, waitUntil } from '@huimin/testkit';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIMS_BY_HOUSEHOLD } from '../src/handlers/topics.ts';
import { startRiskPipeline } from '../src/pipeline.ts';

// Set-based batches: many events of a partition applied in one transaction, each household
// re-assessed once at the end. What a batch does must equal what the events one by one would do.
const now = () => new Date('2025-03-03T02:00:00Z');
let env: TestEnv;
let producer: Producer;
let publisher: Publisher;
let stop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  env = await startTestEnv({
    name: 'risk_batch',
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
  publisher = createPublisher({ producer });
  stop = await startRiskPipeline({
    kafka: env.kafka,
    pool: env.pool,
    logger: env.logger,
    schema: env.schema,
    publisher,
    connectionString: env.databaseUrl,
    now,
    batchSize: 50,
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 500,
    pollMs: 200,
  });
});

afterAll(async () => {
  await stop?.();
  await producer?.disconnect();
  await env?.close();
});

const household = structuredClone(HouseholdRegistered.example);
const householdId = household.householdId;
const patient = household.members[0]?.residentId ?? '';
const spouse = household.members[1]?.residentId ?? '';
// Someone no household names yet: the claim waits, parked.
const stranger = syntheticResidentId({ birthDate: '1961-05-17', sex: 'male', seq: 321 });

function claim(claimId: string, residentId: string, outOfPocketFen: number) {
  return {
    ...MedicalExpenseRecorded.example,
    claimId,
    patientResidentId: residentId,
    dateOfCare: '2025-02-11',
    businessDate: '2025-03-01',
    totalCostFen: outOfPocketFen + 1_000_000,
    insurancePaidFen: 900_000,
    medicalAssistancePaidFen: 100_000,
  };
}

function raw(record: ReturnType<typeof eventRecord>): PublishableRecord {
  return {
    topic: record.topic,
    key: record.key,
    headers: record.headers,
    value: JSON.stringify(record.payload),
  };
}

async function storedClaims(): Promise<
  Record<string, { oop: number; reversed: boolean; household: string }>
> {
  const { rows } = await env.pool.query<{
    claim_id: string;
    oop: string;
    reversed: boolean;
    household_id: string;
  }>(
    `select claim_id, total_cost_fen - insurance_paid_fen - medical_assistance_paid_fen as oop, reversed, household_id
       from claims`,
  );
  return Object.fromEntries(
    rows.map((r) => [r.claim_id, { oop: Number(r.oop), reversed: r.reversed, household: r.household_id }]),
  );
}

describe('risk applies a batch of claims set-wise', () => {
  it('a batch mixing a correction, a duplicate, a reversal, a parked claim and a broken record gives what the events one by one give', async () => {
    // 6,000 yuan a month for a household of three: 72,000 yuan a year; 10% is 7,200 yuan.
    await publisher.publish(HouseholdRegistered, household, { source: '/test' });
    await publisher.publish(
      MemberIncomeReported,
      {
        householdId,
        residentId: patient,
        businessDate: '2025-01-01',
        incomes: [{ type: 'wage', monthlyFen: 600_000 }],
      },
      { source: '/test' },
    );
    await waitUntil(
      async () =>
        (await env.pool.query('select 1 from member_incomes where household_id = $1', [householdId]))
          .rowCount === 1,
      'the household and its income are known',
    );

    // One produce call, so the records reach risk together and are handled as batches.
    const recorded = eventRecord(MedicalExpenseRecorded, claim('C-1', patient, 500_000), { source: '/test' });
    const broken = eventRecord(MedicalExpenseRecorded, claim('C-BROKEN', patient, 1), { source: '/test' });
    await publisher.publishRecords([
      raw(recorded),
      // The same event again (a retried delivery): it must count once.
      raw(recorded),
      // A record that breaks the claim contract, between good ones of the same patient.
      {
        ...raw(broken),
        value: JSON.stringify({ ...(broken.payload as Record<string, unknown>), totalCostFen: -5 }),
      },
      // A correction: C-1 becomes 6,000 yuan.
      raw(
        eventRecord(
          MedicalExpenseCorrected,
          { ...claim('C-1', patient, 600_000), businessDate: '2025-03-02' },
          { source: '/test' },
        ),
      ),
      raw(eventRecord(MedicalExpenseRecorded, claim('C-2', spouse, 300_000), { source: '/test' })),
      // Recorded and reversed within the batch: it leaves nothing.
      raw(eventRecord(MedicalExpenseRecorded, claim('C-4', patient, 100_000), { source: '/test' })),
      raw(
        eventRecord(
          MedicalExpenseReversed,
          {
            claimId: 'C-4',
            patientResidentId: patient,
            businessDate: '2025-03-02',
            reason: 'withdrawn-by-source',
          },
          { source: '/test' },
        ),
      ),
      raw(eventRecord(MedicalExpenseRecorded, claim('C-3', stranger, 100_000), { source: '/test' })),
    ]);

    await waitUntil(async () => {
      const claims = await storedClaims();
      return (
        claims['C-1']?.oop === 600_000 && claims['C-2'] !== undefined && claims['C-4']?.reversed === true
      );
    }, 'the batch is joined');
    await waitUntil(
      async () =>
        (await env.pool.query('select 1 from parked_claims where claim_id = $1', ['C-3'])).rowCount === 1,
      "the stranger's claim is parked",
    );
    // 6,000 + 3,000 yuan = 9,000 of 72,000: 12.5%, watch — one flag, whatever order the batches took.
    const { rows } = await env.pool.query<{ level: string; oop: string }>(
      `select level, assessment->>'outOfPocketFen' as oop from household_risk where household_id = $1`,
      [householdId],
    );
    expect(rows[0]).toEqual({ level: 'watch', oop: '900000' });
    const [parked] = await readRecords(env.kafka, `${MedicalExpenseRecorded.topic.name}.dlq`, { count: 1 });
    expect(parked?.headers[DLQ_HEADERS.errorType]).toBe('PoisonEventError');
    expect(parked?.headers.ce_id).toBe(broken.envelope.id);

    // The stranger's household arrives: the parked claim is joined to it.
    const strangers = {
      ...structuredClone(household),
      householdId: 'H-STRANGER',
      members: [{ ...(household.members[0] as (typeof household.members)[number]), residentId: stranger }],
      legalSupporters: [],
    };
    await publisher.publish(HouseholdRegistered, strangers, { source: '/test' });
    await waitUntil(
      async () => (await storedClaims())['C-3']?.household === 'H-STRANGER',
      'the parked claim is joined once its patient is known',
    );
    expect((await env.pool.query('select 1 from parked_claims where claim_id = $1', ['C-3'])).rowCount).toBe(
      0,
    );

    const claims = await storedClaims();
    expect(claims).toEqual({
      'C-1': { oop: 600_000, reversed: false, household: householdId },
      'C-2': { oop: 300_000, reversed: false, household: householdId },
      'C-3': { oop: 100_000, reversed: false, household: 'H-STRANGER' },
      'C-4': { oop: expect.any(Number), reversed: true, household: householdId },
    });
    const flags = await readRecords(env.kafka, RiskFlagged.topic.name, { timeoutMs: 10_000 });
    expect(flags.filter((f) => f.key === householdId).map((f) => JSON.parse(f.value).level)).toEqual([
      'watch',
    ]);
  });

  it('a record the database refuses fails its batch; the batch is retried one by one, the rest joined and the record dead-lettered', async () => {
    // A rule the store enforces (here a constraint added for the test) that one claim breaks.
    await env.pool.query(
      `alter table claims add constraint refuses_one_claim check (claim_id <> 'C-REFUSED')`,
    );
    const refused = eventRecord(MedicalExpenseRecorded, claim('C-REFUSED', patient, 50_000), {
      source: '/test',
    });
    await publisher.publishRecords([
      raw(eventRecord(MedicalExpenseRecorded, claim('C-5', patient, 50_000), { source: '/test' })),
      raw(refused),
      raw(eventRecord(MedicalExpenseRecorded, claim('C-6', patient, 50_000), { source: '/test' })),
    ]);
    const [dead] = await readRecords(env.kafka, `${CLAIMS_BY_HOUSEHOLD.name}.dlq`, {
      count: 1,
      timeoutMs: 30_000,
    });
    expect(dead?.headers.ce_id).toBe(refused.envelope.id);
    expect(dead?.headers[DLQ_HEADERS.attempts]).toBe('5');
    expect(dead?.headers[DLQ_HEADERS.error]).toContain('refuses_one_claim');
    await waitUntil(async () => {
      const claims = await storedClaims();
      return claims['C-5'] !== undefined && claims['C-6'] !== undefined;
    }, 'the claims around the refused one are joined');
    expect((await storedClaims())['C-REFUSED']).toBeUndefined();
    const { rows } = await env.pool.query<{ oop: string }>(
      `select assessment->>'outOfPocketFen' as oop from household_risk where household_id = $1`,
      [householdId],
    );
    expect(rows[0]?.oop).toBe('1000000');
  });

  it('a claim that arrives for its patient’s new household leaves the old one: it counts once, and the old household is cleared', async () => {
    const head = (residentId: string, birthDate: string, sex: 'male' | 'female') => ({
      ...(household.members[0] as (typeof household.members)[number]),
      residentId,
      birthDate,
      sex,
    });
    const mover = syntheticResidentId({ birthDate: '1970-07-07', sex: 'male', seq: 41 });
    const earnerA = syntheticResidentId({ birthDate: '1971-08-08', sex: 'female', seq: 42 });
    const earnerB = syntheticResidentId({ birthDate: '1972-09-09', sex: 'female', seq: 43 });
    const snapshot = (id: string, businessDate: string, members: ReturnType<typeof head>[]) => ({
      ...structuredClone(household),
      householdId: id,
      businessDate,
      members,
      legalSupporters: [],
    });
    const moverAsSpouse = { ...head(mover, '1970-07-07', 'male'), relationToHead: 'spouse' as const };
    await publisher.publish(
      HouseholdRegistered,
      snapshot('HH-MOVE-A', '2025-01-01', [head(earnerA, '1971-08-08', 'female'), moverAsSpouse]),
      { source: '/test' },
    );
    await publisher.publish(
      HouseholdRegistered,
      snapshot('HH-MOVE-B', '2025-01-01', [head(earnerB, '1972-09-09', 'female')]),
      { source: '/test' },
    );
    // 1,000 yuan a month each: 12,000 yuan a year.
    for (const [id, residentId] of [
      ['HH-MOVE-A', earnerA],
      ['HH-MOVE-B', earnerB],
    ] as const) {
      await publisher.publish(
        MemberIncomeReported,
        {
          householdId: id,
          residentId,
          businessDate: '2025-01-01',
          incomes: [{ type: 'wage', monthlyFen: 100_000 }],
        },
        { source: '/test' },
      );
    }
    await waitUntil(
      async () =>
        (await env.pool.query(`select 1 from member_incomes where household_id like 'HH-MOVE-%'`))
          .rowCount === 2,
      'both households and their incomes are known',
    );
    // 2,000 yuan out of pocket: over 10% of 12,000 — A is flagged.
    await publisher.publish(MedicalExpenseRecorded, claim('C-MOVE', mover, 200_000), { source: '/test' });
    await waitUntil(async () => (await storedClaims())['C-MOVE']?.household === 'HH-MOVE-A', 'joined to A');

    // The patient moves to B; the claim's correction comes for B (as the router sends it once it
    // knows the move).
    await publisher.publish(
      HouseholdUpdated,
      snapshot('HH-MOVE-A', '2025-03-02', [head(earnerA, '1971-08-08', 'female')]),
      { source: '/test' },
    );
    await publisher.publish(
      HouseholdUpdated,
      snapshot('HH-MOVE-B', '2025-03-02', [head(earnerB, '1972-09-09', 'female'), moverAsSpouse]),
      { source: '/test' },
    );
    const correction = eventRecord(
      MedicalExpenseCorrected,
      { ...claim('C-MOVE', mover, 250_000), businessDate: '2025-03-02' },
      { source: '/test' },
    );
    await publisher.publishRecords([
      { ...raw(correction), topic: CLAIMS_BY_HOUSEHOLD.name, key: 'HH-MOVE-B' },
    ]);

    const ofMove = async () =>
      (await readRecords(env.kafka, RiskFlagged.topic.name))
        .map((r) => ({
          type: r.headers.ce_type,
          ...(JSON.parse(r.value) as { householdId: string; level: string; outOfPocketFen: number }),
        }))
        .filter((e) => e.householdId.startsWith('HH-MOVE-'))
        // Each household's events in their order (one partition each; the sort is stable).
        .sort((a, b) => a.householdId.localeCompare(b.householdId));
    await waitUntil(
      async () => (await ofMove()).some((e) => e.householdId === 'HH-MOVE-A' && e.type === RiskCleared.type),
      'A cleared',
    );
    await waitUntil(async () => (await ofMove()).some((e) => e.householdId === 'HH-MOVE-B'), 'B flagged');
    const events = await ofMove();
    expect(events.map((e) => [e.householdId, e.type, e.outOfPocketFen])).toEqual([
      ['HH-MOVE-A', RiskFlagged.type, 200_000],
      ['HH-MOVE-A', RiskCleared.type, 0],
      ['HH-MOVE-B', RiskFlagged.type, 250_000],
    ]);
    expect((await storedClaims())['C-MOVE']).toEqual({
      oop: 250_000,
      reversed: false,
      household: 'HH-MOVE-B',
    });
  });
});
