import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { createTestIssuer, createTokenVerifier, type TestIssuer } from '@huimin/auth';
import { syntheticResidentId } from '@huimin/contracts';
import { withTransaction } from '@huimin/pg';
import { startTestEnv, type TestEnv } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPolicies } from '../src/domain/policy.ts';
import { seedTemporaryAssistancePolicies } from '../src/domain/temporary-assistance.ts';
import {
  type EligibilityGrpcServer,
  loadEligibilityPackage,
  startEligibilityGrpcServer,
} from '../src/grpc/eligibility-service.ts';
import type { ProtoGrpcType } from '../src/grpc/generated/eligibility.ts';
import type { EligibilityServiceClient } from '../src/grpc/generated/huimin/eligibility/v1/EligibilityService.ts';
import { publishPolicy } from '../src/redecide.ts';
import { storeTemporaryAssistancePolicy } from '../src/store/facts.ts';

// ProposeTemporaryAssistance over gRPC: the household's facts as eligibility holds them, the rule
// version in force, the checks behind the amount; only the assistance service may ask.

let env: TestEnv;
let issuer: TestIssuer;
let server: EligibilityGrpcServer;
let client: EligibilityServiceClient;
const now = () => new Date('2025-03-02T04:00:00Z');
const householdId = 'HH-320585100001-0731';

beforeAll(async () => {
  env = await startTestEnv({
    name: 'eligibility_ta',
    migrationsDir: fileURLToPath(new URL('../migrations', import.meta.url)),
    redis: false,
    broker: false,
  });
  await withTransaction(env.pool, async (c) => {
    for (const policy of seedPolicies) await publishPolicy(c, policy, now());
    for (const rule of seedTemporaryAssistancePolicies) await storeTemporaryAssistancePolicy(c, rule);
  });
  const members = [1, 2].map((seq) => ({
    residentId: syntheticResidentId({ birthDate: '1975-05-05', sex: 'male', seq }),
    birthDate: '1975-05-05',
    workAbility: 'full',
    inInstitution: false,
  }));
  await env.pool.query(
    `insert into households (household_id, community_code, members, supporters, business_date)
     values ($1, '320585100001', $2, '[]', '2025-01-01')`,
    [householdId, JSON.stringify(members)],
  );
  // 2 × 1,045 yuan × 2 people = 4,180 yuan: the household's income sits exactly on the line.
  await env.pool.query(
    `insert into member_incomes (resident_id, household_id, monthly_fen, business_date) values ($1, $2, 418000, '2025-01-01')`,
    [members[0]?.residentId, householdId],
  );
  await env.pool.query(
    `insert into household_assets (household_id, financial_assets_fen, has_non_essential_vehicle, property_count, business_date)
     values ($1, 100000, false, 1, '2025-01-01')`,
    [householdId],
  );
  issuer = await createTestIssuer();
  server = await startEligibilityGrpcServer({
    pool: env.pool,
    verifier: createTokenVerifier({ issuers: [{ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl }] }),
    logger: env.logger,
    now,
    address: '127.0.0.1:0',
  });
  const loaded = grpc.loadPackageDefinition(loadEligibilityPackage()) as unknown as ProtoGrpcType;
  client = new loaded.huimin.eligibility.v1.EligibilityService(
    `127.0.0.1:${server.port}`,
    grpc.credentials.createInsecure(),
  );
});

afterAll(async () => {
  client?.close();
  await server?.close();
  await issuer?.close();
  await env?.close();
});

function propose(request: object, token: string): Promise<Record<string, unknown>> {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) =>
    client.ProposeTemporaryAssistance(request, metadata, (err, value) =>
      err ? reject(err) : resolve(value as unknown as Record<string, unknown>),
    ),
  );
}

describe('gRPC ProposeTemporaryAssistance', () => {
  it('proposes the amount with its checks and both policy versions, to the assistance service only', async () => {
    const assistance = await issuer.serviceToken('assistance');
    const decision = await propose({ householdId, cause: 'accident' }, assistance);
    // 6 months × 1,045 yuan × 2 people = 12,540 yuan, within the 30,000-yuan ceiling; town above 5,000 is bureau.
    expect(decision).toMatchObject({
      householdId,
      asOf: '2025-03-02',
      policyVersion: 'taicang-ta-2024-10-24',
      standardPolicyVersion: 'taicang-2024-10-24',
      status: 'eligible',
      maximumFen: '1254000',
      proposedFen: '1254000',
      approvalLevel: 'bureau',
      checks: expect.arrayContaining([
        { code: 'TA_INCOME_WITHIN_LINE', passed: true, actual: '418000', threshold: '418000' },
      ]),
    });
    const waiting = await propose(
      { householdId, cause: 'accident', requestedFen: '200000', lastGrantedOn: '2025-01-01' },
      assistance,
    );
    expect(waiting).toMatchObject({ status: 'ineligible', proposedFen: '0', nextPossibleOn: '2025-06-30' });

    const charity = await issuer.serviceToken('charity');
    await expect(propose({ householdId, cause: 'accident' }, charity)).rejects.toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
    });
    await expect(propose({ householdId: 'HH-NOBODY', cause: 'accident' }, assistance)).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
    });
    await expect(propose({ householdId, cause: 'boredom' }, assistance)).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
  });
});
