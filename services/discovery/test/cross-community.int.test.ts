import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { devServiceCredentials } from '@huimin/auth';
import { HouseholdRegistered, RiskFlagged, syntheticResidentId } from '@huimin/contracts';
import { createHttpServer, createMetricsRegistry, type HttpServer } from '@huimin/kit';
import { waitUntil } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../identity/src/domain/passwords.ts';
import { registerConsoleGateway } from '../../notify/src/handlers/console-gateway.ts';
import { loadAlertPackage, startAlertGrpcServer } from '../src/grpc/alert-service.ts';
import type { ProtoGrpcType } from '../src/grpc/generated/alert.ts';
import { bearer, CHANGSHENG, type Harness, LUDU_COMMUNITY, riskFlag, startHarness } from './harness.ts';

// A handler of one town must learn nothing about a household of another: not by opening a
// walk-in for it with their own community typed in, not by an alert opened while the registry did
// not know the household yet, not through the full view, the household view, the list or the CSV.
// Each call is made directly and through notify's console gateway, as the console makes it.

let h: Harness;
let gateway: HttpServer;
let discoveryUrl: string;

const born = (seq: number) => ({ seq, birthDate: '1958-04-12', sex: 'female' as const });
// 陆渡 household the registry knows from the start, and one it learns of only after a handler of
// 长胜 typed its id into a walk-in.
const ludu = {
  id: `HH-LD-${randomUUID().slice(0, 8)}`,
  members: [syntheticResidentId(born(71)), syntheticResidentId(born(72))],
};
const late = { id: `HH-LT-${randomUUID().slice(0, 8)}`, members: [syntheticResidentId(born(73))] };
const everyResidentId = [...ludu.members, ...late.members];

function registration(householdId: string, members: string[], communityCode: string) {
  return {
    householdId,
    businessDate: '2026-11-01',
    townCode: communityCode.slice(0, 9),
    communityCode,
    address: { text: '陆渡街道测试路1号', lng: 121.2, lat: 31.5 },
    members: members.map((residentId, i) => ({
      residentId,
      name: '测试',
      relationToHead: i === 0 ? ('head' as const) : ('spouse' as const),
      birthDate: '1958-04-12',
      sex: 'female' as const,
      hukouLocal: true,
      workAbility: 'full' as const,
      inInstitution: false,
    })),
    legalSupporters: [],
  };
}

const placed = (householdId: string, n: number) =>
  waitUntil(async () => {
    const { rows } = await h.env.pool.query('select 1 from people where household_id = $1', [householdId]);
    return rows.length === n;
  }, `discovery's person map has ${householdId}`);

beforeAll(async () => {
  h = await startHarness('discovery_cross_community');
  await h.identity.app.rosters.replaceRoster(LUDU_COMMUNITY, ['u-ludu'], 'u-sup-ludu', h.identity.clock.now);
  await h.publish(HouseholdRegistered, registration(ludu.id, ludu.members, LUDU_COMMUNITY));
  await placed(ludu.id, 2);
  await h.app.server.listen({ port: 0, host: '127.0.0.1' });
  const address = h.app.server.server.address();
  discoveryUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  gateway = await createHttpServer({
    name: 'notify',
    logger: h.env.logger,
    registry: createMetricsRegistry({ service: 'notify' }),
  });
  await registerConsoleGateway(gateway, {
    discoveryUrl,
    scorecardUrl: 'http://127.0.0.1:9',
    identityUrl: h.identity.baseUrl,
    logger: h.env.logger,
  });
  await gateway.ready();
}, 90_000);

afterAll(async () => {
  await gateway?.close();
  await h?.close();
});

type Via = 'direct' | 'gateway';
const vias: Via[] = ['direct', 'gateway'];

/** One console call, straight to discovery or through notify's `/api/discovery/…`. */
async function call(via: Via, username: string, method: 'GET' | 'POST', url: string, payload?: object) {
  const headers = {
    ...bearer(await h.token(username)),
    ...(payload ? { 'content-type': 'application/json' } : {}),
  };
  const res =
    via === 'direct'
      ? await h.app.server.inject({ method, url, headers, ...(payload ? { payload } : {}) })
      : await gateway.inject({
          method,
          url: `/api/discovery${url}`,
          headers,
          ...(payload ? { payload: JSON.stringify(payload) } : {}),
        });
  return { status: res.statusCode, text: res.body, json: () => res.json() };
}

const leaksNoResidentId = (text: string) => {
  for (const id of everyResidentId) expect(text).not.toContain(id);
};

const alertsOf = async (householdId: string) =>
  (
    await h.env.pool.query<{ id: string; community_code: string; origin: string }>(
      'select id, community_code, origin from alerts where household_id = $1 order by raised_at, id',
      [householdId],
    )
  ).rows;

describe('a household of another town', () => {
  it.each(vias)(
    'cannot be opened by hand with the caller’s own community typed in (%s): 404, nothing opened',
    async (via) => {
      for (const body of [
        { householdId: ludu.id },
        { residentId: ludu.members[1] },
        { householdId: ludu.id, residentId: ludu.members[0] },
      ]) {
        const res = await call(via, 'handler.li', 'POST', '/v1/alerts', {
          ...body,
          communityCode: CHANGSHENG,
          channel: 'walk-in',
          summary: '居民来访',
        });
        expect([res.status, res.json().code]).toEqual([404, 'NOT_FOUND']);
        leaksNoResidentId(res.text);
      }
      expect(await alertsOf(ludu.id)).toEqual([]);
      const { rows } = await h.env.pool.query('select 1 from alerts where resident_id = any($1)', [
        ludu.members,
      ]);
      expect(rows).toEqual([]);
    },
  );

  it.each(vias)('answers 404 to its household view and lists nothing of it (%s)', async (via) => {
    const view = await call(via, 'handler.li', 'GET', `/v1/households/${ludu.id}/view`);
    expect(view.status).toBe(404);
    leaksNoResidentId(view.text);
    const list = await call(via, 'handler.li', 'GET', `/v1/alerts?householdId=${ludu.id}`);
    expect(list.json().alerts).toEqual([]);
    const csv = await call(via, 'handler.li', 'GET', `/v1/alerts/export.csv?householdId=${ludu.id}`);
    expect(csv.status).toBe(200);
    expect(csv.text.trim().split('\r\n')).toHaveLength(1); // the header alone
    leaksNoResidentId(csv.text);
  });

  it('takes its community from the registry when its own handler opens a walk-in, whatever community is typed', async () => {
    const res = await call('gateway', 'handler.ludu', 'POST', '/v1/alerts', {
      residentId: ludu.members[0],
      communityCode: LUDU_COMMUNITY,
      channel: 'hotline',
      summary: '热线来电',
    });
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({
      householdId: ludu.id,
      communityCode: LUDU_COMMUNITY,
      origin: 'manual',
    });
    leaksNoResidentId(res.text);
  });
});

describe('a household the registry learns of after another town’s handler typed its id', () => {
  let fake: string;
  let real: string;

  beforeAll(async () => {
    // Unknown to the platform: allowed, carrying only what the caller typed.
    const opened = await call('direct', 'handler.li', 'POST', '/v1/alerts', {
      householdId: late.id,
      communityCode: CHANGSHENG,
      channel: 'walk-in',
      summary: '居民来访，自称住在本社区',
    });
    expect(opened.status).toBe(201);
    fake = opened.json().id;
    await h.publish(HouseholdRegistered, registration(late.id, late.members, LUDU_COMMUNITY));
    await placed(late.id, 1);
  });

  it.each(vias)(
    'keeps its members from the full view of the early alert (%s): 404, no resident ID',
    async (via) => {
      const res = await call(
        via,
        'handler.li',
        'GET',
        `/v1/alerts/${fake}/subject?view=full&purpose=${encodeURIComponent('入户核实')}`,
      );
      expect([res.status, res.json().code]).toEqual([404, 'ALERT_NOT_FOUND']);
      leaksNoResidentId(res.text);
      const view = await call(via, 'handler.li', 'GET', `/v1/households/${late.id}/view`);
      expect(view.status).toBe(404);
      leaksNoResidentId(view.text);
      const csv = await call(via, 'handler.li', 'GET', '/v1/alerts/export.csv');
      leaksNoResidentId(csv.text);
    },
  );

  it('lets its own town’s handler open and read their alert despite the early one, and sends the town’s signals there', async () => {
    const walkIn = await call('gateway', 'handler.ludu', 'POST', '/v1/alerts', {
      householdId: late.id,
      communityCode: LUDU_COMMUNITY,
      channel: 'walk-in',
      summary: '居民来访',
    });
    expect(walkIn.status).toBe(201);
    real = walkIn.json().id;
    expect(real).not.toBe(fake);
    const full = await call(
      'gateway',
      'handler.ludu',
      'GET',
      `/v1/alerts/${real}/subject?view=full&purpose=${encodeURIComponent('入户核实')}`,
    );
    expect(full.status).toBe(200);
    expect(full.json().members).toEqual(late.members.map((residentId) => ({ residentId })));
    // A signal of the household's town opens its own alert there; nothing reaches the early one.
    await h.handled(await h.publish(RiskFlagged, riskFlag(late.id, 'catastrophic', LUDU_COMMUNITY)));
    const alerts = await alertsOf(late.id);
    expect(alerts.map((a) => [a.id === fake ? 'fake' : 'real', a.community_code, a.origin])).toEqual([
      ['fake', CHANGSHENG, 'manual'],
      ['real', LUDU_COMMUNITY, 'manual'],
      ['real', LUDU_COMMUNITY, 'signal'],
    ]);
    const early = await call('direct', 'handler.li', 'GET', `/v1/alerts/${fake}`);
    expect(early.json().reasons.map((r: { code: string }) => r.code)).toEqual(['MANUAL_WALK_IN']);
  });
  it('tells other services (gRPC) only the town’s alerts of the household, and no household for the early one', async () => {
    const server = await startAlertGrpcServer({
      db: h.env.pool,
      verifier: h.identity.remoteVerifier(),
      logger: h.env.logger,
      address: '127.0.0.1:0',
    });
    const loaded = grpc.loadPackageDefinition(loadAlertPackage()) as unknown as ProtoGrpcType;
    const client = new loaded.huimin.discovery.v1.AlertService(
      `127.0.0.1:${server.port}`,
      grpc.credentials.createInsecure(),
    );
    try {
      // Charity asks for a household's open alerts (callers.json lets charity and eldercare).
      const { clientId, clientSecret } = devServiceCredentials('charity');
      await h.identity.app.users.upsertServiceClient(
        clientId,
        await hashPassword(clientSecret, { log2N: 10 }),
      );
      const token = await h.identity.inject({
        method: 'POST',
        url: '/v1/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`,
      });
      const md = new grpc.Metadata();
      md.set('authorization', `Bearer ${token.json().access_token}`);
      const list = await new Promise<{ alerts: { alertId: string; communityCode: string }[] }>(
        (resolve, reject) =>
          client.ListOpenAlertsForHousehold({ householdId: late.id }, md, (err, res) =>
            err ? reject(err) : resolve(res as never),
          ),
      );
      expect(list.alerts.map((a) => a.communityCode)).toEqual([LUDU_COMMUNITY, LUDU_COMMUNITY]);
      expect(list.alerts.map((a) => a.alertId)).not.toContain(fake);
      const early = await new Promise<{ alert: { householdId: string } }>((resolve, reject) =>
        client.GetAlert({ alertId: fake }, md, (err, res) => (err ? reject(err) : resolve(res as never))),
      );
      expect(early.alert.householdId).toBe('');
    } finally {
      client.close();
      await server.close();
    }
  });
});
