import type { Queryable } from '@huimin/pg';

export interface CoverageRow {
  townCode: string;
  registeredElders: number;
  eldersVisited: number;
}

/**
 * Registered elders (active at the end of the month) per town, and how many of them had at least
 * one completed visit with a service date in the month.
 */
export async function homeVisitCoverage(db: Queryable, month: string): Promise<CoverageRow[]> {
  const { rows } = await db.query<{ town_code: string; registered: string; visited: string }>(
    `with bounds as (
       select to_date($1, 'YYYY-MM') as first_day,
              (to_date($1, 'YYYY-MM') + interval '1 month - 1 day')::date as last_day),
     visited as (
       select distinct o.elder_id from orders o, bounds b
        where o.status in ('completed', 'rated') and o.service_date between b.first_day and b.last_day)
     select e.town_code, count(*) as registered, count(v.elder_id) as visited
       from elders e cross join bounds b left join visited v using (elder_id)
      where e.active and e.business_date <= b.last_day
      group by e.town_code order by e.town_code`,
    [month],
  );
  return rows.map((r) => ({
    townCode: r.town_code,
    registeredElders: Number(r.registered),
    eldersVisited: Number(r.visited),
  }));
}
