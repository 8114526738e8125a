import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import {
  createTestIssuer,
  createTokenVerifier,
  type Role,
  type TestIssuer,
  type TokenVerifier,
} from '@huimin/auth';
import { PersonRecordRead, topics } from '@huimin/contracts';
import { PROTO_ROOT } from '@huimin/grpc';
import { createOutboxRelay, createProducer, createPublisher, ensureTopics } from '@huimin/kafka';
import { createMetricsRegistry } from '@huimin/kit';
import { startTestEnv, type TestEnv } from '@huimin/testkit';
import { type AssistanceApp, createApp } from '../src/app.ts';
import { createUpstream } from '../src/upstream/upstream.ts';

// One assistance service per test file: a fresh schema, the embedded broker with the outbox relay,
// a throwaway token issuer, and one gRPC server speaking discovery's AlertService and eligibility's
// EligibilityService contracts (loaded from proto/, as the services serve them), answering from
// the alerts and proposals a test sets and recording what the service asked.

export const users = {
  handler: { userId: 'u-handler-0107', role: 'case-handler', jurisdictions: ['320585100001'] },
  otherHandler: { userId: 'u-handler-0033', role: 'case-handler', jurisdictions: ['320585109002'] },
  supervisor: { userId: 'u-sup-chengxiang', role: 'town-supervisor', jurisdictions: ['320585100'] },
  supervisor2: { userId: 'u-sup-chengxiang-2', role: 'town-supervisor', jurisdictions: ['320585100'] },
  admin: { userId: 'u-admin-1', role: 'bureau-admin', jurisdictions: ['320585'] },
  admin2: { userId: 'u-admin-2', role: 'bureau-admin', jurisdictions: ['320585'] },
  admin3: { userId: 'u-admin-3', role: 'bureau-admin', jurisdictions: ['320585'] },
} satisfies Record<string, { userId: string; role: Role; jurisdictions: string[] }>;

export interface AlertFixture {
  alertId: string;
  householdId: string;
  communityCode: string;
  status: string;
  type: string;
  title: string;
  priority: string;
  reasons: string[];
}

export interface Assistance {
  env: TestEnv;
  app: AssistanceApp;
  tokens: Record<keyof typeof users, string>;
  alerts: Map<string, AlertFixture>;
  /** What eligibility answers per household (the proto's JSON form). */
  proposals: Map<string, Record<string, unknown>>;
  /** Every ProposeTemporaryAssistance request, with the caller's token. */
  asked: { request: Record<string, unknown>; authorization: string | undefined }[];
  drainOutbox(): Promise<number>;
  close(): Promise<void>;
}

const SERVICE_TOKEN = 'svc-assistance-test';

export async function startAssistance(options: {
  name: string;
  fourEyesAboveFen?: number;
  /** Another issuer's verifier (identity's, in another service's test); a throwaway issuer's by default. */
  verifier?: TokenVerifier;
}): Promise<Assistance> {
  const env = await startTestEnv({
    name: options.name,
    migrationsDir: fileURLToPath(new URL('../migrations', import.meta.url)),
    redis: false,
    broker: true,
  });
  await ensureTopics(env.kafka, {
    topics: [topics['huimin.assistance.application'], PersonRecordRead.topic],
    mode: 'dev',
    logger: env.logger,
  });
  const alerts = new Map<string, AlertFixture>();
  const proposals = new Map<string, Record<string, unknown>>();
  const asked: Assistance['asked'] = [];

  const load = (file: string) =>
    grpc.loadPackageDefinition(
      protoLoader.loadSync(file, { includeDirs: [PROTO_ROOT], longs: String, enums: String, defaults: true }),
    ) as unknown as { huimin: Record<string, { v1: Record<string, grpc.ServiceClientConstructor> }> };
  const discovery = load('huimin/discovery/v1/alert.proto').huimin.discovery?.v1.AlertService;
  const eligibility = load('huimin/eligibility/v1/eligibility.proto').huimin.eligibility?.v1
    .EligibilityService;
  if (!discovery || !eligibility) throw new Error('contracts not found in proto/');
  const authorized = (call: grpc.ServerUnaryCall<unknown, unknown>) =>
    call.metadata.get('authorization')[0]?.toString() === `Bearer ${SERVICE_TOKEN}`;
  const server = new grpc.Server();
  server.addService(discovery.service, {
    GetAlert(call: grpc.ServerUnaryCall<{ alertId: string }, unknown>, cb: grpc.sendUnaryData<unknown>) {
      if (!authorized(call))
        return cb({ code: grpc.status.UNAUTHENTICATED, details: 'service token required' });
      const alert = alerts.get(call.request.alertId);
      if (!alert) return cb({ code: grpc.status.NOT_FOUND, details: 'no such alert' });
      cb(null, { alert });
    },
  });
  server.addService(eligibility.service, {
    ProposeTemporaryAssistance(
      call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>,
      cb: grpc.sendUnaryData<unknown>,
    ) {
      asked.push({ request: call.request, authorization: call.metadata.get('authorization')[0]?.toString() });
      if (!authorized(call))
        return cb({ code: grpc.status.UNAUTHENTICATED, details: 'service token required' });
      const p = proposals.get(String(call.request.householdId));
      if (!p) return cb({ code: grpc.status.NOT_FOUND, details: 'no such household' });
      cb(null, p);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  const upstream = createUpstream({
    discoveryAddress: `127.0.0.1:${port}`,
    eligibilityAddress: `127.0.0.1:${port}`,
    deadlineMs: 2000,
    serviceToken: { token: async () => SERVICE_TOKEN },
  });
  const issuer: TestIssuer = await createTestIssuer();
  const app = await createApp({
    logger: env.logger,
    registry: createMetricsRegistry({ service: 'assistance' }),
    pool: env.pool,
    verifier:
      options.verifier ??
      createTokenVerifier({ issuers: [{ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl }] }),
    alerts: upstream.alerts,
    eligibility: upstream.eligibility,
    fourEyesAboveFen: options.fourEyesAboveFen ?? 200_000,
  });
  const producer = createProducer(env.kafka);
  await producer.connect();
  const relay = createOutboxRelay({
    pool: env.pool,
    schema: env.schema,
    publisher: createPublisher({ producer }),
    logger: env.logger,
    connectionString: env.databaseUrl,
  });
  const tokens = Object.fromEntries(
    await Promise.all(
      Object.entries(users).map(async ([who, claims]) => [who, await issuer.userToken(claims)]),
    ),
  ) as Record<keyof typeof users, string>;
  return {
    env,
    app,
    tokens,
    alerts,
    proposals,
    asked,
    drainOutbox: () => relay.drain(),
    async close() {
      await app.close();
      upstream.close();
      server.forceShutdown();
      await producer.disconnect();
      await issuer.close();
      await env.close();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** An eligibility answer in the proto's JSON form (int64 as decimal strings). */
export function proposal(
  householdId: string,
  overrides: Partial<Record<string, unknown>> & {
    failed?: { code: string; actual: string; threshold: string }[];
  } = {},
): Record<string, unknown> {
  const { failed = [], ...rest } = overrides;
  const codes = [
    'TA_INCOME_WITHIN_LINE',
    'TA_ASSETS_WITHIN_LIMIT',
    'TA_WAITING_PERIOD_OVER',
    'TA_WITHIN_CAUSE_MULTIPLE',
    'TA_WITHIN_CEILING',
  ];
  return {
    householdId,
    asOf: '2026-12-07',
    policyVersion: 'taicang-ta-2024-10-24',
    standardPolicyVersion: 'taicang-2024-10-24',
    dibaoStandardFen: '104500',
    householdSize: 2,
    cause: 'accident',
    status: failed.length ? 'ineligible' : 'eligible',
    maximumFen: '1254000',
    proposedFen: failed.length ? '0' : '1254000',
    approvalLevel: 'bureau',
    nextPossibleOn: '',
    checks: codes.map((code) => {
      const f = failed.find((x) => x.code === code);
      return f
        ? { code, passed: false, actual: f.actual, threshold: f.threshold }
        : { code, passed: true, actual: '0', threshold: '1' };
    }),
    ...rest,
  };
}
