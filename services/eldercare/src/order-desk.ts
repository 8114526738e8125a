import { inJurisdiction, type UserPrincipal } from '@huimin/auth';
import {
  OrderAssigned,
  OrderCancelled,
  OrderCheckedIn,
  OrderCompleted,
  OrderCreated,
  VisitAnomalyFlagged,
} from '@huimin/contracts';
import { appendEvent } from '@huimin/kafka';
import { AppError, type Logger } from '@huimin/kit';
import { withTransaction } from '@huimin/pg';
import type pg from 'pg';
import { type GeoPoint, haversineMeters } from './domain/geo.ts';
import { type EldercarePolicy, monthlyEntitlementFen, policyOn, splitCost } from './domain/policy.ts';
import type { ServiceType } from './domain/service-types.ts';
import { shanghaiDate, shanghaiMonth } from './domain/shanghai-time.ts';
import { type Anomaly, durationAnomalies } from './domain/visit-rules.ts';
import { loadPolicies } from './store/policy-store.ts';

export const SOURCE = '/huimin/eldercare';
const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;

export type OrderChannel = 'family' | 'case-handler' | 'hotline' | 'scheduler';
export type OrderStatus = 'assigned' | 'in_service' | 'completed' | 'rated' | 'cancelled' | 'no_show';

export interface PlaceOrder {
  elderId: string;
  serviceType: ServiceType;
  windowStart: Date;
  windowEnd: Date;
  channel: OrderChannel;
  /** The user (or `scheduler`) who placed it. */
  createdBy: string;
  /** A person placing the order must cover the elder's community. */
  actor?: UserPrincipal;
}

export interface Order {
  orderId: string;
  elderId: string;
  townCode: string;
  communityCode: string;
  serviceType: ServiceType;
  channel: OrderChannel;
  status: OrderStatus;
  providerId: string | null;
  caregiverId: string | null;
  windowStart: string;
  windowEnd: string;
  serviceDate: string;
  priceFen: number;
  subsidyFen: number;
  selfPayFen: number;
  quotaMonth: string;
  policyVersion: string;
  checkedInAt: string | null;
  checkedOutAt: string | null;
  checkInDistanceM: number | null;
  checkOutDistanceM: number | null;
  rating: number | null;
  cancelReason: string | null;
  createdAt: string;
}

interface OrderRow {
  order_id: string;
  elder_id: string;
  town_code: string;
  community_code: string;
  service_type: ServiceType;
  channel: OrderChannel;
  status: OrderStatus;
  provider_id: string | null;
  caregiver_id: string | null;
  assign_attempt: number;
  window_start: Date;
  window_end: Date;
  service_date: string;
  price_fen: string;
  subsidy_fen: string;
  self_pay_fen: string;
  quota_month: string;
  policy_version: string;
  checked_in_at: Date | null;
  checked_out_at: Date | null;
  check_in_distance_m: number | null;
  check_out_distance_m: number | null;
  rating: number | null;
  cancel_reason: string | null;
  created_at: Date;
}

const ORDER_COLUMNS = `order_id, elder_id, town_code, community_code, service_type, channel, status,
  provider_id, caregiver_id, assign_attempt, window_start, window_end,
  to_char(service_date, 'YYYY-MM-DD') as service_date, price_fen, subsidy_fen, self_pay_fen,
  quota_month, policy_version, checked_in_at, checked_out_at, check_in_distance_m,
  check_out_distance_m, rating, cancel_reason, created_at`;

export function presentOrder(r: OrderRow): Order {
  return {
    orderId: r.order_id,
    elderId: r.elder_id,
    townCode: r.town_code,
    communityCode: r.community_code,
    serviceType: r.service_type,
    channel: r.channel,
    status: r.status,
    providerId: r.provider_id,
    caregiverId: r.caregiver_id,
    windowStart: r.window_start.toISOString(),
    windowEnd: r.window_end.toISOString(),
    serviceDate: r.service_date,
    priceFen: Number(r.price_fen),
    subsidyFen: Number(r.subsidy_fen),
    selfPayFen: Number(r.self_pay_fen),
    quotaMonth: r.quota_month,
    policyVersion: r.policy_version,
    checkedInAt: r.checked_in_at?.toISOString() ?? null,
    checkedOutAt: r.checked_out_at?.toISOString() ?? null,
    checkInDistanceM: r.check_in_distance_m,
    checkOutDistanceM: r.check_out_distance_m,
    rating: r.rating,
    cancelReason: r.cancel_reason,
    createdAt: r.created_at.toISOString(),
  };
}

interface ElderRow {
  elder_id: string;
  household_id: string;
  town_code: string;
  community_code: string;
  birth_date: string;
  living_alone: boolean;
  dibao: boolean;
  tekun: boolean;
  disability_grade: number | null;
  dependency_level: number;
  lng: number;
  lat: number;
}

/** Whether a person may see and act on an order: its provider's staff, or staff covering its community. */
export function mayAccess(me: UserPrincipal, order: { provider_id: string | null; community_code: string }) {
  if (me.role === 'provider-staff') return me.providerId !== undefined && order.provider_id === me.providerId;
  return inJurisdiction(me, order.community_code);
}

export interface OrderDeskDeps {
  pool: pg.Pool;
  logger: Logger;
  now: () => Date;
  newId: () => string;
}

export type OrderDesk = ReturnType<typeof createOrderDesk>;

/** Orders from placement to check-out: quota, provider assignment, visit verification. */
export function createOrderDesk(deps: OrderDeskDeps) {
  const { pool, now, newId } = deps;
  let policies: EldercarePolicy[] = [];

  async function reloadPolicies(): Promise<void> {
    policies = await loadPolicies(pool);
  }

  function policyFor(date: string): EldercarePolicy {
    const policy = policyOn(policies, date);
    if (!policy) throw new AppError('POLICY_NOT_EFFECTIVE', `no eldercare policy is in force on ${date}`);
    return policy;
  }

  const event = { source: SOURCE, now };

  async function lockOrder(client: pg.PoolClient, orderId: string): Promise<OrderRow> {
    const { rows } = await client.query<OrderRow>(
      `select ${ORDER_COLUMNS} from orders where order_id = $1 for update`,
      [orderId],
    );
    const row = rows[0];
    if (!row) throw new AppError('ORDER_NOT_FOUND', 'no such order');
    return row;
  }

  function requireState(order: OrderRow, allowed: OrderStatus[], action: string): void {
    if (!allowed.includes(order.status)) {
      throw new AppError('INVALID_STATE', `cannot ${action} an order that is ${order.status}`, {
        status: order.status,
      });
    }
  }

  /** The least-loaded provider serving the town with that service and capacity left on the date; books one slot. */
  async function bookProvider(
    client: pg.PoolClient,
    townCode: string,
    serviceType: string,
    serviceDate: string,
    excluded: string[],
  ): Promise<string | undefined> {
    const { rows } = await client.query<{ provider_id: string }>(
      `select o.provider_id
         from provider_offerings o
         join providers p using (provider_id)
         left join provider_load l on l.provider_id = o.provider_id and l.service_date = $3
        where o.town_code = $1 and o.service_type = $2 and p.active
          and coalesce(l.booked, 0) < p.daily_capacity and o.provider_id <> all($4::text[])
        order by coalesce(l.booked, 0)::float8 / p.daily_capacity, o.provider_id`,
      [townCode, serviceType, serviceDate, excluded],
    );
    for (const { provider_id } of rows) {
      // Conditional increment: a concurrent booking may have taken the last slot since the read.
      const booked = await client.query(
        `insert into provider_load as l (provider_id, service_date, booked) values ($1, $2, 1)
         on conflict (provider_id, service_date) do update set booked = l.booked + 1
          where l.booked < (select daily_capacity from providers where provider_id = $1)
         returning booked`,
        [provider_id, serviceDate],
      );
      if (booked.rowCount === 1) return provider_id;
    }
    return undefined;
  }

  async function releaseProvider(client: pg.PoolClient, providerId: string, serviceDate: string) {
    await client.query(
      `update provider_load set booked = booked - 1
        where provider_id = $1 and service_date = $2 and booked > 0`,
      [providerId, serviceDate],
    );
  }

  async function refundQuota(client: pg.PoolClient, order: OrderRow): Promise<number> {
    const fen = Number(order.subsidy_fen);
    if (fen > 0) {
      await client.query(`update quotas set used_fen = used_fen - $3 where elder_id = $1 and month = $2`, [
        order.elder_id,
        order.quota_month,
        fen,
      ]);
    }
    return fen;
  }

  /** Entitled and used fen for the elder's month, the row locked; created at first use from policy. */
  async function lockQuota(
    client: pg.PoolClient,
    elder: ElderRow,
    month: string,
    policy: EldercarePolicy,
  ): Promise<{ entitled: number; used: number }> {
    let entitled = monthlyEntitlementFen(
      {
        birthDate: elder.birth_date,
        livingAlone: elder.living_alone,
        dibao: elder.dibao,
        tekun: elder.tekun,
        disabilityGrade: elder.disability_grade,
        dependencyLevel: elder.dependency_level,
      },
      policy.rules,
      `${month}-01`,
    );
    if (policy.rules.rollover) {
      // Only when policy says so: last month's unused quota carries over (one month, not compounding).
      const prev = previousMonth(month);
      const { rows } = await client.query<{ unused: string }>(
        `select greatest(entitled_fen - used_fen, 0) as unused from quotas where elder_id = $1 and month = $2`,
        [elder.elder_id, prev],
      );
      entitled += Number(rows[0]?.unused ?? 0);
    }
    await client.query(
      `insert into quotas (elder_id, month, entitled_fen, policy_version) values ($1, $2, $3, $4)
       on conflict do nothing`,
      [elder.elder_id, month, entitled, policy.policyVersion],
    );
    const { rows } = await client.query<{ entitled_fen: string; used_fen: string }>(
      `select entitled_fen, used_fen from quotas where elder_id = $1 and month = $2 for update`,
      [elder.elder_id, month],
    );
    const row = rows[0];
    if (!row) throw new Error('quota row vanished inside its transaction');
    return { entitled: Number(row.entitled_fen), used: Number(row.used_fen) };
  }

  /** Places an order inside the caller's transaction (the scheduler places check-ons in its own). */
  async function placeOrderIn(client: pg.PoolClient, input: PlaceOrder): Promise<Order> {
    const at = now();
    const { rows: elders } = await client.query<ElderRow>(
      `select elder_id, household_id, town_code, community_code, to_char(birth_date, 'YYYY-MM-DD') as birth_date,
              living_alone, dibao, tekun, disability_grade, dependency_level, lng, lat
         from elders where elder_id = $1 and active`,
      [input.elderId],
    );
    const elder = elders[0];
    if (!elder || (input.actor && !inJurisdiction(input.actor, elder.community_code))) {
      throw new AppError('ELDER_NOT_FOUND', 'no such elder');
    }
    const start = input.windowStart.getTime();
    const end = input.windowEnd.getTime();
    if (input.channel !== 'scheduler' && start <= at.getTime())
      throw new AppError('INVALID_WINDOW', 'the time window starts in the past');
    if (end <= start || end - start > MAX_WINDOW_MS)
      throw new AppError('INVALID_WINDOW', 'the window must end after it starts, within 24 hours');
    const serviceDate = shanghaiDate(input.windowStart);
    const month = shanghaiMonth(input.windowStart);
    const policy = policyFor(serviceDate);

    const offered = await client.query(
      `select 1 from provider_offerings o join providers p using (provider_id)
        where o.town_code = $1 and o.service_type = $2 and p.active limit 1`,
      [elder.town_code, input.serviceType],
    );
    if (offered.rowCount === 0) {
      throw new AppError('SERVICE_NOT_OFFERED', `no provider offers ${input.serviceType} in this town`, {
        serviceType: input.serviceType,
        townCode: elder.town_code,
      });
    }

    // Lock order everywhere: quota row first, then provider load, so concurrent orders cannot deadlock.
    const quota = await lockQuota(client, elder, month, policy);
    const priceFen = policy.rules.priceFen[input.serviceType];
    const { subsidyFen, selfPayFen } = splitCost(priceFen, quota.entitled - quota.used);
    if (subsidyFen > 0) {
      await client.query(`update quotas set used_fen = used_fen + $3 where elder_id = $1 and month = $2`, [
        elder.elder_id,
        month,
        subsidyFen,
      ]);
    }
    const providerId = await bookProvider(client, elder.town_code, input.serviceType, serviceDate, []);
    if (!providerId) {
      throw new AppError(
        'NO_PROVIDER_AVAILABLE',
        `every provider of ${input.serviceType} is full on ${serviceDate}`,
      );
    }

    const orderId = `EO-${newId()}`;
    const { rows } = await client.query<OrderRow>(
      `insert into orders (order_id, elder_id, town_code, community_code, service_type, channel, status,
                           provider_id, assign_attempt, window_start, window_end, service_date, price_fen,
                           subsidy_fen, self_pay_fen, quota_month, policy_version, created_by, created_at)
       values ($1, $2, $3, $4, $5, $6, 'assigned', $7, 1, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
       returning ${ORDER_COLUMNS}`,
      [
        orderId,
        elder.elder_id,
        elder.town_code,
        elder.community_code,
        input.serviceType,
        input.channel,
        providerId,
        input.windowStart,
        input.windowEnd,
        serviceDate,
        priceFen,
        subsidyFen,
        selfPayFen,
        month,
        policy.policyVersion,
        input.createdBy,
        at,
      ],
    );
    const order = rows[0] as OrderRow;
    await appendEvent(
      client,
      OrderCreated,
      {
        orderId,
        elderId: elder.elder_id,
        // The scorecard counts home adaptations per household (plan indicator #13).
        householdId: elder.household_id,
        townCode: elder.town_code,
        communityCode: elder.community_code,
        serviceType: input.serviceType,
        windowStart: input.windowStart.toISOString(),
        windowEnd: input.windowEnd.toISOString(),
        channel: input.channel,
        priceFen,
        subsidyFen,
        selfPayFen,
        quotaMonth: month,
        policyVersion: policy.policyVersion,
        createdAt: at.toISOString(),
      },
      event,
    );
    await appendEvent(
      client,
      OrderAssigned,
      { orderId, providerId, attempt: 1, assignedAt: at.toISOString() },
      event,
    );
    return presentOrder(order);
  }

  async function flag(client: pg.PoolClient, order: OrderRow, caregiverId: string, anomaly: Anomaly) {
    const at = now();
    await client.query(
      `insert into visit_anomalies (order_id, provider_id, caregiver_id, community_code, kind, detail, flagged_at)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        order.order_id,
        order.provider_id,
        caregiverId,
        order.community_code,
        anomaly.kind,
        anomaly.detail,
        at,
      ],
    );
    await appendEvent(
      client,
      VisitAnomalyFlagged,
      {
        orderId: order.order_id,
        providerId: order.provider_id ?? '',
        caregiverId,
        kind: anomaly.kind,
        detail: anomaly.detail,
        flaggedAt: at.toISOString(),
      },
      event,
    );
  }

  async function elderHome(client: pg.PoolClient, elderId: string): Promise<GeoPoint> {
    const { rows } = await client.query<GeoPoint>(`select lng, lat from elders where elder_id = $1`, [
      elderId,
    ]);
    const home = rows[0];
    if (!home) throw new Error('order without elder');
    return home;
  }

  /**
   * Provider staff act only on their provider's orders: another provider's order is not there for
   * them, answered exactly as an unknown order (a 403 would tell them it exists).
   */
  function requireOwnProvider(me: UserPrincipal, order: OrderRow): void {
    if (me.providerId === undefined || order.provider_id !== me.providerId) {
      throw new AppError('ORDER_NOT_FOUND', 'no such order');
    }
  }

  function withinRadius(home: GeoPoint, at: GeoPoint, policy: EldercarePolicy, what: string): number {
    const distance = Math.round(haversineMeters(home, at));
    if (distance > policy.rules.radiusM) {
      throw new AppError(
        'OUTSIDE_RADIUS',
        `${what} is ${distance} m from the elder's address; the limit is ${policy.rules.radiusM} m`,
        { distanceM: distance, radiusM: policy.rules.radiusM },
      );
    }
    return distance;
  }

  return {
    reloadPolicies,
    policyFor,
    policies: () => policies,
    placeOrderIn,

    placeOrder(input: PlaceOrder): Promise<Order> {
      return withTransaction(pool, (client) => placeOrderIn(client, input));
    },

    async getOrder(orderId: string, me?: UserPrincipal): Promise<Order> {
      const { rows } = await pool.query<OrderRow>(`select ${ORDER_COLUMNS} from orders where order_id = $1`, [
        orderId,
      ]);
      const row = rows[0];
      if (!row || (me && !mayAccess(me, row))) throw new AppError('ORDER_NOT_FOUND', 'no such order');
      return presentOrder(row);
    },

    async listOrders(filter: {
      me?: UserPrincipal;
      elderId?: string;
      /** The orders of every elder of the household (the household view asks this way). */
      householdId?: string;
      status?: OrderStatus;
      month?: string;
      limit: number;
    }): Promise<Order[]> {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, value: unknown) => {
        params.push(value);
        where.push(sql.replace('?', `$${params.length}`));
      };
      if (filter.elderId) add('elder_id = ?', filter.elderId);
      if (filter.householdId)
        add('elder_id in (select elder_id from elders where household_id = ?)', filter.householdId);
      if (filter.status) add('status = ?', filter.status);
      if (filter.month) add('quota_month = ?', filter.month);
      if (filter.me?.role === 'provider-staff') add('provider_id = ?', filter.me.providerId ?? '');
      // Division codes are prefixes of the codes they cover, so the limit applies to visible rows.
      else if (filter.me)
        add(
          'community_code like any(?::text[])',
          filter.me.jurisdictions.map((j) => `${j}%`),
        );
      params.push(filter.limit);
      const { rows } = await pool.query<OrderRow>(
        `select ${ORDER_COLUMNS} from orders ${where.length ? `where ${where.join(' and ')}` : ''}
          order by created_at desc limit $${params.length}`,
        params,
      );
      const me = filter.me;
      return rows.filter((r) => !me || mayAccess(me, r)).map(presentOrder);
    },

    /** The provider turns the order down; it goes to the next provider, or is cancelled if none is left. */
    decline(orderId: string, me: UserPrincipal): Promise<Order> {
      return withTransaction(pool, async (client) => {
        const order = await lockOrder(client, orderId);
        requireOwnProvider(me, order);
        requireState(order, ['assigned'], 'decline');
        const at = now();
        await client.query(`insert into order_declines values ($1, $2, $3) on conflict do nothing`, [
          orderId,
          order.provider_id,
          at,
        ]);
        await releaseProvider(client, order.provider_id as string, order.service_date);
        const { rows: declined } = await client.query<{ provider_id: string }>(
          `select provider_id from order_declines where order_id = $1`,
          [orderId],
        );
        const next = await bookProvider(
          client,
          order.town_code,
          order.service_type,
          order.service_date,
          declined.map((d) => d.provider_id),
        );
        if (next) {
          const attempt = order.assign_attempt + 1;
          const { rows } = await client.query<OrderRow>(
            `update orders set provider_id = $2, assign_attempt = $3 where order_id = $1 returning ${ORDER_COLUMNS}`,
            [orderId, next, attempt],
          );
          await appendEvent(
            client,
            OrderAssigned,
            { orderId, providerId: next, attempt, assignedAt: at.toISOString() },
            event,
          );
          return presentOrder(rows[0] as OrderRow);
        }
        const refunded = await refundQuota(client, order);
        const { rows } = await client.query<OrderRow>(
          `update orders set status = 'cancelled', cancel_reason = 'no-provider' where order_id = $1
           returning ${ORDER_COLUMNS}`,
          [orderId],
        );
        await appendEvent(
          client,
          OrderCancelled,
          { orderId, reason: 'no-provider', refundedSubsidyFen: refunded, cancelledAt: at.toISOString() },
          event,
        );
        return presentOrder(rows[0] as OrderRow);
      });
    },

    /** EVV check-in from the caregiver's phone, at the elder's home. */
    checkIn(orderId: string, me: UserPrincipal, location: GeoPoint): Promise<Order> {
      return withTransaction(pool, async (client) => {
        const order = await lockOrder(client, orderId);
        requireOwnProvider(me, order);
        requireState(order, ['assigned'], 'check in to');
        const policy = policyFor(order.service_date);
        const distance = withinRadius(
          await elderHome(client, order.elder_id),
          location,
          policy,
          'the check-in',
        );
        const at = now();
        const { rows: elsewhere } = await client.query<{ order_id: string }>(
          `select order_id from orders where caregiver_id = $1 and status = 'in_service' and order_id <> $2`,
          [me.userId, orderId],
        );
        const { rows } = await client.query<OrderRow>(
          `update orders set status = 'in_service', caregiver_id = $2, checked_in_at = $3,
                  check_in_lng = $4, check_in_lat = $5, check_in_distance_m = $6
            where order_id = $1 returning ${ORDER_COLUMNS}`,
          [orderId, me.userId, at, location.lng, location.lat, distance],
        );
        const updated = rows[0] as OrderRow;
        await appendEvent(
          client,
          OrderCheckedIn,
          {
            orderId,
            providerId: order.provider_id as string,
            caregiverId: me.userId,
            at: at.toISOString(),
            location,
            distanceM: distance,
          },
          event,
        );
        for (const other of elsewhere) {
          await flag(client, updated, me.userId, {
            kind: 'caregiver-overlap',
            detail: `caregiver is still checked in to order ${other.order_id}`,
          });
        }
        return presentOrder(updated);
      });
    },

    /** EVV check-out: completes the visit; durations outside the service's range are flagged. */
    async checkOut(orderId: string, me: UserPrincipal, location: GeoPoint): Promise<Order> {
      const outcome = await withTransaction(pool, async (client) => {
        const order = await lockOrder(client, orderId);
        requireOwnProvider(me, order);
        if (order.status === 'assigned') {
          // The anomaly is the record the bureau needs; it commits even though the check-out is refused.
          await flag(client, order, me.userId, {
            kind: 'check-out-without-check-in',
            detail: 'check-out attempted for a visit that was never checked in',
          });
          return { missingCheckIn: true as const };
        }
        requireState(order, ['in_service'], 'check out of');
        if (order.caregiver_id !== me.userId) {
          throw new AppError('NOT_ASSIGNED_PROVIDER', 'another caregiver checked in to this visit');
        }
        const policy = policyFor(order.service_date);
        const distance = withinRadius(
          await elderHome(client, order.elder_id),
          location,
          policy,
          'the check-out',
        );
        const at = now();
        const { rows } = await client.query<OrderRow>(
          `update orders set status = 'completed', checked_out_at = $2, check_out_lng = $3,
                  check_out_lat = $4, check_out_distance_m = $5
            where order_id = $1 returning ${ORDER_COLUMNS}`,
          [orderId, at, location.lng, location.lat, distance],
        );
        const updated = rows[0] as OrderRow;
        const startedAt = order.checked_in_at as Date;
        await appendEvent(
          client,
          OrderCompleted,
          {
            orderId,
            providerId: order.provider_id as string,
            caregiverId: me.userId,
            serviceType: order.service_type,
            startedAt: startedAt.toISOString(),
            endedAt: at.toISOString(),
            location,
            distanceM: distance,
            subsidyFen: Number(order.subsidy_fen),
            selfPayFen: Number(order.self_pay_fen),
          },
          event,
        );
        for (const anomaly of durationAnomalies(order.service_type, startedAt, at, policy.rules)) {
          await flag(client, updated, me.userId, anomaly);
        }
        return { order: presentOrder(updated) };
      });
      if ('missingCheckIn' in outcome) {
        throw new AppError('CHECK_IN_MISSING', 'this visit was never checked in; the attempt is recorded');
      }
      return outcome.order;
    },

    /** Cancelled before check-in: the subsidy goes back to the quota and the provider's slot is freed. */
    cancel(orderId: string, me: UserPrincipal): Promise<Order> {
      return settleUnserved(orderId, me, 'requested');
    },

    /** The caregiver came and nobody was home: the provider records a no-show once the window has begun. */
    noShow(orderId: string, me: UserPrincipal): Promise<Order> {
      return settleUnserved(orderId, me, 'no-show');
    },

    rate(orderId: string, me: UserPrincipal, stars: number): Promise<Order> {
      return withTransaction(pool, async (client) => {
        const order = await lockOrder(client, orderId);
        if (!mayAccess(me, order) || me.role === 'provider-staff')
          throw new AppError('ORDER_NOT_FOUND', 'no such order');
        requireState(order, ['completed'], 'rate');
        const { rows } = await client.query<OrderRow>(
          `update orders set status = 'rated', rating = $2 where order_id = $1 returning ${ORDER_COLUMNS}`,
          [orderId, stars],
        );
        return presentOrder(rows[0] as OrderRow);
      });
    },
  };

  function settleUnserved(
    orderId: string,
    me: UserPrincipal,
    reason: 'requested' | 'no-show',
  ): Promise<Order> {
    return withTransaction(pool, async (client) => {
      const order = await lockOrder(client, orderId);
      if (reason === 'no-show') requireOwnProvider(me, order);
      else if (!mayAccess(me, order) || me.role === 'provider-staff')
        throw new AppError('ORDER_NOT_FOUND', 'no such order');
      requireState(order, ['assigned'], reason === 'no-show' ? 'record a no-show for' : 'cancel');
      const at = now();
      if (reason === 'no-show' && at < order.window_start) {
        throw new AppError('INVALID_STATE', 'a no-show can be recorded once the window has begun', {
          status: order.status,
        });
      }
      // Lock order as in placement: quota, then provider load.
      const refunded = await refundQuota(client, order);
      if (order.provider_id) await releaseProvider(client, order.provider_id, order.service_date);
      const { rows } = await client.query<OrderRow>(
        `update orders set status = $2, cancel_reason = $3 where order_id = $1 returning ${ORDER_COLUMNS}`,
        [orderId, reason === 'no-show' ? 'no_show' : 'cancelled', reason],
      );
      await appendEvent(
        client,
        OrderCancelled,
        { orderId, reason, refundedSubsidyFen: refunded, cancelledAt: at.toISOString() },
        event,
      );
      return presentOrder(rows[0] as OrderRow);
    });
  }
}

function previousMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
