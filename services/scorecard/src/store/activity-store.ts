import type { Queryable } from '@huimin/pg';

/** The earliest date any of the platform's activity the scorecard counts holds from. */
export async function earliestActivity(db: Queryable): Promise<string | undefined> {
  const { rows } = await db.query<{ first: string | null }>(
    `select to_char(least(
       (select min(completed_on) from orders),
       (select min(raised_at at time zone 'Asia/Shanghai')::date from alerts),
       (select min(opened_on) from funds),
       (select min(business_date) from enrolment_changes where not retracted),
       (select min(started_on) from caregivers),
       (select min(as_of) from recorded_facts)), 'YYYY-MM-DD') as first`,
  );
  return rows[0]?.first ?? undefined;
}
