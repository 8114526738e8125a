import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  AssistanceEnrolmentChanged,
  DisabilityCertified,
  EligibilityDecided,
  EnrolmentGapsChanged,
  HouseholdAssetsReported,
  HouseholdRegistered,
  MemberIncomeReported,
  RiskFlagged,
  syntheticResidentId,
  topics,
} from '@huimin/contracts';
import {
  createConsumerRunner,
  createOutboxRelay,
  createProducer,
  createPublisher,
  ensureTopics,
  type Publisher,
} from '@huimin/kafka';
import { withTransaction } from '@huimin/pg';
import { readRecords, startTestEnv, type TestEnv, waitUntil } from '@huimin/testkit';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Policy, seedPolicies } from '../src/domain/policy.ts';
import { feedHandlers } from '../src/handlers/feeds.ts';
import { publishPolicy } from '../src/redecide.ts';
import { loadPolicies } from '../src/store/facts.ts';

// Unknown income, tekun's income test and its precedence over dibao, and the exact rigid-spending
// income test, each through the feeds as the departments send them.

const clock = new Date('2025-03-03T02:00:00Z');
const now = () => clock;
let env: TestEnv;
let producer: Producer;
let publisher: Publisher;
const stoppers: (() => Promise<void>)[] = [];

// A version whose disposable-income limit is not a multiple of 12 fen (60,000.05 yuan a year), so
// a floored per-capita monthly figure and the exact comparison disagree.
const oddLimit: Policy = {
  ...(seedPolicies.at(-1) as Policy),
  policyVersion: 'test-2025-01-01',
  effectiveFrom: '2025-01-01',
  lastYearDisposableIncomeFen: 6_000_005,
};

beforeAll(async () => {
  env = await startTestEnv({
    name: 'eligibility-rules',
    migrationsDir: fileURLToPath(new URL('../migrations', import.meta.url)),
    redis: false,
  });
  await ensureTopics(env.kafka, { topics: Object.values(topics), mode: 'dev', logger: env.logger });
  await withTransaction(env.pool, async (client) => {
    for (const policy of [...seedPolicies, oddLimit]) await publishPolicy(client, policy, now());
  });
  producer = createProducer(env.kafka);
  await producer.connect();
  publisher = createPublisher({ producer });
  const relay = createOutboxRelay({
    pool: env.pool,
    schema: env.schema,
    publisher,
    logger: env.logger,
    pollMs: 200,
    connectionString: env.databaseUrl,
  });
  const runner = createConsumerRunner({
    kafka: env.kafka,
    pool: env.pool,
    groupId: 'eligibility',
    handlers: feedHandlers(now),
    logger: env.logger,
    batchSize: 20,
  });
  await relay.start();
  await runner.start();
  stoppers.push(
    () => relay.stop(),
    () => runner.stop(),
  );
});

afterAll(async () => {
  for (const stop of stoppers.reverse()) await stop();
  await producer?.disconnect();
  await env?.close();
});

let seq = 100;
/** A household of its own: members born on the given dates, nobody able to support anyone. */
function householdOf(id: string, births: string[]): HouseholdRegistered {
  const h = structuredClone(HouseholdRegistered.example);
  h.householdId = id;
  h.members = births.map((birthDate, i) => ({
    ...(HouseholdRegistered.example.members[0] as HouseholdRegistered['members'][number]),
    residentId: syntheticResidentId({ birthDate, sex: 'male', seq: seq++ }),
    birthDate,
    relationToHead: i === 0 ? ('head' as const) : ('child' as const),
    workAbility: i === 0 && births.length === 1 ? ('none' as const) : ('full' as const),
  }));
  delete (h.members[0] as { disability?: unknown }).disability;
  h.legalSupporters = [];
  return h;
}

const assets = (householdId: string) => ({
  householdId,
  businessDate: '2025-01-01',
  financialAssetsFen: 0,
  vehicleCount: 0,
  hasNonEssentialVehicle: false,
  propertyCount: 1,
});

async function income(h: HouseholdRegistered, monthlyFen: number, i = 0) {
  await publisher.publish(
    MemberIncomeReported,
    {
      householdId: h.householdId,
      residentId: h.members[i]?.residentId ?? '',
      businessDate: '2025-01-01',
      incomes: [{ type: 'pension', monthlyFen }],
    },
    { source: '/test' },
  );
}

async function summaryOf(householdId: string): Promise<Record<string, string> | undefined> {
  const { rows } = await env.pool.query('select summary from current_decisions where household_id = $1', [
    householdId,
  ]);
  return rows[0]?.summary;
}

async function onTopic<T>(type: string, householdId: string): Promise<T[]> {
  return (await readRecords(env.kafka, EligibilityDecided.topic.name))
    .filter((r) => r.key === householdId && r.headers.ce_type === type)
    .map((r) => JSON.parse(r.value) as T);
}

describe('unknown is not zero', () => {
  it('assets reported, income never: needs review naming the income, no "eligible but not receiving"; the income decides it', async () => {
    const h = householdOf('H-NO-INCOME', ['1980-02-02', '1982-03-03']);
    await publisher.publish(HouseholdRegistered, h, { source: '/test' });
    await publisher.publish(HouseholdAssetsReported, assets(h.householdId), { source: '/test' });
    await waitUntil(
      async () => (await summaryOf(h.householdId))?.dibao === 'needs_review:0:income',
      'dibao needs review for want of income',
    );
    // Registered first (income and assets missing), then the assets: the last decision waits for the income.
    const dibaoOf = async () =>
      (await onTopic<EligibilityDecided>(EligibilityDecided.type, h.householdId))
        .at(-1)
        ?.programmes.find((p) => p.programme === 'dibao');
    await waitUntil(async () => (await dibaoOf())?.missing?.join() === 'income', 'the decision is published');
    const decided = { programmes: [(await dibaoOf()) as EligibilityDecided['programmes'][number]] };
    expect(decided?.programmes.find((p) => p.programme === 'dibao')).toMatchObject({
      eligible: false,
      status: 'needs_review',
      missing: ['income'],
    });
    expect(decided?.programmes.find((p) => p.programme === 'dibao')?.monthlyBenefitFen).toBeUndefined();

    // 1,000 yuan for two: dibao of 1,090 yuan, and now the gap is real.
    await income(h, 100_000);
    await waitUntil(
      async () => (await summaryOf(h.householdId))?.dibao === 'eligible:109000',
      'the income decides dibao',
    );
    await waitUntil(
      async () => (await onTopic(EnrolmentGapsChanged.type, h.householdId)).length === 1,
      'the gap is published once the income is known',
    );
    const gaps = await onTopic<EnrolmentGapsChanged>(EnrolmentGapsChanged.type, h.householdId);
    expect(gaps.map((g) => g.gaps)).toEqual([
      [
        {
          programme: 'dibao',
          kind: 'eligible-not-receiving',
          receivingMonthlyFen: 0,
          decidedMonthlyFen: 109_000,
        },
      ],
    ]);
  });
});

describe('tekun: income below the standard; one person is not paid twice', () => {
  it('a 75-year-old alone on a 1-fen pension is tekun, never a dibao gap, enrolled in tekun or not', async () => {
    const h = householdOf('H-TEKUN-1FEN', ['1950-01-15']);
    await publisher.publish(HouseholdRegistered, h, { source: '/test' });
    await publisher.publish(HouseholdAssetsReported, assets(h.householdId), { source: '/test' });
    await income(h, 1);
    await waitUntil(
      async () => (await summaryOf(h.householdId))?.tekun === 'eligible:146300',
      'tekun with a 1-fen pension',
    );
    expect((await summaryOf(h.householdId))?.dibao).toBe('ineligible:0');
    await waitUntil(
      async () => (await onTopic(EnrolmentGapsChanged.type, h.householdId)).length >= 1,
      'the tekun gap',
    );
    expect(
      (await onTopic<EnrolmentGapsChanged>(EnrolmentGapsChanged.type, h.householdId)).at(-1)?.gaps,
    ).toEqual([
      {
        programme: 'tekun-dispersed',
        kind: 'eligible-not-receiving',
        receivingMonthlyFen: 0,
        decidedMonthlyFen: 146_300,
      },
    ]);

    await publisher.publish(
      AssistanceEnrolmentChanged,
      {
        enrolmentId: 'TK-2025-0001',
        householdId: h.householdId,
        businessDate: '2025-02-01',
        programme: 'tekun-dispersed',
        change: 'enrolled',
        monthlyAmountFen: 146_300,
      },
      { source: '/test' },
    );
    await waitUntil(
      async () =>
        (await onTopic<EnrolmentGapsChanged>(EnrolmentGapsChanged.type, h.householdId)).at(-1)?.gaps
          .length === 0,
      'enrolled in tekun: no gap left, and no dibao one',
    );
    // What the household receives travels with its gaps, for discovery's cross-checks.
    expect(
      (await onTopic<EnrolmentGapsChanged>(EnrolmentGapsChanged.type, h.householdId)).at(-1)?.receiving,
    ).toEqual(['tekun-dispersed']);
  });

  it('a pension at the dibao standard is a means of living: no tekun', async () => {
    const h = householdOf('H-TEKUN-AT-STD', ['1950-01-15']);
    await publisher.publish(HouseholdRegistered, h, { source: '/test' });
    await publisher.publish(HouseholdAssetsReported, assets(h.householdId), { source: '/test' });
    await income(h, 104_500);
    await waitUntil(async () => (await summaryOf(h.householdId))?.tekun === 'ineligible:0', 'no tekun');
  });
});

describe('facts that arrive before their household', () => {
  it('income, assets, a certificate and an enrolment first, the household last: all applied when it arrives', async () => {
    // A 70-year-old alone, grade 3 intellectual disability, on a 500-yuan pension, already enrolled in tekun.
    const h = householdOf('H-BEFORE', ['1956-02-02']);
    const person = h.members[0]?.residentId ?? '';
    await income(h, 50_000);
    await publisher.publish(HouseholdAssetsReported, assets(h.householdId), { source: '/test' });
    await publisher.publish(
      DisabilityCertified,
      {
        ...DisabilityCertified.example,
        residentId: person,
        grade: 3,
        category: 'intellectual',
        certificateNo: `${person}53`,
        businessDate: '2025-01-10',
        validUntil: undefined,
      },
      { source: '/test' },
    );
    await publisher.publish(
      AssistanceEnrolmentChanged,
      {
        enrolmentId: 'TK-BEFORE',
        householdId: h.householdId,
        businessDate: '2025-02-01',
        programme: 'tekun-dispersed',
        change: 'enrolled',
        monthlyAmountFen: 146_300,
      },
      { source: '/test' },
    );
    // Nothing decided without the household.
    await waitUntil(async () => {
      const { rows } = await env.pool.query(
        `select (select count(*) from member_incomes where resident_id = $1)
              + (select count(*) from household_assets where household_id = $2)
              + (select count(*) from disability_certifications where resident_id = $1)
              + (select count(*) from enrolment_changes where household_id = $2) as n`,
        [person, h.householdId],
      );
      return Number(rows[0]?.n) === 4;
    }, 'the four facts are kept');
    expect(await summaryOf(h.householdId)).toBeUndefined();
    await publisher.publish(HouseholdRegistered, h, { source: '/test' });
    await waitUntil(
      async () => (await summaryOf(h.householdId))?.tekun === 'eligible:146300',
      'tekun decided from the income, assets and enrolment that came first',
    );
    expect((await summaryOf(h.householdId))?.['disability-nursing']).toBe('eligible:10000');
    await waitUntil(
      async () => (await onTopic(EnrolmentGapsChanged.type, h.householdId)).length >= 1,
      'the gaps are published',
    );
    // Enrolled in tekun already: the only gap is the nursing subsidy.
    expect(
      (await onTopic<EnrolmentGapsChanged>(EnrolmentGapsChanged.type, h.householdId)).at(-1),
    ).toMatchObject({
      gaps: [{ programme: 'disability-nursing', kind: 'eligible-not-receiving' }],
      receiving: ['tekun-dispersed'],
    });
  });
});

describe('rigid spending: the income test is exact in fen', () => {
  for (const [monthly, expected] of [
    [1_500_001, 'eligible:0'],
    [1_500_002, 'ineligible:0'],
  ] as const)
    it(`three people on ${monthly} fen a month against 60,000.05 yuan each: hardship ${expected}`, async () => {
      const h = householdOf(`H-RIGID-${monthly}`, ['1980-04-04', '1981-05-05', '2010-06-06']);
      await publisher.publish(HouseholdRegistered, h, { source: '/test' });
      await publisher.publish(HouseholdAssetsReported, assets(h.householdId), { source: '/test' });
      await income(h, monthly);
      // More than 60% of the household's 180,000-yuan year out of pocket.
      await publisher.publish(
        RiskFlagged,
        {
          ...RiskFlagged.example,
          householdId: h.householdId,
          communityCode: h.communityCode,
          outOfPocketFen: 12_000_000,
          asOfDate: '2025-03-03',
        },
        { source: '/huimin/risk' },
      );
      await waitUntil(
        async () => (await summaryOf(h.householdId))?.hardship === expected,
        `hardship ${expected}`,
      );
    });
});

describe('policy versions stored before the programme rules existed', () => {
  it('migration 004 adds the rules with their sources and changes no figure', async () => {
    const old = { ...(seedPolicies[0] as Policy) } as Partial<Policy>;
    delete old.tekunIncomeLimitBpOfDibao;
    delete old.tekunExcludedFromDibao;
    delete old.sources;
    await env.pool.query(
      `insert into policies (policy_version, effective_from, figures) values ('legacy-2010-01-01', '2010-01-01', $1)`,
      [JSON.stringify({ ...old, policyVersion: 'legacy-2010-01-01', effectiveFrom: '2010-01-01' })],
    );
    await env.pool.query(
      readFileSync(new URL('../migrations/004_programme_rules.sql', import.meta.url), 'utf8'),
    );
    const legacy = (await loadPolicies(env.pool)).find((p) => p.policyVersion === 'legacy-2010-01-01');
    expect(legacy).toMatchObject({
      dibaoStandardFen: old.dibaoStandardFen,
      tekunIncomeLimitBpOfDibao: 10_000,
      tekunExcludedFromDibao: true,
    });
    expect(legacy?.sources.map((s) => s.parameter)).toEqual([
      'tekunIncomeLimitBpOfDibao',
      'tekunExcludedFromDibao',
    ]);
    expect(legacy?.sources[0]?.source).toContain('民发〔2021〕43号');
  });
});
