import type { OutboxMessage } from '@huimin/pg';
import type pg from 'pg';
import type { StoredRisk } from '../domain/transitions.ts';
import type { RiskPolicy, WindowClaim } from '../domain/yardsticks.ts';

// Risk's SQL. Every function takes the transaction's client: facts, claims and verdicts change
// together with the inbox row of the event that changed them.

export interface HouseholdFacts {
  householdId: string;
  communityCode: string;
  townCode: string;
  size: number;
  dissolved: boolean;
  /** Null when no member's income has been reported. */
  annualIncomeFen: number | null;
}

export async function lockPeople(client: pg.ClientBase, residentIds: readonly string[]): Promise<void> {
  // Router and household handler serialise per person, so a claim is either routed or
  // parked-then-released. One statement takes a batch's locks in one order (sorted, in Postgres),
  // so two batches sharing people cannot deadlock.
  if (residentIds.length === 0) return;
  await client.query(
    `select pg_advisory_xact_lock(hashtextextended('risk:person:' || id, 0))
       from (select distinct id from unnest($1::text[]) as id order by id) as people`,
    [residentIds],
  );
}

/** Person → household for the given residents; residents no household names are absent. */
export async function householdsOf(
  client: pg.ClientBase,
  residentIds: readonly string[],
): Promise<Map<string, string>> {
  if (residentIds.length === 0) return new Map();
  const { rows } = await client.query<{ resident_id: string; household_id: string }>(
    'select resident_id, household_id from persons where resident_id = any($1)',
    [[...new Set(residentIds)]],
  );
  return new Map(rows.map((r) => [r.resident_id, r.household_id]));
}

export interface ClaimFigures {
  claimId: string;
  householdId: string;
  patientResidentId: string;
  dateOfCare: string;
  totalCostFen: number;
  insurancePaidFen: number;
  medicalAssistancePaidFen: number;
  inpatient: boolean;
  diagnosisCategory: string;
  businessDate: string;
  /** The event's CloudEvents time: with the business date, the claim's version. */
  eventTime: string;
}

/**
 * Records or corrects claims, one statement for the lot (claim ids must be distinct). The claims
 * table is the join's inbox: an event applies only if it is at least as new as what the claim
 * holds (business date, then event time), so a redelivery or a late, older settlement changes
 * nothing, and a reversed claim stays reversed. A claim that arrives for another household than
 * the one it was joined to moves there; the households it left are returned (to re-assess).
 */
export async function upsertClaims(
  client: pg.ClientBase,
  claims: readonly ClaimFigures[],
): Promise<string[]> {
  if (claims.length === 0) return [];
  const { rows } = await client.query<{ household_id: string }>(
    `with incoming as (
       select * from json_to_recordset($1::json)
              as c(claim_id text, household_id text, patient_resident_id text, date_of_care date, total_cost_fen bigint,
                   insurance_paid_fen bigint, medical_assistance_paid_fen bigint, inpatient boolean,
                   diagnosis_category text, business_date date, event_time timestamptz)
     ), previous as (
       select c.claim_id, c.household_id from claims c join incoming i using (claim_id)
        where c.household_id <> i.household_id
     ), applied as (
       insert into claims (claim_id, household_id, patient_resident_id, date_of_care, total_cost_fen,
                           insurance_paid_fen, medical_assistance_paid_fen, inpatient, diagnosis_category,
                           business_date, event_time)
       select * from incoming order by claim_id
       on conflict (claim_id) do update
         set household_id = excluded.household_id, date_of_care = excluded.date_of_care,
             total_cost_fen = excluded.total_cost_fen, insurance_paid_fen = excluded.insurance_paid_fen,
             medical_assistance_paid_fen = excluded.medical_assistance_paid_fen, inpatient = excluded.inpatient,
             diagnosis_category = excluded.diagnosis_category, business_date = excluded.business_date,
             event_time = excluded.event_time
       where not claims.reversed
         and (claims.business_date, coalesce(claims.event_time, '-infinity'))
             <= (excluded.business_date, excluded.event_time)
       returning claim_id
     )
     select distinct p.household_id from previous p join applied a using (claim_id)`,
    // One JSON parameter rather than eleven arrays: the client escapes no array elements.
    [
      JSON.stringify(
        claims.map((c) => ({
          claim_id: c.claimId,
          household_id: c.householdId,
          patient_resident_id: c.patientResidentId,
          date_of_care: c.dateOfCare,
          total_cost_fen: c.totalCostFen,
          insurance_paid_fen: c.insurancePaidFen,
          medical_assistance_paid_fen: c.medicalAssistancePaidFen,
          inpatient: c.inpatient,
          diagnosis_category: c.diagnosisCategory,
          business_date: c.businessDate,
          event_time: c.eventTime,
        })),
      ),
    ],
  );
  return rows.map((r) => r.household_id);
}

/**
 * Reverses claims (ids distinct). Reversed before it arrived is still reversed: a tombstone keeps a
 * late recording from reviving it. Returns the households the reversed claims counted in before,
 * where those differ from the household the reversal came for (to re-assess them).
 */
export async function reverseClaims(
  client: pg.ClientBase,
  reversals: readonly {
    claimId: string;
    householdId: string;
    patientResidentId: string;
    businessDate: string;
  }[],
): Promise<string[]> {
  if (reversals.length === 0) return [];
  const { rows } = await client.query<{ household_id: string }>(
    `with incoming as (
       select * from unnest($1::text[], $2::text[], $3::text[], $4::date[])
              as r(claim_id, household_id, patient, business_date)
     ), previous as (
       select c.claim_id, c.household_id from claims c join incoming i using (claim_id)
        where c.household_id <> i.household_id and not c.reversed
     ), applied as (
       insert into claims (claim_id, household_id, patient_resident_id, date_of_care, total_cost_fen, insurance_paid_fen,
                           medical_assistance_paid_fen, inpatient, diagnosis_category, business_date, reversed)
       select claim_id, household_id, patient, business_date, 0, 0, 0, false, 'other', business_date, true
         from incoming order by 1
       on conflict (claim_id) do update set reversed = true
       returning claim_id
     )
     select distinct p.household_id from previous p join applied a using (claim_id)`,
    [
      reversals.map((r) => r.claimId),
      reversals.map((r) => r.householdId),
      reversals.map((r) => r.patientResidentId),
      reversals.map((r) => r.businessDate),
    ],
  );
  return rows.map((r) => r.household_id);
}

/** Parks claims whose patient no household names yet, in the order given. */
export async function parkClaims(
  client: pg.ClientBase,
  claims: readonly {
    claimId: string;
    eventType: string;
    patientResidentId: string;
    headers: Record<string, string>;
    payload: unknown;
  }[],
): Promise<void> {
  if (claims.length === 0) return;
  await client.query(
    `insert into parked_claims (claim_id, event_type, patient_resident_id, headers, payload)
     select claim_id, event_type, patient, headers::jsonb, payload::jsonb
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) with ordinality
            as p(claim_id, event_type, patient, headers, payload, n)
      order by n`,
    [
      claims.map((c) => c.claimId),
      claims.map((c) => c.eventType),
      claims.map((c) => c.patientResidentId),
      claims.map((c) => JSON.stringify(c.headers)),
      claims.map((c) => JSON.stringify(c.payload)),
    ],
  );
}

/** Takes the parked claims of these residents out, in the order they were parked. */
export async function releaseParked(
  client: pg.ClientBase,
  residentIds: readonly string[],
): Promise<
  { patientResidentId: string; eventType: string; headers: Record<string, string>; payload: unknown }[]
> {
  if (residentIds.length === 0) return [];
  const { rows } = await client.query<{
    seq: string;
    patient_resident_id: string;
    event_type: string;
    headers: Record<string, string>;
    payload: unknown;
  }>(
    'delete from parked_claims where patient_resident_id = any($1) returning seq, patient_resident_id, event_type, headers, payload',
    [residentIds],
  );
  return rows
    .sort((a, b) => Number(a.seq) - Number(b.seq))
    .map((r) => ({
      patientResidentId: r.patient_resident_id,
      eventType: r.event_type,
      headers: r.headers,
      payload: r.payload,
    }));
}

/**
 * Appends messages to risk's outbox in one statement, in the order given (their seq follows it),
 * and wakes the relay once. Same table and notification as `appendToOutbox`, for many rows.
 */
export async function appendManyToOutbox(
  client: pg.ClientBase,
  messages: readonly OutboxMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  await client.query(
    `with appended as (
       insert into outbox (id, topic, key, type, headers, payload)
       select id, topic, key, type, headers::jsonb, payload::jsonb
         from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) with ordinality
              as m(id, topic, key, type, headers, payload, n)
        order by n
       returning seq
     )
     select pg_notify(current_schema() || '_outbox', '') from (select count(*) as n from appended) as c where c.n > 0`,
    [
      messages.map((m) => m.id),
      messages.map((m) => m.topic),
      messages.map((m) => m.key),
      messages.map((m) => m.type),
      messages.map((m) => JSON.stringify(m.headers)),
      messages.map((m) => JSON.stringify(m.payload)),
    ],
  );
}

/** Facts of the given households (those risk has heard of): one grouped query for the lot. */
export async function factsOf(
  client: pg.ClientBase,
  householdIds: readonly string[],
): Promise<Map<string, HouseholdFacts>> {
  if (householdIds.length === 0) return new Map();
  const { rows } = await client.query<{
    household_id: string;
    community_code: string;
    town_code: string;
    size: number;
    dissolved: boolean;
    monthly: string | null;
  }>(
    `select h.household_id, h.community_code, h.town_code, h.size, h.dissolved, m.monthly
       from households h
       left join (select p.household_id, sum(i.monthly_fen) as monthly
                    from persons p join member_incomes i on i.resident_id = p.resident_id and i.household_id = p.household_id
                   where p.household_id = any($1)
                   group by p.household_id) m using (household_id)
      where h.household_id = any($1)`,
    [householdIds],
  );
  return new Map(
    rows.map((row) => [
      row.household_id,
      {
        householdId: row.household_id,
        communityCode: row.community_code,
        townCode: row.town_code,
        size: row.size,
        dissolved: row.dissolved,
        annualIncomeFen: row.monthly === null ? null : Number(row.monthly) * 12,
      },
    ]),
  );
}

/** The households' claims (not reversed) with dates of care in (windowStart, asOf]. */
export async function windowClaims(
  client: pg.ClientBase,
  householdIds: readonly string[],
  window: { start: string; end: string },
): Promise<Map<string, WindowClaim[]>> {
  const byHousehold = new Map<string, WindowClaim[]>();
  if (householdIds.length === 0) return byHousehold;
  const { rows } = await client.query<{
    household_id: string;
    claim_id: string;
    date_of_care: string;
    total_cost_fen: string;
    insurance_paid_fen: string;
    medical_assistance_paid_fen: string;
  }>(
    `select household_id, claim_id, to_char(date_of_care, 'YYYY-MM-DD') as date_of_care, total_cost_fen,
            insurance_paid_fen, medical_assistance_paid_fen
       from claims
      where household_id = any($1) and date_of_care > $2 and date_of_care <= $3 and not reversed`,
    [householdIds, window.start, window.end],
  );
  for (const r of rows) {
    const claims = byHousehold.get(r.household_id) ?? [];
    byHousehold.set(r.household_id, claims);
    claims.push({
      claimId: r.claim_id,
      dateOfCare: r.date_of_care,
      totalCostFen: Number(r.total_cost_fen),
      insurancePaidFen: Number(r.insurance_paid_fen),
      medicalAssistancePaidFen: Number(r.medical_assistance_paid_fen),
    });
  }
  return byHousehold;
}

/** The policy in force on a date: the latest effective on or before it. */
export async function policyOn(client: pg.ClientBase, date: string): Promise<RiskPolicy | undefined> {
  const { rows } = await client.query<{ figures: RiskPolicy }>(
    'select figures from policies where effective_from <= $1 order by effective_from desc limit 1',
    [date],
  );
  return rows[0]?.figures;
}

export type StoredVerdict = StoredRisk & { flagId: string | null; majorIllnessFlagId: string | null };

/**
 * Locks the households' verdict rows (creating them), in household order so concurrent
 * re-assessments of overlapping households serialise without deadlock.
 */
export async function lockStoredRisks(
  client: pg.ClientBase,
  householdIds: readonly string[],
): Promise<Map<string, StoredVerdict>> {
  if (householdIds.length === 0) return new Map();
  await client.query(
    `insert into household_risk (household_id)
     select id from unnest($1::text[]) as id order by id on conflict do nothing`,
    [householdIds],
  );
  const { rows } = await client.query<{
    household_id: string;
    level: StoredRisk['level'];
    flag_id: string | null;
    major_illness_flag_id: string | null;
  }>(
    `select household_id, level, flag_id, major_illness_flag_id from household_risk
      where household_id = any($1) order by household_id for update`,
    [householdIds],
  );
  return new Map(
    rows.map((row) => [
      row.household_id,
      {
        level: row.level,
        majorIllnessFlagged: Boolean(row.major_illness_flag_id),
        majorIllnessFlagId: row.major_illness_flag_id,
        flagId: row.flag_id,
      },
    ]),
  );
}

export interface VerdictToSave {
  householdId: string;
  level: StoredRisk['level'];
  flagId: string | null;
  /** Set when a 大病 flag was raised now; otherwise the stored one is kept. */
  majorIllnessFlagId?: string;
  /** The 大病 flag was cleared now: the next such claim flags again. */
  majorIllnessCleared?: boolean;
  assessment: unknown;
}

/** Saves the verdicts of one re-assessment round, one statement for all. */
export async function saveStoredRisks(
  client: pg.ClientBase,
  verdicts: readonly VerdictToSave[],
  at: Date,
): Promise<void> {
  if (verdicts.length === 0) return;
  // One JSON parameter (assessments nested as JSON) rather than text arrays the client would escape.
  await client.query(
    `update household_risk h
        set level = v.level, flag_id = v.flag_id, assessment = v.assessment::jsonb, evaluated_at = $1,
            major_illness_flag_id = case when v.major_illness_cleared then null
                                         else coalesce(v.major_illness_flag_id, h.major_illness_flag_id) end
       from json_to_recordset($2::json)
            as v(household_id text, level text, flag_id text, major_illness_flag_id text, assessment json,
                 major_illness_cleared boolean)
      where h.household_id = v.household_id`,
    [
      at,
      JSON.stringify(
        verdicts.map((v) => ({
          household_id: v.householdId,
          level: v.level,
          flag_id: v.flagId,
          major_illness_flag_id: v.majorIllnessFlagId ?? null,
          assessment: v.assessment,
          major_illness_cleared: v.majorIllnessCleared ?? false,
        })),
      ),
    ],
  );
}
