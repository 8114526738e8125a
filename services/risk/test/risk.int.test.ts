import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createTestIssuer, createTokenVerifier } from '@huimin/auth';
import {
  HouseholdRegistered,
  MedicalExpenseCorrected,
  MedicalExpenseRecorded,
  MedicalExpenseReversed,
  MemberIncomeReported,
  PersonRecordRead,
  RiskCleared,
  RiskFlagged,
  syntheticResidentId,
  topics,
} from '@huimin/contracts';
import { createProducer, createPublisher, ensureTopics, type Publisher } from '@huimin/kafka';
import { createMetricsRegistry } from '@huimin/kit';
import { createScheduler, schedule } from '@huimin/pg';
import { readRecords, startTestEnv, type TestEnv, waitUntil } from '@huimin/testkit';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { CLAIMS_BY_HOUSEHOLD } from '../src/handlers/topics.ts';
import { startRiskPipeline } from '../src/pipeline.ts';
import { DAILY_RECHECK, dailyRecheckHandler, nextRecheckAt } from '../src/recheck.ts';

// Evaluated as of 3 March 2025 (Asia/Shanghai); the window is (2024-03-03, 2025-03-03].
let clock = new Date('2025-03-03T02:00:00Z');
const now = () => clock;
let env: TestEnv;
let producer: Producer;
let publisher: Publisher;
const stoppers: (() => Promise<void>)[] = [];

async function startRisk(): Promise<void> {
  stoppers.push(
    await startRiskPipeline({
      kafka: env.kafka,
      pool: env.pool,
      logger: env.logger,
      schema: env.schema,
      publisher: createPublisher({ producer }),
      connectionString: env.databaseUrl,
      now,
      batchSize: 20,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 500,
      pollMs: 200,
    }),
  );
}

beforeAll(async () => {
  env = await startTestEnv({
    name: 'risk',
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
  await startRisk();
});

afterAll(async () => {
  for (const stop of stoppers.reverse()) await stop();
  await producer?.disconnect();
  await env?.close();
});

const household = structuredClone(HouseholdRegistered.example);
const other = structuredClone(household);
const householdId = household.householdId;
const patient = household.members[0]?.residentId ?? '';
const spouse = household.members[1]?.residentId ?? '';

function claim(claimId: string, residentId: string, outOfPocketFen: number, dateOfCare = '2025-02-11') {
  return {
    ...MedicalExpenseRecorded.example,
    claimId,
    patientResidentId: residentId,
    dateOfCare,
    businessDate: '2025-03-01',
    totalCostFen: outOfPocketFen + 1_000_000,
    insurancePaidFen: 900_000,
    medicalAssistancePaidFen: 100_000,
  };
}

async function riskEvents(count: number): Promise<Record<string, unknown>[]> {
  const records = await readRecords(env.kafka, RiskFlagged.topic.name, { count, timeoutMs: 30_000 });
  return records.map((r) => ({
    type: r.headers.ce_type,
    key: r.key,
    ...(JSON.parse(r.value) as Record<string, unknown>),
  }));
}

async function endOffset(topic: string): Promise<number> {
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('risk joins claims with households', () => {
  it('parks a claim of an unknown patient, joins it when the household arrives, and flags as thresholds are crossed', async () => {
    // 6,000 yuan a month for a household of three: 72,000 yuan a year.
    await publisher.publish(MedicalExpenseRecorded, claim('C-A', patient, 800_000), {
      source: '/test',
      id: 'claim-a',
    });
    await waitUntil(
      async () =>
        (await env.pool.query('select 1 from parked_claims where claim_id = $1', ['C-A'])).rowCount === 1,
      'the claim is parked',
    );
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
    // 8,000 of 72,000 yuan is 11.1%: watch.
    const [watch] = await riskEvents(1);
    expect(watch).toMatchObject({
      type: RiskFlagged.type,
      key: householdId,
      level: 'watch',
      outOfPocketFen: 800_000,
      annualIncomeFen: 7_200_000,
      householdSize: 3,
      outOfPocketShareBp: 1111,
      triggeringClaimIds: ['C-A'],
      windowStart: '2024-03-03',
      windowEnd: '2025-03-03',
    });

    // The spouse's claim, delivered twice: 8,000 + 11,000 = 19,000 yuan, 26.4% — catastrophic, counted once.
    await publisher.publish(MedicalExpenseRecorded, claim('C-B', spouse, 1_100_000), {
      source: '/test',
      id: 'claim-b',
    });
    await publisher.publish(MedicalExpenseRecorded, claim('C-B', spouse, 1_100_000), {
      source: '/test',
      id: 'claim-b',
    });
    const [, catastrophic] = await riskEvents(2);
    expect(catastrophic).toMatchObject({
      level: 'catastrophic',
      outOfPocketFen: 1_900_000,
      outOfPocketShareBp: 2638,
    });
    expect(catastrophic?.triggeringClaimIds).toEqual(['C-B', 'C-A']);
    // Every ratio with the threshold it is held against, and the claims with their amounts:
    // capacity to pay 72,000 − 1,045 × 3 × 12 = 34,380 yuan; 19,000 is 55.26% of it.
    expect(catastrophic).toMatchObject({
      capacityToPayFen: 3_438_000,
      outOfPocketCapacityShareBp: 5526,
      perCapitaMonthlyIncomeBeforeFen: 200_000,
      perCapitaMonthlyIncomeAfterFen: 147_222,
      thresholds: {
        watchRatioBp: 1_000,
        catastrophicRatioBp: 2_500,
        capacityToPayRatioBp: 4_000,
        dibaoStandardFen: 104_500,
      },
      contributingClaims: [
        { claimId: 'C-B', outOfPocketFen: 1_100_000 },
        { claimId: 'C-A', outOfPocketFen: 800_000 },
      ],
    });

    // A correction lowers B to 1,000 yuan: 12.5%, still a risk but no new (lower) flag.
    await publisher.publish(
      MedicalExpenseCorrected,
      { ...claim('C-B', spouse, 100_000), businessDate: '2025-03-02' },
      { source: '/test' },
    );
    await waitUntil(async () => {
      const { rows } = await env.pool.query<{ oop: string }>(
        `select (assessment->>'outOfPocketFen') as oop from household_risk where household_id = $1`,
        [householdId],
      );
      return rows[0]?.oop === '900000';
    }, 'the correction is applied');

    // A reversed: the flag clears. Then B reversed too: nothing more to say. (One at a time: two
    // reversals arriving in one batch would clear once with what is left after both.)
    for (const claimId of ['C-A', 'C-B']) {
      await publisher.publish(
        MedicalExpenseReversed,
        {
          claimId,
          patientResidentId: claimId === 'C-A' ? patient : spouse,
          businessDate: '2025-03-02',
          reason: 'withdrawn-by-source',
        },
        { source: '/test' },
      );
      if (claimId === 'C-A') await riskEvents(3);
    }
    const events = await riskEvents(3);
    expect(events.map((e) => [e.type, e.level])).toEqual([
      [RiskFlagged.type, 'watch'],
      [RiskFlagged.type, 'catastrophic'],
      [RiskCleared.type, 'catastrophic'],
    ]);
    // Reversing A leaves 1,000 yuan (1.4%): below every threshold, because a claim was reversed.
    // The clear still carries what is left in the window, for eligibility's rigid-spending check.
    expect(events[2]).toMatchObject({ reason: 'claim-reversed', householdId, outOfPocketFen: 100_000 });
    // Let anything still in flight land: exactly three events, no repeats.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await endOffset(RiskFlagged.topic.name)).toBe(3);
  });

  it('a late claim dated inside the window flags retroactively; care of more than a year ago does not count', async () => {
    other.householdId = `H-${randomUUID().slice(0, 8)}`;
    other.members = other.members.slice(2, 3).map((m) => ({ ...m, relationToHead: 'head' as const }));
    other.legalSupporters = [];
    const person = other.members[0]?.residentId ?? '';
    await publisher.publish(HouseholdRegistered, other, { source: '/test' });
    await publisher.publish(
      MemberIncomeReported,
      {
        householdId: other.householdId,
        residentId: person,
        businessDate: '2025-01-01',
        incomes: [{ type: 'pension', monthlyFen: 300_000 }],
      },
      { source: '/test' },
    );
    const before = await endOffset(RiskFlagged.topic.name);
    // 36,000 yuan a year; 20,000 yuan of care exactly a year ago (outside), then 5,000 yuan late-settled from last June.
    await publisher.publish(MedicalExpenseRecorded, claim('C-OLD', person, 2_000_000, '2024-03-03'), {
      source: '/test',
    });
    await publisher.publish(MedicalExpenseRecorded, claim('C-LATE', person, 500_000, '2024-06-20'), {
      source: '/test',
    });
    await waitUntil(
      async () => (await endOffset(RiskFlagged.topic.name)) > before,
      'a flag for the late claim',
    );
    const events = await riskEvents(before + 1);
    // Across partitions the read order is arbitrary: pick this household's flags.
    const flags = events.filter((e) => e.householdId === other.householdId);
    expect(flags).toHaveLength(1);
    const flag = flags[0];
    // 5,000 of 36,000 is 13.9%: watch; 36,000 − 5,000 = 31,000 ≥ 12,540 and capacity 23,460 × 40% = 9,384 > 5,000.
    expect(flag).toMatchObject({
      householdId: other.householdId,
      level: 'watch',
      outOfPocketFen: 500_000,
      triggeringClaimIds: ['C-LATE'],
    });
  });

  it('shows a household’s window only to people who cover its community, with resident IDs masked, and audits the read', async () => {
    const issuer = await createTestIssuer();
    const server = await createApp({
      logger: env.logger,
      registry: createMetricsRegistry({ service: 'risk' }),
      pool: env.pool,
      verifier: createTokenVerifier({ issuers: [{ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl }] }),
    });
    try {
      const url = `/v1/households/${householdId}/risk`;
      const own = await issuer.userToken({
        userId: 'u-own',
        role: 'case-handler',
        jurisdictions: [household.communityCode],
      });
      const other = await issuer.userToken({
        userId: 'u-other',
        role: 'case-handler',
        jurisdictions: ['320585002001'],
      });
      const res = await server.inject({ url, headers: { authorization: `Bearer ${own}` } });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(patient);
      expect(res.json().claims.map((c: { patientResidentId: string }) => c.patientResidentId)).toContain(
        `${patient.slice(0, 4)}**********${patient.slice(-4)}`,
      );
      const denied = await server.inject({ url, headers: { authorization: `Bearer ${other}` } });
      const missing = await server.inject({
        url: '/v1/households/H-nowhere/risk',
        headers: { authorization: `Bearer ${other}` },
      });
      // Not yours and not there look the same.
      expect([denied.statusCode, denied.json().code]).toEqual([404, 'NOT_FOUND']);
      expect(missing.json()).toEqual({ ...denied.json() });
      expect((await server.inject({ url })).statusCode).toBe(401);
      // What the audit trail shows: the reads on the audit stream once risk's outbox has gone out.
      await waitUntil(
        async () => (await env.pool.query('select 1 from outbox')).rowCount === 0,
        'the outbox published',
      );
      const reads = await readRecords(env.kafka, PersonRecordRead.topic.name);
      expect(reads.map((r) => (JSON.parse(r.value) as { actorId: string }).actorId)).toEqual(['u-own']);
    } finally {
      await server.close();
      await issuer.close();
    }
  });

  it('reports claims still parked to operators, masked', async () => {
    await publisher.publish(MedicalExpenseRecorded, claim('C-STRAY', '990000199001010025', 10_000), {
      source: '/test',
      id: 'stray',
    });
    await waitUntil(
      async () =>
        (await env.pool.query('select 1 from parked_claims where claim_id = $1', ['C-STRAY'])).rowCount === 1,
      'parked',
    );
    const issuer = await createTestIssuer();
    const server = await createApp({
      logger: env.logger,
      registry: createMetricsRegistry({ service: 'risk' }),
      pool: env.pool,
      verifier: createTokenVerifier({ issuers: [{ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl }] }),
    });
    try {
      const admin = await issuer.userToken({
        userId: 'u-admin',
        role: 'bureau-admin',
        jurisdictions: ['320585'],
      });
      const res = await server.inject({
        url: '/v1/parked-claims?olderThanHours=0',
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(res.json().claims).toEqual([
        expect.objectContaining({ claimId: 'C-STRAY', patientResidentId: '9900**********0025' }),
      ]);
      const fresh = await server.inject({
        url: '/v1/parked-claims?olderThanHours=24',
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(fresh.json().claims).toEqual([]);
    } finally {
      await server.close();
      await issuer.close();
    }
  });

  it('the daily re-check clears a flag whose claims have left the 12-month window', async () => {
    expect(nextRecheckAt(new Date('2025-06-21T02:00:00Z')).toISOString()).toBe('2025-06-21T16:30:00.000Z');
    const before = await endOffset(RiskFlagged.topic.name);
    // A year and a day after the late claim's care (2024-06-20): the window is (2024-06-21, 2025-06-21].
    clock = new Date('2025-06-21T02:00:00Z');
    const scheduler = createScheduler({
      pool: env.pool,
      owner: 'test',
      handlers: { [DAILY_RECHECK]: dailyRecheckHandler(now) },
      now,
    });
    await schedule(env.pool, { kind: DAILY_RECHECK, key: '2025-06-21', dueAt: clock });
    expect(await scheduler.runOnce()).toBe(true);
    await waitUntil(async () => (await endOffset(RiskFlagged.topic.name)) > before, 'the clear is published');
    const cleared = (await riskEvents(before + 1)).filter(
      (e) => e.householdId === other.householdId && e.type === RiskCleared.type,
    );
    expect(cleared).toEqual([
      expect.objectContaining({ level: 'watch', reason: 'left-window', asOfDate: '2025-06-21' }),
    ]);
    // The next day's run is armed.
    const { rows } = await env.pool.query(
      `select key from scheduled_jobs where kind = $1 and done_at is null`,
      [DAILY_RECHECK],
    );
    expect(rows).toEqual([{ key: '2025-06-22' }]);
  });

  it('a 大病 claim reversed clears the 大病 flag, so the alert it raised loses its cause', async () => {
    const person = syntheticResidentId({ birthDate: '1966-06-06', sex: 'female', seq: 77 });
    const single = {
      ...structuredClone(household),
      householdId: 'HH-MAJOR-1',
      members: [
        {
          ...(household.members[0] as (typeof household.members)[number]),
          residentId: person,
          birthDate: '1966-06-06',
          sex: 'female' as const,
        },
      ],
      legalSupporters: [],
    };
    await publisher.publish(HouseholdRegistered, single, { source: '/test' });
    await waitUntil(
      async () =>
        (await env.pool.query('select 1 from persons where resident_id = $1', [person])).rowCount === 1,
      'risk knows the person',
    );
    const ofHousehold = async () =>
      (await riskEvents(await endOffset(RiskFlagged.topic.name))).filter(
        (e) => e.householdId === 'HH-MAJOR-1',
      );
    // 60,000 yuan out of pocket in one claim: above the 50,000-yuan 大病 amount (no income needed).
    await publisher.publish(MedicalExpenseRecorded, claim('C-MAJOR', person, 6_000_000, '2025-06-01'), {
      source: '/test',
    });
    await waitUntil(
      async () => (await ofHousehold()).some((e) => e.level === 'major-illness'),
      'the 大病 flag',
    );
    await publisher.publish(
      MedicalExpenseReversed,
      {
        claimId: 'C-MAJOR',
        patientResidentId: person,
        businessDate: '2025-06-21',
        reason: 'withdrawn-by-source',
      },
      { source: '/test' },
    );
    await waitUntil(
      async () => (await ofHousehold()).some((e) => e.type === RiskCleared.type),
      'the 大病 flag cleared',
    );
    const events = await ofHousehold();
    expect(events.map((e) => [e.type, e.level])).toEqual([
      [RiskFlagged.type, 'major-illness'],
      [RiskCleared.type, 'major-illness'],
    ]);
    expect(events[1]).toMatchObject({ reason: 'claim-reversed', flagId: events[0]?.flagId });
  });
});
