import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGrpcAlertDirectory,
  loadAlertServiceDefinition,
  PROTO_ROOT,
} from '../src/alerts/grpc-alert-directory.ts';
import { bearer, bookkeeping, type Charity, startCharity } from './harness.ts';

// An application may link the discovery alert that found the household; charity asks discovery
// over gRPC whether the alert exists and is about that household. Here a small gRPC server speaks
// discovery's AlertService contract (proto/huimin/discovery/v1/alert.proto) and checks charity's
// service token.

const protoRoot = PROTO_ROOT;
const SERVICE_TOKEN = `svc-${randomUUID()}`;

const alerts = new Map([
  [
    'ALR-2026-000087',
    {
      alertId: 'ALR-2026-000087',
      householdId: 'HH-320585100001-0107',
      communityCode: '320585100001',
      status: 'acknowledged',
    },
  ],
]);
const asked: { alertId: string; authorization: string | undefined }[] = [];

let server: grpc.Server;
let address: string;
let charity: Charity;
let directory: ReturnType<typeof createGrpcAlertDirectory>;

beforeAll(async () => {
  const AlertService = loadAlertServiceDefinition(protoRoot);
  if (AlertService === undefined) throw new Error(`no AlertService in ${protoRoot}`);
  server = new grpc.Server();
  server.addService(AlertService.service, {
    GetAlert(
      call: grpc.ServerUnaryCall<{ alertId: string }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) {
      const authorization = call.metadata.get('authorization')[0]?.toString();
      asked.push({ alertId: call.request.alertId, authorization });
      if (authorization !== `Bearer ${SERVICE_TOKEN}`) {
        callback({ code: grpc.status.UNAUTHENTICATED, details: 'a service token is required' });
        return;
      }
      const alert = alerts.get(call.request.alertId);
      if (alert === undefined) callback({ code: grpc.status.NOT_FOUND, details: 'no such alert' });
      else callback(null, { alert });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  address = `127.0.0.1:${port}`;
  directory = createGrpcAlertDirectory({
    address,
    deadlineMs: 2000,
    serviceToken: { token: async () => SERVICE_TOKEN },
    protoRoot,
  });
  charity = await startCharity({ name: 'charity_alert', alerts: directory });
  const res = await charity.app.server.inject({
    method: 'POST',
    url: '/v1/donations',
    headers: { ...bearer(charity.tokens.approver), 'idempotency-key': randomUUID() },
    payload: {
      fundId: 'fund-320585100',
      amountFen: 500_000,
      channel: 'bank-transfer',
      donor: { kind: 'anonymous' },
    },
  });
  expect(res.statusCode).toBe(201);
});
afterAll(async () => {
  directory?.close();
  await charity?.close();
  await new Promise<void>((resolve) => (server ? server.tryShutdown(() => resolve()) : resolve()));
});

async function apply(payload: Record<string, unknown>) {
  for (const household of ['HH-320585100001-0107', 'HH-320585100001-0999'])
    await charity.registerHousehold(household, '320585100001');
  return charity.app.server.inject({
    method: 'POST',
    url: '/v1/disbursements',
    headers: bearer(charity.tokens.handler),
    payload: {
      fundId: 'fund-320585100',
      householdId: 'HH-320585100001-0107',
      purpose: 'medical',
      amountFen: 100_000,
      reason: '大病自付费用超过家庭年收入一半',
      ...payload,
    },
  });
}

describe('linking a discovery alert to an application', () => {
  it('is accepted when discovery knows the alert and it is about this household, asked with charity’s service token', async () => {
    const res = await apply({ alertId: 'ALR-2026-000087' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ alertId: 'ALR-2026-000087', status: 'applied' });
    expect(asked.at(-1)).toEqual({ alertId: 'ALR-2026-000087', authorization: `Bearer ${SERVICE_TOKEN}` });
  });

  it('is refused with nothing written when discovery has no such alert', async () => {
    const before = await bookkeeping(charity);
    const res = await apply({ alertId: 'ALR-2026-999999' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'ALERT_NOT_FOUND' });
    expect(await bookkeeping(charity)).toEqual(before);
  });

  it('is refused when the alert is about another household', async () => {
    const res = await apply({ alertId: 'ALR-2026-000087', householdId: 'HH-320585100001-0999' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'ALERT_MISMATCH' });
  });

  it('answers 503 with nothing written when discovery cannot be asked', async () => {
    const unreachable = createGrpcAlertDirectory({
      address: '127.0.0.1:1',
      deadlineMs: 300,
      serviceToken: { token: async () => SERVICE_TOKEN },
      protoRoot,
    });
    const wrongToken = createGrpcAlertDirectory({
      address,
      deadlineMs: 2000,
      serviceToken: { token: async () => 'not-a-service-token' },
      protoRoot,
    });
    try {
      await expect(unreachable.getAlert('ALR-2026-000087')).rejects.toThrow(/UNAVAILABLE|DEADLINE/);
      await expect(wrongToken.getAlert('ALR-2026-000087')).rejects.toThrow(/UNAUTHENTICATED/);
    } finally {
      unreachable.close();
      wrongToken.close();
    }
    // Through the API: discovery stops answering.
    server.forceShutdown();
    const before = await bookkeeping(charity);
    const res = await apply({ alertId: 'ALR-2026-000087' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'ALERT_CHECK_UNAVAILABLE' });
    expect(await bookkeeping(charity)).toEqual(before);
  });
});
