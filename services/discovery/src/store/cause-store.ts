import type { Queryable } from '@huimin/pg';
import type { Reason } from '../domain/reasons.ts';

/** Records what the assistance system pays a household (a later report replaces an earlier one). */
export async function saveReceiving(
  db: Queryable,
  householdId: string,
  receiving: readonly string[],
  asOf: string,
  at: Date,
): Promise<void> {
  await db.query(
    `insert into household_programmes (household_id, receiving, as_of, updated_at) values ($1, $2, $3, $4)
     on conflict (household_id) do update set receiving = excluded.receiving, as_of = excluded.as_of,
       updated_at = excluded.updated_at
     where household_programmes.as_of <= excluded.as_of`,
    [householdId, [...receiving], asOf, at],
  );
}

/** Whether the household is known to receive any of the programmes. */
export async function receivesAny(
  db: Queryable,
  householdId: string,
  programmes: readonly string[],
): Promise<boolean> {
  const { rows } = await db.query(
    'select 1 from household_programmes where household_id = $1 and receiving && $2::text[]',
    [householdId, [...programmes]],
  );
  return rows.length > 0;
}

export interface DataMissing {
  householdId: string;
  communityCode: string;
  decisionId: string;
  reason: Reason;
  since: Date;
}

/** Keeps the household's missing-data reason; `since` stays the first time it went missing. */
export async function noteDataMissing(db: Queryable, d: DataMissing): Promise<Date> {
  const { rows } = await db.query<{ since: Date }>(
    `insert into data_missing (household_id, community_code, decision_id, reason, since)
     values ($1, $2, $3, $4::jsonb, $5)
     on conflict (household_id) do update set community_code = excluded.community_code,
       decision_id = excluded.decision_id, reason = excluded.reason
     returning since`,
    [d.householdId, d.communityCode, d.decisionId, JSON.stringify(d.reason), d.since],
  );
  return rows[0]?.since ?? d.since;
}

/** The facts arrived: nothing is missing any more. True when something was. */
export async function clearDataMissing(db: Queryable, householdId: string): Promise<boolean> {
  const result = await db.query('delete from data_missing where household_id = $1', [householdId]);
  return (result.rowCount ?? 0) > 0;
}

export async function dataMissingOf(db: Queryable, householdId: string): Promise<DataMissing | undefined> {
  const { rows } = await db.query(
    `select household_id, community_code, decision_id, reason, since from data_missing
      where household_id = $1 for update`,
    [householdId],
  );
  const r = rows[0];
  return r
    ? {
        householdId: r.household_id,
        communityCode: r.community_code,
        decisionId: r.decision_id,
        reason: r.reason,
        since: r.since,
      }
    : undefined;
}

/** Forgets a certificate parked for a person no household has named yet (it was retracted). */
export async function unparkCertificate(
  db: Queryable,
  residentId: string,
  businessDate: string,
): Promise<void> {
  await db.query(`delete from parked_signals where resident_id = $1 and payload->>'businessDate' = $2`, [
    residentId,
    businessDate,
  ]);
}

export async function householdOfPerson(db: Queryable, residentId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ household_id: string }>(
    'select household_id from people where resident_id = $1',
    [residentId],
  );
  return rows[0]?.household_id;
}
