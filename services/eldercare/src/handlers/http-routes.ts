import {
  auditRead,
  authenticate,
  inJurisdiction,
  requireRole,
  type TokenVerifier,
  userOf,
} from '@huimin/auth';
import { AppError, type HttpServer, maskName, maskResidentId } from '@huimin/kit';
import { type Static, Type } from '@sinclair/typebox';
import type pg from 'pg';
import { monthlyEntitlementFen } from '../domain/policy.ts';
import { serviceTypes } from '../domain/service-types.ts';
import { shanghaiMonth } from '../domain/shanghai-time.ts';
import type { OrderDesk, OrderStatus } from '../order-desk.ts';
import { homeVisitCoverage } from '../store/indicator-store.ts';
import { listProviders, saveProvider } from '../store/provider-store.ts';

/** The plan's 2025 target: 20% of registered elders receive home visits (16.4% in 2020). */
export const HOME_VISIT_TARGET = 0.2;

const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$' });
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' });
const ServiceTypeSchema = Type.Union(serviceTypes.map((s) => Type.Literal(s)));
const IdParams = Type.Object({ id: Id });
const Location = Type.Object(
  {
    lng: Type.Number({ minimum: 73, maximum: 136, description: 'GCJ-02 longitude' }),
    lat: Type.Number({ minimum: 3, maximum: 54, description: 'GCJ-02 latitude' }),
  },
  { additionalProperties: false },
);
const NewOrder = Type.Object(
  {
    elderId: Id,
    serviceType: ServiceTypeSchema,
    windowStart: Type.String({ format: 'date-time' }),
    windowEnd: Type.String({ format: 'date-time' }),
    channel: Type.Union([Type.Literal('family'), Type.Literal('case-handler'), Type.Literal('hotline')], {
      description: 'who asked: the family (through a handler or the hotline), a handler, the hotline',
    }),
  },
  { additionalProperties: false },
);
const Statuses = ['assigned', 'in_service', 'completed', 'rated', 'cancelled', 'no_show'] as const;
const ListQuery = Type.Object({
  elderId: Type.Optional(Id),
  householdId: Type.Optional(Id),
  status: Type.Optional(Type.Union(Statuses.map((s) => Type.Literal(s)))),
  month: Type.Optional(Month),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
});
const Provider = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    dailyCapacity: Type.Integer({ minimum: 0, maximum: 100_000 }),
    offerings: Type.Array(
      Type.Object(
        {
          townCode: Type.String({ pattern: '^\\d{9}$' }),
          serviceTypes: Type.Array(ServiceTypeSchema, { minItems: 1, uniqueItems: true }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const STAFF = ['case-handler', 'town-supervisor', 'bureau-admin'] as const;
const READERS = [...STAFF, 'auditor', 'provider-staff'] as const;

export interface HttpRouteDeps {
  pool: pg.Pool;
  verifier: TokenVerifier;
  desk: OrderDesk;
  now: () => Date;
}

/**
 * The orders API. Provider staff see and act on their provider's orders only; handlers on the
 * elders of their jurisdiction. Caregivers check in from their phones, so it faces the internet:
 * every route but the probes needs a token.
 */
export function registerHttpRoutes(app: HttpServer, deps: HttpRouteDeps): void {
  const { pool, desk, now } = deps;
  const signedIn = authenticate(deps.verifier);

  app.post(
    '/v1/orders',
    {
      schema: { summary: 'Place a home-visit order; it is assigned to a provider at once', body: NewOrder },
      onRequest: [signedIn, requireRole(...STAFF)],
    },
    async (request, reply) => {
      const me = userOf(request);
      const body = request.body as Static<typeof NewOrder>;
      const order = await desk.placeOrder({
        elderId: body.elderId,
        serviceType: body.serviceType,
        windowStart: new Date(body.windowStart),
        windowEnd: new Date(body.windowEnd),
        channel: body.channel,
        createdBy: me.userId,
        actor: me,
      });
      return reply.code(201).send(order);
    },
  );

  app.get(
    '/v1/orders',
    {
      schema: { summary: 'Orders the caller may see, newest first', querystring: ListQuery },
      onRequest: [signedIn, requireRole(...READERS)],
    },
    async (request) => {
      const q = request.query as Static<typeof ListQuery>;
      const orders = await desk.listOrders({
        me: userOf(request),
        limit: q.limit,
        ...(q.elderId ? { elderId: q.elderId } : {}),
        ...(q.householdId ? { householdId: q.householdId } : {}),
        ...(q.status ? { status: q.status as OrderStatus } : {}),
        ...(q.month ? { month: q.month } : {}),
      });
      return { orders };
    },
  );

  app.get(
    '/v1/orders/:id',
    { schema: { params: IdParams }, onRequest: [signedIn, requireRole(...READERS)] },
    async (request) => desk.getOrder((request.params as { id: string }).id, userOf(request)),
  );

  const providerAction = (
    path: string,
    summary: string,
    act: (id: string, request: { body: unknown; me: ReturnType<typeof userOf> }) => Promise<unknown>,
    body?: typeof Location,
  ) =>
    app.post(
      `/v1/orders/:id/${path}`,
      {
        schema: { summary, params: IdParams, ...(body ? { body } : {}) },
        onRequest: [signedIn, requireRole('provider-staff')],
      },
      async (request) =>
        act((request.params as { id: string }).id, { body: request.body, me: userOf(request) }),
    );

  providerAction(
    'check-in',
    'EVV check-in at the elder’s home (caregiver’s phone)',
    (id, r) => desk.checkIn(id, r.me, r.body as Static<typeof Location>),
    Location,
  );
  providerAction(
    'check-out',
    'EVV check-out: completes the visit',
    (id, r) => desk.checkOut(id, r.me, r.body as Static<typeof Location>),
    Location,
  );
  providerAction('decline', 'The provider turns the order down; it is reassigned', (id, r) =>
    desk.decline(id, r.me),
  );
  providerAction('no-show', 'Nobody was home once the window began', (id, r) => desk.noShow(id, r.me));

  app.post(
    '/v1/orders/:id/cancel',
    {
      schema: { summary: 'Cancel before check-in; the subsidy returns to the quota', params: IdParams },
      onRequest: [signedIn, requireRole(...STAFF)],
    },
    async (request) => desk.cancel((request.params as { id: string }).id, userOf(request)),
  );

  const Rating = Type.Object(
    { stars: Type.Integer({ minimum: 1, maximum: 5 }) },
    { additionalProperties: false },
  );
  app.post(
    '/v1/orders/:id/rating',
    {
      schema: { summary: 'The family’s rating, recorded by staff', params: IdParams, body: Rating },
      onRequest: [signedIn, requireRole(...STAFF)],
    },
    async (request) =>
      desk.rate(
        (request.params as { id: string }).id,
        userOf(request),
        (request.body as Static<typeof Rating>).stars,
      ),
  );

  app.get(
    '/v1/anomalies',
    {
      schema: {
        summary: 'EVV anomalies: a provider sees its own, the bureau those in its jurisdiction',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }),
      },
      onRequest: [signedIn, requireRole(...READERS)],
    },
    async (request) => {
      const me = userOf(request);
      const { limit } = request.query as { limit: number };
      const { rows } = await pool.query<{
        anomaly_id: string;
        order_id: string;
        provider_id: string;
        caregiver_id: string;
        community_code: string;
        kind: string;
        detail: string;
        flagged_at: Date;
      }>(
        me.role === 'provider-staff'
          ? `select * from visit_anomalies where provider_id = $1 order by flagged_at desc, anomaly_id desc limit $2`
          : `select * from visit_anomalies order by flagged_at desc, anomaly_id desc limit $1`,
        me.role === 'provider-staff' ? [me.providerId ?? '', limit] : [5000],
      );
      const visible =
        me.role === 'provider-staff' ? rows : rows.filter((r) => inJurisdiction(me, r.community_code));
      return {
        anomalies: visible.slice(0, limit).map((r) => ({
          anomalyId: r.anomaly_id,
          orderId: r.order_id,
          providerId: r.provider_id,
          caregiverId: r.caregiver_id,
          kind: r.kind,
          detail: r.detail,
          flaggedAt: r.flagged_at.toISOString(),
        })),
      };
    },
  );

  app.get(
    '/v1/orders/:id/visit-address',
    {
      schema: {
        summary: 'Where the visit is: the elder’s address, for the assigned provider’s staff only',
        params: IdParams,
      },
      onRequest: [signedIn, requireRole('provider-staff')],
    },
    async (request) => {
      const me = userOf(request);
      const order = await desk.getOrder((request.params as { id: string }).id, me);
      const { rows } = await pool.query<{ address_text: string; lng: number; lat: number }>(
        `select address_text, lng, lat from elders where elder_id = $1`,
        [order.elderId],
      );
      const home = rows[0];
      if (!home) throw new AppError('ELDER_NOT_FOUND', 'no such elder');
      await auditRead(pool, 'eldercare', {
        reader: me,
        subjectType: 'elder',
        subjectId: order.elderId,
        view: 'full',
        purpose: `visit address for order ${order.orderId}`,
      });
      return { orderId: order.orderId, address: home.address_text, lng: home.lng, lat: home.lat };
    },
  );

  app.get(
    '/v1/elders',
    {
      schema: {
        summary: 'Ids of active elders in the caller’s jurisdiction (no personal data)',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }) }),
      },
      onRequest: [signedIn, requireRole(...STAFF, 'auditor')],
    },
    async (request) => {
      const me = userOf(request);
      const { limit } = request.query as { limit: number };
      // Jurisdiction codes are prefixes of the community codes they cover (county 6, town 9 digits).
      const { rows } = await pool.query<{ elder_id: string; community_code: string; town_code: string }>(
        `select elder_id, community_code, town_code from elders
          where active and community_code like any($1::text[]) order by elder_id limit $2`,
        [me.jurisdictions.map((j) => `${j}%`), limit],
      );
      const elders = rows
        .filter((r) => inJurisdiction(me, r.community_code))
        .map((r) => ({ elderId: r.elder_id, townCode: r.town_code, communityCode: r.community_code }));
      return { elders, elderIds: elders.map((e) => e.elderId) };
    },
  );

  app.get(
    '/v1/elders/:id',
    {
      schema: {
        summary: 'An elder, masked, with this month’s entitlement and what is left',
        params: IdParams,
      },
      onRequest: [signedIn, requireRole(...STAFF, 'auditor')],
    },
    async (request) => {
      const me = userOf(request);
      const { id } = request.params as { id: string };
      const { rows } = await pool.query<{
        elder_id: string;
        resident_id: string;
        name: string;
        household_id: string;
        town_code: string;
        community_code: string;
        birth_date: string;
        living_alone: boolean;
        dibao: boolean;
        tekun: boolean;
        disability_grade: number | null;
        dependency_level: number;
        active: boolean;
      }>(
        `select elder_id, resident_id, name, household_id, town_code, community_code,
                to_char(birth_date, 'YYYY-MM-DD') as birth_date, living_alone, dibao, tekun,
                disability_grade, dependency_level, active
           from elders where elder_id = $1`,
        [id],
      );
      const e = rows[0];
      if (!e || !inJurisdiction(me, e.community_code)) throw new AppError('ELDER_NOT_FOUND', 'no such elder');
      const month = shanghaiMonth(now());
      const quota = await pool.query<{ entitled_fen: string; used_fen: string; policy_version: string }>(
        `select entitled_fen, used_fen, policy_version from quotas where elder_id = $1 and month = $2`,
        [id, month],
      );
      const q = quota.rows[0];
      const policy = desk.policyFor(`${month}-01`);
      const entitled = q
        ? Number(q.entitled_fen)
        : monthlyEntitlementFen(
            {
              birthDate: e.birth_date,
              livingAlone: e.living_alone,
              dibao: e.dibao,
              tekun: e.tekun,
              disabilityGrade: e.disability_grade,
              dependencyLevel: e.dependency_level,
            },
            policy.rules,
            `${month}-01`,
          );
      await auditRead(pool, 'eldercare', {
        reader: me,
        subjectType: 'elder',
        subjectId: id,
        view: 'masked',
        purpose: 'eldercare entitlement',
      });
      return {
        elderId: e.elder_id,
        residentId: maskResidentId(e.resident_id),
        name: maskName(e.name),
        householdId: e.household_id,
        townCode: e.town_code,
        communityCode: e.community_code,
        livingAlone: e.living_alone,
        dibao: e.dibao,
        tekun: e.tekun,
        disabilityGrade: e.disability_grade,
        dependencyLevel: e.dependency_level,
        active: e.active,
        quota: {
          month,
          entitledFen: entitled,
          usedFen: Number(q?.used_fen ?? 0),
          remainingFen: entitled - Number(q?.used_fen ?? 0),
          policyVersion: q?.policy_version ?? policy.policyVersion,
        },
      };
    },
  );

  const Dependency = Type.Object(
    { level: Type.Integer({ minimum: 0, maximum: 3 }) },
    { additionalProperties: false },
  );
  app.put(
    '/v1/elders/:id/dependency-level',
    {
      schema: {
        summary: 'Record an assessed dependency level (失能等级 0–3); applies from the next new month quota',
        params: IdParams,
        body: Dependency,
      },
      onRequest: [signedIn, requireRole(...STAFF)],
    },
    async (request) => {
      const me = userOf(request);
      const { id } = request.params as { id: string };
      const { level } = request.body as Static<typeof Dependency>;
      const { rows } = await pool.query<{ community_code: string }>(
        `select community_code from elders where elder_id = $1`,
        [id],
      );
      if (!rows[0] || !inJurisdiction(me, rows[0].community_code))
        throw new AppError('ELDER_NOT_FOUND', 'no such elder');
      await pool.query(`update elders set dependency_level = $2, updated_at = now() where elder_id = $1`, [
        id,
        level,
      ]);
      return { elderId: id, dependencyLevel: level };
    },
  );

  app.get(
    '/v1/indicators/home-visit-coverage',
    {
      schema: {
        summary:
          'Share of registered elders with at least one completed visit in the month, by town and county, against the 20% target',
        querystring: Type.Object({ month: Month }),
      },
      onRequest: [signedIn, requireRole(...STAFF, 'auditor')],
    },
    async (request) => {
      const { month } = request.query as { month: string };
      const towns = await homeVisitCoverage(pool, month);
      const registered = towns.reduce((s, t) => s + t.registeredElders, 0);
      const visited = towns.reduce((s, t) => s + t.eldersVisited, 0);
      const share = (v: number, r: number) => (r === 0 ? 0 : Math.round((v / r) * 10_000) / 10_000);
      return {
        month,
        target: HOME_VISIT_TARGET,
        county: {
          registeredElders: registered,
          eldersVisited: visited,
          share: share(visited, registered),
          meetsTarget: registered > 0 && visited / registered >= HOME_VISIT_TARGET,
        },
        towns: towns.map((t) => ({
          ...t,
          share: share(t.eldersVisited, t.registeredElders),
          meetsTarget: t.registeredElders > 0 && t.eldersVisited / t.registeredElders >= HOME_VISIT_TARGET,
        })),
      };
    },
  );

  app.get(
    '/v1/providers',
    {
      schema: { summary: 'Providers, their capacity, towns and services' },
      onRequest: [signedIn, requireRole(...READERS)],
    },
    async () => ({ providers: await listProviders(pool) }),
  );

  app.put(
    '/v1/providers/:id',
    {
      schema: {
        summary: 'Create or replace a provider (the bureau contracts them)',
        params: IdParams,
        body: Provider,
      },
      onRequest: [signedIn, requireRole('bureau-admin')],
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const body = request.body as Static<typeof Provider>;
      await saveProvider(pool, { providerId: id, ...body });
      return { providerId: id, ...body };
    },
  );

  app.get(
    '/v1/policies',
    {
      schema: { summary: 'Eldercare policy versions (figures marked assumed are placeholders)' },
      onRequest: [signedIn, requireRole(...READERS)],
    },
    async () => ({ policies: desk.policies() }),
  );
}
