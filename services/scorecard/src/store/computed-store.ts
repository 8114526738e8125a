import type { Queryable } from '@huimin/pg';

/** A ratio's parts, or a count (denominator absent), for the county or one town. */
export interface Tally {
  numerator: number;
  denominator?: number;
}

export interface Breakdown {
  county: Tally;
  /** By town code; towns with nothing to count are absent. */
  towns: Map<string, Tally>;
  /** Anything the card must say about how the value was counted. */
  notes?: Record<string, number>;
}

export interface Period {
  /** First and last calendar day (Asia/Shanghai), both included. */
  from: string;
  to: string;
}

// Households as of a date: each household's latest unretracted report on or before it.
const HOUSEHOLDS_ON = `
  select distinct on (household_id) household_id, dissolved, town_code, members, business_date, seq
    from household_reports
   where not retracted and business_date <= $1::date
   order by household_id, business_date desc, seq desc`;

/** The instant a Shanghai calendar day starts. */
const dayStart = (date: string) => `${date}T00:00:00+08:00`;

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

interface RollupRow {
  town_code: string | null;
  /** 1 on rollup's grand-total row. */
  total: number;
  n: number;
  d?: number;
}

function grandTotal<R extends RollupRow>(rows: R[]): R | undefined {
  return rows.find((r) => r.total === 1);
}

function byTown(rows: RollupRow[]): Breakdown['towns'] {
  const towns = new Map<string, Tally>();
  for (const r of rows) {
    if (r.total === 1 || r.town_code === null) continue;
    towns.set(r.town_code, r.d === undefined ? { numerator: r.n } : { numerator: r.n, denominator: r.d });
  }
  return towns;
}

/**
 * #12: elders visited ÷ registered elders at the period's end. The denominator: people aged 60+
 * on the period's end, registered locally, in a household that exists then (each person in the
 * household that reported them last). The numerator is a subset of it: per such household, the
 * distinct eldercare elders of its orders (`householdId`) with at least one completed visit dated
 * in the period that verification found nothing wrong with, at most the household's number of
 * registered elders. Eldercare names elders by its own id, so a visit cannot be matched to the
 * person; an order without a household, or of a household dissolved, unknown or without a
 * registered elder at the period's end, counts nothing. Both count in the household's town at the
 * period's end.
 */
async function homeVisitCoverage(db: Queryable, period: Period): Promise<Breakdown> {
  // least() ignores a null: a household nobody visited counts 0, not its registered elders.
  const { rows } = await db.query<RollupRow & { d: number }>(
    `with households as (${HOUSEHOLDS_ON}),
     people as (
       select distinct on (m->>'k') m->>'k' as person, h.household_id, h.town_code,
              (m->>'b')::date as birth_date
         from households h cross join lateral jsonb_array_elements(h.members) m
        where not h.dissolved and (m->>'l')::boolean
        order by m->>'k', h.business_date desc, h.seq desc),
     elders as (
       select household_id, town_code, count(*)::int as registered from people
        where birth_date <= ($1::date - interval '60 years')::date
        group by household_id, town_code),
     visited as (
       select household_id, count(distinct elder_id)::int as elders from orders
        where completed_on between $2 and $1 and not anomaly and not cancelled
          and elder_id is not null and household_id is not null
        group by household_id)
     select e.town_code, grouping(e.town_code) as total,
            sum(least(coalesce(v.elders, 0), e.registered))::int as n, sum(e.registered)::int as d
       from elders e left join visited v on v.household_id = e.household_id
      group by rollup (e.town_code)`,
    [period.to, period.from],
  );
  const total = grandTotal(rows);
  return {
    county: { numerator: total?.n ?? 0, denominator: total?.d ?? 0 },
    towns: byTown(rows),
  };
}

/**
 * #13: households with a completed home-adaptation order after the plan's baseline (end of 2020,
 * which already counts its 250) up to `asOf`; the caller adds the baseline.
 */
async function homeAdaptations(db: Queryable, asOf: string): Promise<Breakdown> {
  const { rows } = await db.query<RollupRow>(
    `select town_code, grouping(town_code) as total,
            count(distinct coalesce(household_id, 'elder:' || elder_id))::int as n from orders
      where service_type = 'home-adaptation-assessment' and completed_on > '2020-12-31' and completed_on <= $1
        and not anomaly and not cancelled
      group by rollup (town_code)`,
    [asOf],
  );
  return {
    county: { numerator: grandTotal(rows)?.n ?? 0 },
    towns: byTown(rows),
  };
}

/**
 * #2: tekun members in centralised care ÷ tekun members who want it or cannot care for
 * themselves, on `asOf`. A member without either flag from the assistance system is counted as
 * wanting it when centralised (they are in care) and as not wanting it when dispersed; the
 * card says how many were counted so.
 */
async function centralisedCare(db: Queryable, asOf: string): Promise<Breakdown> {
  const { rows } = await db.query<RollupRow & { d: number; u: number }>(
    `with households as (${HOUSEHOLDS_ON}),
     enrolments as (
       select distinct on (enrolment_id) *
         from enrolment_changes
        where not retracted and business_date <= $1::date
        order by enrolment_id, business_date desc, seq desc),
     tekun as (
       select e.* from enrolments e
        where e.change <> 'exited' and e.programme in ('tekun-dispersed', 'tekun-centralised')),
     covered as (
       select t.programme, t.wants_centralised_care as wants, t.cannot_self_care as cannot,
              t.household_id, b.person
         from tekun t cross join lateral (
           select unnest(t.beneficiaries) as person where cardinality(t.beneficiaries) > 0
           union all
           select m->>'k' from households h cross join lateral jsonb_array_elements(h.members) m
            where h.household_id = t.household_id and cardinality(t.beneficiaries) = 0) b),
     members as (
       select person, min(household_id) as household_id,
              bool_or(programme = 'tekun-centralised') as centralised,
              bool_or(coalesce(wants, false) or coalesce(cannot, false)) as needs,
              bool_and(wants is null and cannot is null) as unflagged
         from covered group by person)
     select h.town_code, grouping(h.town_code) as total,
            count(*) filter (where m.centralised and (m.needs or m.unflagged))::int as n,
            count(*) filter (where m.needs or (m.unflagged and m.centralised))::int as d,
            count(*) filter (where m.unflagged)::int as u
       from members m left join households h on h.household_id = m.household_id
      group by rollup (h.town_code)`,
    [asOf],
  );
  // A member of a household the feed has not (yet) reported counts in the county only.
  const total = grandTotal(rows);
  return {
    county: { numerator: total?.n ?? 0, denominator: total?.d ?? 0 },
    towns: byTown(rows),
    notes: { assumedWithoutFlag: total?.u ?? 0 },
  };
}

/** #11: community charity funds open on `asOf`, by fund's community code. */
async function openCommunityFunds(db: Queryable, asOf: string): Promise<string[]> {
  const { rows } = await db.query<{ jurisdiction_code: string }>(
    `select jurisdiction_code from funds
      where kind = 'community-fund' and opened_on <= $1 and (closed_on is null or closed_on > $1)`,
    [asOf],
  );
  return rows.map((r) => r.jurisdiction_code);
}

/** #16 / #17: caregivers at work on `asOf`; trained before their first day; certified by then. */
async function caregiverQualifications(
  db: Queryable,
  asOf: string,
): Promise<{ working: number; trainedBeforeStart: number; certified: number }> {
  const { rows } = await db.query<{ working: number; trained: number; certified: number }>(
    `select count(*)::int as working,
            count(*) filter (where trained_on is not null and trained_on <= started_on)::int as trained,
            count(*) filter (where certified_on is not null and certified_on <= $1
                               and certificate_number is not null)::int as certified
       from caregivers
      where started_on <= $1 and (left_on is null or left_on > $1)`,
    [asOf],
  );
  const r = rows[0];
  return { working: r?.working ?? 0, trainedBeforeStart: r?.trained ?? 0, certified: r?.certified ?? 0 };
}

/**
 * #1, per community: whether it had a handler by the period's end, and whether every alert
 * raised in the period was routed to a rostered handler and acknowledged by its deadline (one
 * not yet due at `now` is not held against it).
 */
async function discoveryCoverage(
  db: Queryable,
  period: Period,
  now: Date,
): Promise<{ withHandler: Set<string>; failing: Set<string> }> {
  const end = dayStart(nextDay(period.to));
  const handlers = await db.query<{ community_code: string }>(
    `select community_code from community_handlers where first_seen_at < $1`,
    [end],
  );
  const failing = await db.query<{ community_code: string }>(
    `select distinct community_code from alerts
      where raised_at >= $1 and raised_at < $2
        and (not routed
             or (acknowledged_at is null and acknowledge_due_at <= $3)
             or acknowledged_at > acknowledge_due_at)`,
    [dayStart(period.from), end, now.toISOString()],
  );
  return {
    withHandler: new Set(handlers.rows.map((r) => r.community_code)),
    failing: new Set(failing.rows.map((r) => r.community_code)),
  };
}

/** The computations behind the computed indicators, each for a period ending on `to`. */
export function createComputedStore(db: Queryable) {
  return {
    homeVisitCoverage: (period: Period) => homeVisitCoverage(db, period),
    homeAdaptations: (asOf: string) => homeAdaptations(db, asOf),
    centralisedCare: (asOf: string) => centralisedCare(db, asOf),
    openCommunityFunds: (asOf: string) => openCommunityFunds(db, asOf),
    caregiverQualifications: (asOf: string) => caregiverQualifications(db, asOf),
    discoveryCoverage: (period: Period, now: Date) => discoveryCoverage(db, period, now),
  };
}

export type ComputedStore = ReturnType<typeof createComputedStore>;
