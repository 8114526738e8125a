import type { Queryable } from '@huimin/pg';

/** Charity's projection of the household feed: a household's community, the latest report's. */
export const householdStore = {
  /** Keeps the report with the latest business date; an older one arriving late changes nothing. */
  async place(db: Queryable, h: { householdId: string; communityCode: string; businessDate: string }) {
    await db.query(
      `insert into households (household_id, community_code, business_date) values ($1, $2, $3)
       on conflict (household_id) do update
          set community_code = excluded.community_code, business_date = excluded.business_date, updated_at = now()
        where households.business_date <= excluded.business_date`,
      [h.householdId, h.communityCode, h.businessDate],
    );
  },

  async communityOf(db: Queryable, householdId: string): Promise<string | undefined> {
    const { rows } = await db.query<{ community_code: string }>(
      'select community_code from households where household_id = $1',
      [householdId],
    );
    return rows[0]?.community_code;
  },
};
