import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { createTestIssuer, createTokenVerifier, type TestIssuer } from '@huimin/auth';
import {
  AssistanceEnrolmentChanged,
  AssistanceEnrolmentRetracted,
  DisabilityCertificationRetracted,
  DisabilityCertified,
  EligibilityDecided,
  EnrolmentGapsChanged,
  HouseholdAssetsReported,
  HouseholdDissolved,
  HouseholdRegistered,
  HouseholdUpdated,
  MemberIncomeReported,
  PolicyVersionPublished,
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
import { createMetricsRegistry } from '@huimin/kit';
import { createScheduler, withTransaction } from '@huimin/pg';
import { readRecords, startTestEnv, type TestEnv, waitUntil } from '@huimin/testkit';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { seedPolicies } from '../src/domain/policy.ts';
import {
  ELIGIBILITY_SERVICE_NAME,
  loadEligibilityPackage,
  startEligibilityGrpcServer,
} from '../src/grpc/eligibility-service.ts';
import type { ProtoGrpcType } from '../src/grpc/generated/eligibility.ts';
import type { EligibilityServiceClient } from '../src/grpc/generated/huimin/eligibility/v1/EligibilityService.ts';
import { feedHandlers } from '../src/handlers/feeds.ts';
import { POLICY_SWITCH, policySwitchHandler, shanghaiMidnight } from '../src/policy-switch.ts';
import { publishPolicy } from '../src/redecide.ts';

let clock = new Date('2025-03-03T02:00:00Z');
const now = () => clock;
let env: TestEnv;
let producer: Producer;
let publisher: Publisher;
let issuer: TestIssuer;
const stoppers: (() => Promise<void>)[] = [];

const household = structuredClone(HouseholdRegistered.example);
const householdId = household.householdId;
const head = household.members[0]?.residentId ?? '';
// The disabled son's parents can support him: he is no tekun case, and the three count for dibao
// together (tekun members would leave the dibao calculation; that rule has its own tests).
const son = household.members[2];
if (son && household.members[0])
  household.legalSupporters.push({
    residentId: head,
    name: household.members[0].name,
    relation: 'parent',
    supportsResidentId: son.residentId,
    canSupport: true,
  });

beforeAll(async () => {
  env = await startTestEnv({
    name: 'eligibility',
    migrationsDir: fileURLToPath(new URL('../migrations', import.meta.url)),
    redis: false,
  });
  await ensureTopics(env.kafka, { topics: Object.values(topics), mode: 'dev', logger: env.logger });
  await withTransaction(env.pool, async (client) => {
    for (const policy of seedPolicies) await publishPolicy(client, policy, now());
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
  issuer = await createTestIssuer();
});

afterAll(async () => {
  for (const stop of stoppers.reverse()) await stop();
  await producer?.disconnect();
  await issuer?.close();
  await env?.close();
});

async function summary(): Promise<Record<string, string> | undefined> {
  const { rows } = await env.pool.query('select summary from current_decisions where household_id = $1', [
    householdId,
  ]);
  return rows[0]?.summary;
}
async function decisionsOnTopic(): Promise<Record<string, unknown>[]> {
  const records = await readRecords(env.kafka, EligibilityDecided.topic.name);
  return records
    .filter((r) => r.key === householdId && r.headers.ce_type === EligibilityDecided.type)
    .map((r) => JSON.parse(r.value));
}
async function handled(eventId: string): Promise<void> {
  await waitUntil(
    async () => (await env.pool.query('select 1 from inbox where event_id = $1', [eventId])).rowCount === 1,
    `event ${eventId} handled`,
  );
}

describe('eligibility decides from the feeds', () => {
  it('publishes the seed policy versions on the policy topic', async () => {
    const records = await readRecords(env.kafka, PolicyVersionPublished.topic.name, {
      count: seedPolicies.length,
    });
    expect(records.map((r) => r.key).sort()).toEqual(seedPolicies.map((p) => p.policyVersion).sort());
  });

  it('decides dibao with its benefit once facts are in, publishes only changes, and ignores a late older snapshot', async () => {
    // Three people, 3,000 yuan a month, modest savings: below 3 × 1,045 = 3,135 yuan, so dibao of 135 yuan.
    await publisher.publish(HouseholdRegistered, household, { source: '/test' });
    await publisher.publish(
      MemberIncomeReported,
      {
        householdId,
        residentId: head,
        businessDate: '2025-01-01',
        incomes: [{ type: 'wage', monthlyFen: 300_000 }],
      },
      { source: '/test', id: 'income-1' },
    );
    await publisher.publish(
      HouseholdAssetsReported,
      {
        householdId,
        businessDate: '2025-01-01',
        financialAssetsFen: 1_000_000,
        vehicleCount: 0,
        hasNonEssentialVehicle: false,
        propertyCount: 1,
      },
      { source: '/test' },
    );
    await waitUntil(async () => (await summary())?.dibao === 'eligible:13500', 'dibao is decided', 30_000);
    await waitUntil(
      async () => {
        const programmes = (await decisionsOnTopic()).at(-1)?.programmes as
          | { monthlyBenefitFen?: number }[]
          | undefined;
        return programmes?.[0]?.monthlyBenefitFen === 13_500;
      },
      'the dibao decision is published',
      30_000,
    );
    const published = await decisionsOnTopic();
    const latest = published.at(-1);
    expect(latest).toMatchObject({
      householdId,
      policyVersion: 'taicang-2024-10-24',
      householdSize: household.members.length,
      asOfDate: '2025-03-03',
    });
    expect((latest?.programmes as { programme: string }[] | undefined)?.[0]).toMatchObject({
      programme: 'dibao',
      eligible: true,
      monthlyBenefitFen: 13_500,
      reasons: [
        'INCOME_BELOW_STANDARD',
        'ASSETS_WITHIN_LIMIT',
        'ASSETS_NO_NON_ESSENTIAL_VEHICLE',
        'ASSETS_AT_MOST_ONE_HOME',
      ],
    });

    // The same income reported again changes no programme: no new decision.
    await publisher.publish(
      MemberIncomeReported,
      {
        householdId,
        residentId: head,
        businessDate: '2025-01-01',
        incomes: [{ type: 'wage', monthlyFen: 300_000 }],
      },
      { source: '/test', id: 'income-2' },
    );
    // A snapshot older than the one we have (a fourth member, from 2020) is late news: ignored.
    const older = structuredClone(household);
    older.businessDate = '2020-01-01';
    older.members = [
      ...older.members,
      {
        ...(older.members[1] as (typeof older.members)[number]),
        residentId: syntheticResidentId({ birthDate: '2010-01-01', sex: 'male', seq: 7 }),
        birthDate: '2010-01-01',
        sex: 'male',
        relationToHead: 'child',
      },
    ];
    await publisher.publish(HouseholdUpdated, older, { source: '/test', id: 'late-snapshot' });
    await handled('income-2');
    await handled('late-snapshot');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await decisionsOnTopic()).toHaveLength(published.length);
    expect((await summary())?.dibao).toBe('eligible:13500');
  });

  it('takes the medical part of rigid spending from risk’s flags: a household above the edge band becomes a hardship case', async () => {
    const hh = structuredClone(household);
    hh.householdId = 'H-HARDSHIP-1';
    // A person of their own: incomes are kept per resident, so sharing one would move it between households.
    hh.members = hh.members.slice(0, 1).map((m) => ({
      ...m,
      residentId: syntheticResidentId({ birthDate: '1975-05-05', sex: 'female', seq: 3 }),
      birthDate: '1975-05-05',
      sex: 'female' as const,
      relationToHead: 'head' as const,
      workAbility: 'full' as const,
    }));
    hh.legalSupporters = [];
    const [person] = hh.members;
    await publisher.publish(HouseholdRegistered, hh, { source: '/test' });
    // 3,000 yuan a month for one person: above 1.5 × 1,045, so neither dibao nor edge.
    await publisher.publish(
      MemberIncomeReported,
      {
        householdId: hh.householdId,
        residentId: person?.residentId ?? '',
        businessDate: '2025-01-01',
        incomes: [{ type: 'wage', monthlyFen: 300_000 }],
      },
      { source: '/test' },
    );
    await publisher.publish(
      HouseholdAssetsReported,
      {
        householdId: hh.householdId,
        businessDate: '2025-01-01',
        financialAssetsFen: 0,
        vehicleCount: 0,
        hasNonEssentialVehicle: false,
        propertyCount: 1,
      },
      { source: '/test' },
    );
    const hardshipOf = async () => {
      const { rows } = await env.pool.query(
        `select summary->>'hardship' as h from current_decisions where household_id = $1`,
        [hh.householdId],
      );
      return rows[0]?.h;
    };
    await waitUntil(async () => (await hardshipOf()) === 'ineligible:0', 'the household is decided', 30_000);
    // Risk reports 21,600.01 yuan of care in 12 months: above 60% of its 36,000 yuan a year.
    await publisher.publish(
      RiskFlagged,
      {
        ...RiskFlagged.example,
        householdId: hh.householdId,
        communityCode: hh.communityCode,
        outOfPocketFen: 2_160_001,
        asOfDate: '2025-03-03',
      },
      { source: '/huimin/risk' },
    );
    await waitUntil(
      async () => (await hardshipOf()) === 'eligible:0',
      'hardship follows the medical spending',
      30_000,
    );
  });

  it('explains a decision to the people who cover the household, without resident IDs', async () => {
    const server = await createApp({
      logger: env.logger,
      registry: createMetricsRegistry({ service: 'eligibility' }),
      pool: env.pool,
      verifier: createTokenVerifier({ issuers: [{ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl }] }),
      now,
    });
    try {
      const url = `/v1/households/${householdId}/eligibility`;
      const own = await issuer.userToken({
        userId: 'u-own',
        role: 'case-handler',
        jurisdictions: [household.communityCode],
      });
      const res = await server.inject({ url, headers: { authorization: `Bearer ${own}` } });
      expect(res.statusCode).toBe(200);
      expect(res.json().decision.programmes[0]).toMatchObject({
        programme: 'dibao',
        status: 'eligible',
        monthlyAmountFen: 13_500,
        checks: expect.arrayContaining([
          { code: 'INCOME_BELOW_STANDARD', passed: true, actual: 300_000, threshold: 313_500 },
        ]),
      });
      for (const m of household.members) expect(res.body).not.toContain(m.residentId);
      const other = await issuer.userToken({
        userId: 'u-other',
        role: 'case-handler',
        jurisdictions: ['320585002001'],
      });
      expect((await server.inject({ url, headers: { authorization: `Bearer ${other}` } })).statusCode).toBe(
        404,
      );

      const admin = await issuer.userToken({
        userId: 'u-admin',
        role: 'bureau-admin',
        jurisdictions: ['320585'],
      });
      const stale = { ...seedPolicies[3], policyVersion: 'taicang-2023-01-01', effectiveFrom: '2023-01-01' };
      const conflict = await server.inject({
        method: 'POST',
        url: '/v1/policies',
        headers: { authorization: `Bearer ${admin}` },
        payload: stale,
      });
      expect([conflict.statusCode, conflict.json().code]).toEqual([409, 'POLICY_CONFLICT']);
      const sameDate = await server.inject({
        method: 'POST',
        url: '/v1/policies?redecide=true',
        headers: { authorization: `Bearer ${admin}` },
        payload: { ...stale, effectiveFrom: '2024-10-24' },
      });
      expect([sameDate.statusCode, sameDate.json().code]).toEqual([409, 'POLICY_CONFLICT']);
      const amountless = await server.inject({
        method: 'POST',
        url: '/v1/policies',
        headers: { authorization: `Bearer ${admin}` },
        payload: { ...stale, effectiveFrom: '2025-09-01', dibaoStandardFen: 0 },
      });
      expect(amountless.statusCode).toBe(400);
      // With an explicit re-decision the earlier version is accepted; the version in force today
      // is still the 2024 one, so its switch (due in the past) will change nothing.
      const explicit = await server.inject({
        method: 'POST',
        url: '/v1/policies?redecide=true',
        headers: { authorization: `Bearer ${admin}` },
        payload: stale,
      });
      expect(explicit.statusCode).toBe(201);
      const next = {
        ...seedPolicies[3],
        policyVersion: 'taicang-2025-07-01',
        effectiveFrom: '2025-07-01',
        dibaoStandardFen: 110_000,
      };
      const byHandler = await server.inject({
        method: 'POST',
        url: '/v1/policies',
        headers: { authorization: `Bearer ${own}` },
        payload: next,
      });
      expect(byHandler.statusCode).toBe(403);
      const created = await server.inject({
        method: 'POST',
        url: '/v1/policies',
        headers: { authorization: `Bearer ${admin}` },
        payload: next,
      });
      expect(created.statusCode).toBe(201);
      const announced = await readRecords(env.kafka, PolicyVersionPublished.topic.name, {
        count: seedPolicies.length + 2,
      });
      expect(announced.map((r) => r.key)).toContain('taicang-2025-07-01');
    } finally {
      await server.close();
    }
  });

  it('re-decides every household at midnight Shanghai time when a new version takes effect, publishing only changes', async () => {
    // The previous test added taicang-2025-07-01: dibao 1,100 yuan, so 3 × 1,100 − 3,000 = 300 yuan.
    expect(shanghaiMidnight('2025-07-01').toISOString()).toBe('2025-06-30T16:00:00.000Z');
    const scheduler = createScheduler({
      pool: env.pool,
      owner: 'test',
      handlers: { [POLICY_SWITCH]: policySwitchHandler(env.pool, now) },
      now,
    });
    // One second before: the seed versions' switches (long past) run and change nothing.
    clock = new Date('2025-06-30T15:59:59Z');
    while (await scheduler.runOnce()) {}
    expect((await summary())?.dibao).toBe('eligible:13500');
    clock = new Date('2025-06-30T16:00:00Z');
    expect(await scheduler.runOnce()).toBe(true);
    expect((await summary())?.dibao).toBe('eligible:30000');
    await waitUntil(
      async () => (await decisionsOnTopic()).at(-1)?.policyVersion === 'taicang-2025-07-01',
      'the new decision is published',
    );
    expect(await scheduler.runOnce()).toBe(false);
  });
});

describe('gRPC EligibilityService', () => {
  function call<Res>(
    client: EligibilityServiceClient,
    method: 'GetStatus' | 'Evaluate' | 'ListPolicies',
    request: object,
    token?: string,
  ): Promise<Res> {
    const metadata = new grpc.Metadata();
    if (token) metadata.set('authorization', `Bearer ${token}`);
    return new Promise((resolve, reject) =>
      (
        client[method] as unknown as (r: object, m: grpc.Metadata, cb: (e: unknown, v: Res) => void) => void
      ).call(client, request, metadata, (err, value) => (err ? reject(err) : resolve(value))),
    );
  }

  it('answers services only, each method only to the services its contract lists, explains without resident IDs, evaluates a what-if without storing it, and serves health', async () => {
    const server = await startEligibilityGrpcServer({
      pool: env.pool,
      verifier: createTokenVerifier({ issuers: [{ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl }] }),
      logger: env.logger,
      now,
      address: '127.0.0.1:0',
    });
    const loaded = grpc.loadPackageDefinition(loadEligibilityPackage()) as unknown as ProtoGrpcType;
    const client = new loaded.huimin.eligibility.v1.EligibilityService(
      `127.0.0.1:${server.port}`,
      grpc.credentials.createInsecure(),
    );
    try {
      const service = await issuer.serviceToken('eldercare');
      const person = await issuer.userToken({
        userId: 'u-own',
        role: 'bureau-admin',
        jurisdictions: ['320585'],
      });
      await expect(call(client, 'GetStatus', { householdId })).rejects.toMatchObject({
        code: grpc.status.UNAUTHENTICATED,
      });
      await expect(call(client, 'GetStatus', { householdId }, person)).rejects.toMatchObject({
        code: grpc.status.UNAUTHENTICATED,
      });

      // After the switch to taicang-2025-07-01: 3 × 1,100 − 3,000 yuan = 300 yuan of dibao.
      const status = await call<Record<string, unknown>>(client, 'GetStatus', { householdId }, service);
      expect(status).toMatchObject({ householdId, policyVersion: 'taicang-2025-07-01', householdSize: 3 });
      expect((status.programmes as Record<string, unknown>[])[0]).toMatchObject({
        programme: 'dibao',
        status: 'eligible',
        monthlyAmountFen: '30000',
        checks: expect.arrayContaining([
          { code: 'INCOME_BELOW_STANDARD', passed: true, actual: '300000', threshold: '330000' },
        ]),
      });
      for (const m of household.members) expect(JSON.stringify(status)).not.toContain(m.residentId);
      await expect(call(client, 'GetStatus', { householdId: 'H-NOBODY' }, service)).rejects.toMatchObject({
        code: grpc.status.NOT_FOUND,
      });
      // Text Postgres cannot store is the caller's to fix, not an internal error.
      await expect(call(client, 'GetStatus', { householdId: 'H-\u0000' }, service)).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
      });

      // The contract lists who may ask what (callers.json): risk reads policies, never a household.
      const risk = await issuer.serviceToken('risk');
      for (const method of ['GetStatus', 'Evaluate'] as const)
        await expect(call(client, method, { householdId }, risk)).rejects.toMatchObject({
          code: grpc.status.PERMISSION_DENIED,
        });
      const ingest = await issuer.serviceToken('ingest');
      await expect(call(client, 'ListPolicies', {}, ingest)).rejects.toMatchObject({
        code: grpc.status.PERMISSION_DENIED,
      });
      await expect(call(client, 'ListPolicies', {}, risk)).resolves.toMatchObject({
        policies: expect.arrayContaining([expect.objectContaining({ policyVersion: 'taicang-2020-07-01' })]),
      });

      // What-if: one person aged 70, no income, no work ability, no supporter — tekun under the 2020 standard.
      const decisionsBefore = (await env.pool.query('select count(*)::int as n from decisions')).rows[0].n;
      const elder = syntheticResidentId({ birthDate: '1955-01-01', sex: 'female', seq: 7 });
      const whatIf = await call<Record<string, unknown>>(
        client,
        'Evaluate',
        {
          asOf: '2025-03-03',
          facts: {
            householdId: 'what-if-1',
            members: [
              { residentId: elder, birthDate: '1955-01-01', workAbility: 'none', monthlyIncomeFen: '0' },
            ],
            assets: { financialAssetsFen: '100000', propertyCount: 1 },
            rigidSpendingFen: '0',
          },
        },
        service,
      );
      expect(whatIf).toMatchObject({ policyVersion: 'taicang-2024-10-24', decidedAt: '' });
      const tekun = (whatIf.programmes as Record<string, unknown>[]).find((p) => p.programme === 'tekun');
      expect(tekun).toMatchObject({ status: 'eligible', monthlyAmountFen: '146300', members: 1 });
      expect((await env.pool.query('select count(*)::int as n from decisions')).rows[0].n).toBe(
        decisionsBefore,
      );
      await expect(
        call(
          client,
          'Evaluate',
          { asOf: '2025-03-03', facts: { members: [{ residentId: '123' }] } },
          service,
        ),
      ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });

      const policies = await call<{ policies: { policyVersion: string; dibaoStandardFen: string }[] }>(
        client,
        'ListPolicies',
        {},
        service,
      );
      expect(policies.policies.map((p) => p.policyVersion)).toContain('taicang-2020-07-01');
      expect(policies.policies.find((p) => p.policyVersion === 'taicang-2020-07-01')?.dibaoStandardFen).toBe(
        '104500',
      );

      // Health is the standard grpc.health.v1, open to probes without a token.
      const healthPackage = grpc.loadPackageDefinition(
        protoLoader.loadSync(healthProtoPath, { enums: String }),
      ) as unknown as {
        grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
      };
      const health = new healthPackage.grpc.health.v1.Health(
        `127.0.0.1:${server.port}`,
        grpc.credentials.createInsecure(),
      );
      const served = await new Promise<{ status: string }>((resolve, reject) =>
        health.Check?.({ service: ELIGIBILITY_SERVICE_NAME }, (err: unknown, v: { status: string }) =>
          err ? reject(err) : resolve(v),
        ),
      );
      expect(served.status).toBe('SERVING');
      health.close();
    } finally {
      client.close();
      await server.close();
    }
  });
});

describe('screening against enrolment', () => {
  async function gapsOnTopic(): Promise<EnrolmentGapsChanged[]> {
    const records = await readRecords(env.kafka, EnrolmentGapsChanged.topic.name);
    return records
      .filter((r) => r.key === householdId && r.headers.ce_type === EnrolmentGapsChanged.type)
      .map((r) => JSON.parse(r.value));
  }
  const dibaoGap = (e: EnrolmentGapsChanged | undefined) => e?.gaps.find((g) => g.programme === 'dibao');

  it('publishes "eligible but not receiving", closes it on enrolment, ignores a late older change, reopens it on retraction', async () => {
    // The household screens as dibao and the assistance system pays nothing. The gap opened with
    // the first decision (135 yuan); a new amount alone does not announce it again.
    await waitUntil(
      async () => dibaoGap((await gapsOnTopic()).at(-1)) !== undefined,
      'a dibao gap is published',
    );
    expect(dibaoGap((await gapsOnTopic()).at(-1))).toEqual({
      programme: 'dibao',
      kind: 'eligible-not-receiving',
      receivingMonthlyFen: 0,
      decidedMonthlyFen: 30_000,
    });

    const enrolled = await publisher.publish(
      AssistanceEnrolmentChanged,
      {
        enrolmentId: 'DB-2025-0001',
        householdId,
        businessDate: '2025-07-01',
        programme: 'dibao',
        change: 'enrolled',
        monthlyAmountFen: 30_000,
      },
      { source: '/test' },
    );
    await handled(enrolled.envelope.id);
    await waitUntil(async () => dibaoGap((await gapsOnTopic()).at(-1)) === undefined, 'the dibao gap closes');
    const afterEnrolment = (await gapsOnTopic()).length;

    // An exit dated before the enrolment arrives late: the enrolment in force is unchanged.
    const lateExit = await publisher.publish(
      AssistanceEnrolmentChanged,
      {
        enrolmentId: 'DB-2025-0001',
        householdId,
        businessDate: '2025-06-01',
        programme: 'dibao',
        change: 'exited',
        monthlyAmountFen: 0,
      },
      { source: '/test' },
    );
    await handled(lateExit.envelope.id);
    const retracted = await publisher.publish(
      AssistanceEnrolmentRetracted,
      { enrolmentId: 'DB-2025-0001', householdId, businessDate: '2025-07-01', reason: 'entered-in-error' },
      { source: '/test' },
    );
    await handled(retracted.envelope.id);
    await waitUntil(async () => (await gapsOnTopic()).length > afterEnrolment, 'the gap reopens');
    const all = await gapsOnTopic();
    // Nothing was published for the late exit: the next event is the reopening after the retraction.
    expect(all).toHaveLength(afterEnrolment + 1);
    expect(dibaoGap(all.at(-1))?.kind).toBe('eligible-not-receiving');
  });

  it('a household whose last member died still paid tekun: receiving but no longer eligible', async () => {
    const tekun = await publisher.publish(
      AssistanceEnrolmentChanged,
      {
        enrolmentId: 'TK-2025-0009',
        householdId,
        businessDate: '2025-07-01',
        programme: 'tekun-dispersed',
        change: 'enrolled',
        monthlyAmountFen: 146_300,
        beneficiaryResidentIds: [head],
      },
      { source: '/test' },
    );
    await handled(tekun.envelope.id);
    const dissolved = await publisher.publish(
      HouseholdDissolved,
      { householdId, businessDate: '2025-07-01', reason: 'all-members-deceased' },
      { source: '/test' },
    );
    await handled(dissolved.envelope.id);
    await waitUntil(
      async () =>
        (await gapsOnTopic()).at(-1)?.gaps.some((g) => g.kind === 'receiving-not-eligible') ?? false,
      'the gap is published',
    );
    expect((await gapsOnTopic()).at(-1)?.gaps).toEqual([
      {
        programme: 'tekun-dispersed',
        kind: 'receiving-not-eligible',
        enrolmentId: 'TK-2025-0009',
        receivingMonthlyFen: 146_300,
        decidedMonthlyFen: 0,
      },
    ]);
  });
});

describe('the disability certification feed', () => {
  it('a certification keyed by person re-decides the household they live in; its retraction undoes it', async () => {
    const other = {
      ...structuredClone(household),
      householdId: 'HH-320585100001-0108',
      members: household.members.map(({ disability: _none, ...m }) => m),
    };
    const person = other.members.at(-1)?.residentId ?? '';
    const registered = await publisher.publish(HouseholdRegistered, other, { source: '/test' });
    await handled(registered.envelope.id);
    const nursing = async () =>
      (
        await env.pool.query('select summary from current_decisions where household_id = $1', [
          other.householdId,
        ])
      ).rows[0]?.summary?.['disability-nursing'];
    expect(await nursing()).toBe('ineligible:0');

    // Grade 1 (severe): the nursing subsidy, 100 yuan a month (placeholder) for one member.
    const certified = await publisher.publish(
      DisabilityCertified,
      {
        residentId: person,
        businessDate: '2025-05-01',
        grade: 1,
        category: 'physical',
        certificateNo: `${person}41`,
      },
      { source: '/test' },
    );
    await handled(certified.envelope.id);
    expect(await nursing()).toBe('eligible:10000');

    const retracted = await publisher.publish(
      DisabilityCertificationRetracted,
      {
        residentId: person,
        certificateNo: `${person}41`,
        businessDate: '2025-05-01',
        reason: 'entered-in-error',
      },
      { source: '/test' },
    );
    await handled(retracted.envelope.id);
    expect(await nursing()).toBe('ineligible:0');
  });
});
