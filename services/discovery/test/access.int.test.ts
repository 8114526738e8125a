import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { devServiceCredentials } from '@huimin/auth';
import { HouseholdRegistered, PersonRecordRead, RiskFlagged, syntheticResidentId } from '@huimin/contracts';
import { createMetricsRegistry } from '@huimin/kit';
import { startTestEnv } from '@huimin/testkit';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../identity/src/domain/passwords.ts';
import { createApp as createRiskApp } from '../../risk/src/app.ts';
import { createApp } from '../src/app.ts';
import { type AlertGrpcServer, loadAlertPackage, startAlertGrpcServer } from '../src/grpc/alert-service.ts';
import type { ProtoGrpcType } from '../src/grpc/generated/alert.ts';
import type { AlertServiceClient } from '../src/grpc/generated/huimin/discovery/v1/AlertService.ts';
import { bearer, CHANGSHENG, type Harness, LUDU_COMMUNITY, riskFlag, startHarness } from './harness.ts';

// Every endpoint, tried by people who may and may not: a handler sees and changes only their
// communities' alerts, a supervisor their town's, an admin all, an auditor reads all and changes
// nothing; "not yours" answers exactly like "not there".

const RISK_MIGRATIONS = fileURLToPath(new URL('../../risk/migrations', import.meta.url));

let h: Harness;
let changsheng: string; // an alert of 长胜 (娄东 town)
let ludu: string; // an alert of 陆渡 town
let householdOfChangsheng: string;

beforeAll(async () => {
  h = await startHarness('discovery_access');
  householdOfChangsheng = `HH-${randomUUID().slice(0, 8)}`;
  const hhLudu = `HH-${randomUUID().slice(0, 8)}`;
  await h.handled(await h.publish(RiskFlagged, riskFlag(householdOfChangsheng, 'severe', CHANGSHENG)));
  await h.handled(await h.publish(RiskFlagged, riskFlag(hhLudu, 'severe', LUDU_COMMUNITY)));
  const { rows } = await h.env.pool.query('select id, household_id from alerts');
  changsheng = rows.find((r) => r.household_id === householdOfChangsheng).id;
  ludu = rows.find((r) => r.household_id === hhLudu).id;
}, 90_000);

afterAll(async () => {
  await h?.close();
});

const reads = (id: string) => [`/v1/alerts/${id}`];
const writes = (id: string): [string, unknown][] => [
  [`/v1/alerts/${id}/acknowledge`, undefined],
  [`/v1/alerts/${id}/visit`, undefined],
  [`/v1/alerts/${id}/notes`, { body: '备注' }],
  [`/v1/alerts/${id}/resolve`, { outcome: 'no-need' }],
  [`/v1/alerts/${id}/dismiss`, { reasonCode: 'other', note: '测试' }],
  [`/v1/alerts/${id}/reassign`, { userId: 'u-li' }],
];

async function as(username: string) {
  const headers = bearer(await h.token(username));
  return {
    get: (url: string) => h.app.server.inject({ method: 'GET', url, headers }),
    post: (url: string, payload?: unknown) =>
      h.app.server.inject({
        method: 'POST',
        url,
        headers,
        ...(payload === undefined ? {} : { payload: payload as object }),
      }),
  };
}

describe('who sees what', () => {
  it('answers 404 ALERT_NOT_FOUND to every read and write outside the caller’s jurisdiction, changing nothing', async () => {
    const outsiders: [string, string][] = [
      ['handler.zhou', changsheng], // another community of the same town
      ['handler.ludu', changsheng], // another town
      ['supervisor.ludu', changsheng],
      ['handler.li', ludu],
      ['supervisor.loudong', ludu],
    ];
    const { rows: before } = await h.env.pool.query(
      'select id, status, assignee_user_id, updated_at from alerts order by id',
    );
    for (const [user, id] of outsiders) {
      const client = await as(user);
      for (const url of reads(id)) {
        const res = await client.get(url);
        expect([user, url, res.statusCode, res.json().code]).toEqual([user, url, 404, 'ALERT_NOT_FOUND']);
      }
      for (const [url, body] of writes(id)) {
        const res = await client.post(url, body);
        expect([user, url, res.statusCode, res.json().code]).toEqual([user, url, 404, 'ALERT_NOT_FOUND']);
      }
      const missing = await client.get('/v1/alerts/ALR-2026-999999');
      expect(missing.json()).toEqual(expect.objectContaining({ code: 'ALERT_NOT_FOUND' }));
      const list = (await client.get('/v1/alerts?limit=200')).json();
      expect(list.alerts.map((a: { id: string }) => a.id)).not.toContain(id);
      const csv = await client.get('/v1/alerts/export.csv');
      expect(csv.body).not.toContain(id);
    }
    const { rows: after } = await h.env.pool.query(
      'select id, status, assignee_user_id, updated_at from alerts order by id',
    );
    expect(after).toEqual(before);
    const { rows: notes } = await h.env.pool.query('select 1 from alert_notes');
    expect(notes).toEqual([]);
  });

  it('lets the community’s handler, the town’s supervisor and the bureau read; the auditor reads but changes nothing', async () => {
    for (const user of ['handler.li', 'handler.wang', 'supervisor.loudong', 'admin', 'auditor']) {
      const res = await (await as(user)).get(`/v1/alerts/${changsheng}`);
      expect([user, res.statusCode]).toEqual([user, 200]);
    }
    const auditor = await as('auditor');
    for (const [url, body] of writes(changsheng)) {
      const res = await auditor.post(url, body);
      expect([url, res.statusCode]).toEqual([url, 403]);
    }
    const supervisor = (await (await as('supervisor.loudong')).get('/v1/alerts?limit=200')).json();
    expect(supervisor.alerts.map((a: { id: string }) => a.id)).toEqual([changsheng]);
    const admin = (await (await as('admin')).get('/v1/alerts?limit=200')).json();
    expect(admin.alerts.map((a: { id: string }) => a.id).sort()).toEqual([changsheng, ludu].sort());
  });

  it('refuses a request without a token, and with a forged one', async () => {
    const none = await h.app.server.inject({ method: 'GET', url: '/v1/alerts' });
    expect(none.statusCode).toBe(401);
    const forged = await h.app.server.inject({
      method: 'GET',
      url: '/v1/alerts',
      headers: bearer('eyJhbGciOiJub25lIn0.e30.'),
    });
    expect(forged.statusCode).toBe(401);
  });
});

describe('the household view', () => {
  it('shows members masked, parts from services that are down as unavailable, and audits the read', async () => {
    const rid = syntheticResidentId({ seq: 3, birthDate: '1958-06-01', sex: 'female' });
    const reg = await h.publish(HouseholdRegistered, {
      householdId: householdOfChangsheng,
      businessDate: '2026-11-01',
      townCode: '320585001',
      communityCode: CHANGSHENG,
      address: { text: '娄东街道长胜社区2号', lng: 121.1, lat: 31.45 },
      members: [
        {
          residentId: rid,
          name: '测试',
          relationToHead: 'head',
          birthDate: '1958-06-01',
          sex: 'female',
          hukouLocal: true,
          workAbility: 'none',
          inInstitution: false,
        },
      ],
      legalSupporters: [],
    });
    await waitFor(async () => {
      const { rows } = await h.env.pool.query('select 1 from people where resident_id = $1', [rid]);
      return rows.length > 0;
    });
    void reg;
    const view = await (await as('handler.li')).get(`/v1/households/${householdOfChangsheng}/view`);
    expect(view.statusCode).toBe(200);
    const body = view.json();
    expect(body.members).toEqual([{ residentId: `${rid.slice(0, 4)}**********${rid.slice(-4)}` }]);
    expect(JSON.stringify(body)).not.toContain(rid);
    expect(body.eligibility).toMatchObject({ status: 'unavailable' });
    expect(body.risk).toMatchObject({ status: 'unavailable' });
    expect(body.eldercare).toMatchObject({ status: 'unavailable' });
    expect(body.charity).toMatchObject({ status: 'unavailable' });
    expect(body.alerts.map((a: { id: string }) => a.id)).toEqual([changsheng]);
    const { rows: audit } = await h.env.pool.query('select payload from outbox where type = $1', [
      PersonRecordRead.type,
    ]);
    expect(audit.map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actorId: 'u-li',
          subjectType: 'household',
          subjectId: householdOfChangsheng,
          service: 'discovery',
        }),
      ]),
    );
    // With risk up (the real risk app on its own schema), its part comes back, asked with the
    // handler's own token: risk checks the jurisdiction and audits its own read.
    const riskEnv = await startTestEnv({
      name: 'discovery_view_risk',
      migrationsDir: RISK_MIGRATIONS,
      broker: false,
      redis: false,
    });
    const risk = await createRiskApp({
      logger: riskEnv.logger,
      registry: createMetricsRegistry({ service: 'risk' }),
      pool: riskEnv.pool,
      verifier: h.identity.remoteVerifier(),
    });
    try {
      await riskEnv.pool.query(
        `insert into households (household_id, community_code, town_code, size, business_date) values ($1, $2, '320585001', 1, '2026-11-01')`,
        [householdOfChangsheng, CHANGSHENG],
      );
      await risk.listen({ port: 0, host: '127.0.0.1' });
      const address = risk.server.address();
      const viewer = await createApp({
        logger: h.env.logger,
        registry: createMetricsRegistry({ service: 'discovery' }),
        pool: h.env.pool,
        verifier: h.identity.remoteVerifier(),
        roster: h.roster,
        household: {
          eligibilityUrl: 'http://127.0.0.1:9',
          riskUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
          eldercareUrl: 'http://127.0.0.1:9',
          charityUrl: 'http://127.0.0.1:9',
          timeoutMs: 2000,
        },
      });
      const withRisk = await viewer.server.inject({
        method: 'GET',
        url: `/v1/households/${householdOfChangsheng}/view`,
        headers: bearer(await h.token('handler.li')),
      });
      await viewer.close();
      expect(withRisk.json().risk).toMatchObject({
        status: 'ok',
        data: { householdId: householdOfChangsheng, communityCode: CHANGSHENG, claims: [] },
      });
      const { rows: riskAudit } = await riskEnv.pool.query('select payload from outbox where type = $1', [
        PersonRecordRead.type,
      ]);
      expect(riskAudit.map((r) => r.payload)).toEqual([
        expect.objectContaining({ actorId: 'u-li', service: 'risk' }),
      ]);
    } finally {
      await risk.close();
      await riskEnv.close();
    }

    const outsider = await (await as('handler.zhou')).get(`/v1/households/${householdOfChangsheng}/view`);
    expect(outsider.statusCode).toBe(404);
    const unknown = await (await as('handler.li')).get('/v1/households/HH-nobody/view');
    expect(unknown.statusCode).toBe(404);
  });
});

describe('gRPC AlertService', () => {
  let server: AlertGrpcServer;
  let client: AlertServiceClient;

  beforeAll(async () => {
    for (const service of ['charity', 'eldercare', 'risk']) {
      const { clientId, clientSecret } = devServiceCredentials(service);
      await h.identity.app.users.upsertServiceClient(
        clientId,
        await hashPassword(clientSecret, { log2N: 10 }),
      );
    }
    server = await startAlertGrpcServer({
      db: h.env.pool,
      verifier: h.identity.remoteVerifier(),
      logger: h.env.logger,
      address: '127.0.0.1:0',
    });
    const loaded = grpc.loadPackageDefinition(loadAlertPackage()) as unknown as ProtoGrpcType;
    client = new loaded.huimin.discovery.v1.AlertService(
      `127.0.0.1:${server.port}`,
      grpc.credentials.createInsecure(),
    );
  });

  afterAll(async () => {
    client?.close();
    await server?.close();
  });

  async function serviceMetadata(service = 'charity'): Promise<grpc.Metadata> {
    const { clientId, clientSecret } = devServiceCredentials(service);
    const res = await h.identity.inject({
      method: 'POST',
      url: '/v1/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`,
    });
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${res.json().access_token}`);
    return metadata;
  }

  const call = <Req, Res>(
    method: (req: Req, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res?: Res) => void) => unknown,
    req: Req,
    md: grpc.Metadata,
  ) =>
    new Promise<Res>((resolve, reject) => {
      method.call(client, req, md, (err, res) => (err ? reject(err) : resolve(res as Res)));
    });

  it('answers GetAlert and ListOpenAlertsForHousehold to a service, NOT_FOUND for an unknown id', async () => {
    const md = await serviceMetadata();
    const got = await call(client.GetAlert, { alertId: changsheng }, md);
    expect(got).toMatchObject({
      alert: {
        alertId: changsheng,
        householdId: householdOfChangsheng,
        communityCode: CHANGSHENG,
        priority: 'P1',
        type: 'medical-hardship',
      },
    });
    const list = await call(client.ListOpenAlertsForHousehold, { householdId: householdOfChangsheng }, md);
    expect((list as { alerts: { alertId: string }[] }).alerts.map((a) => a.alertId)).toEqual([changsheng]);
    await expect(call(client.GetAlert, { alertId: 'ALR-2026-999999' }, md)).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
    });
  });

  it('answers PERMISSION_DENIED to a service its contract does not list for the method', async () => {
    // eldercare may list a household's open alerts but not read one alert; risk may do neither.
    const eldercare = await serviceMetadata('eldercare');
    const risk = await serviceMetadata('risk');
    const listed = await call(
      client.ListOpenAlertsForHousehold,
      { householdId: householdOfChangsheng },
      eldercare,
    );
    expect((listed as { alerts: unknown[] }).alerts).toHaveLength(1);
    for (const [method, req, md] of [
      [client.GetAlert, { alertId: changsheng }, eldercare],
      [client.GetAlert, { alertId: changsheng }, risk],
      [client.ListOpenAlertsForHousehold, { householdId: householdOfChangsheng }, risk],
    ] as const) {
      const err = await call(method as typeof client.GetAlert, req as { alertId: string }, md).then(
        () => undefined,
        (e: grpc.ServiceError) => e,
      );
      expect(err?.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(JSON.stringify(err)).not.toContain(householdOfChangsheng);
    }
  });

  it('reports SERVING on the standard health service', async () => {
    const healthDef = grpc.loadPackageDefinition(loadSync(healthProtoPath, { enums: String })) as unknown as {
      grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
    };
    const health = new healthDef.grpc.health.v1.Health(
      `127.0.0.1:${server.port}`,
      grpc.credentials.createInsecure(),
    ) as unknown as grpc.Client & {
      Check: (req: unknown, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void) => void;
    };
    try {
      const status = await new Promise<string | undefined>((resolve, reject) =>
        health.Check({ service: 'huimin.discovery.v1.AlertService' }, (err, res) =>
          err ? reject(err) : resolve(res?.status),
        ),
      );
      expect(status).toBe('SERVING');
    } finally {
      health.close();
    }
  });

  it('refuses a call without a service token, and a person’s token', async () => {
    await expect(call(client.GetAlert, { alertId: changsheng }, new grpc.Metadata())).rejects.toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
    });
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${await h.token('admin')}`);
    await expect(call(client.GetAlert, { alertId: changsheng }, md)).rejects.toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
    });
  });
});

async function waitFor(check: () => Promise<boolean>) {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out');
}
