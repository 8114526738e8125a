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
  // Router and household handler serialise per person, so a claim is either routed or parked-then-released.
  for (const id of [...residentIds].sort()) {
    await client.query(`select pg_advisory_xact_lock(hashtextextended('risk:person:' || $1, 0))`, [id]);
  }
}

export async function householdOf(client: pg.ClientBase, residentId: string): Promise<string | undefined> {
  const { rows } = await client.query<{ household_id: string }>(
    'select household_id from persons where resident_id = $1',
    [residentId],
  );
  return rows[0]?.household_id;
}

export async function factsOf(
  client: pg.ClientBase,
  householdId: string,
): Promise<HouseholdFacts | undefined> {
  const { rows } = await client.query<{
    community_code: string;
    town_code: string;
    size: number;
    dissolved: boolean;
    monthly: string | null;
  }>(
    `select h.community_code, h.town_code, h.size, h.dissolved,
            (select sum(i.monthly_fen) from member_incomes i join persons p using (resident_id)
              where p.household_id = h.household_id and i.household_id = h.household_id) as monthly
       from households h where h.household_id = $1`,
    [householdId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    householdId,
    communityCode: row.community_code,
    townCode: row.town_code,
    size: row.size,
    dissolved: row.dissolved,
    annualIncomeFen: row.monthly === null ? null : Number(row.monthly) * 12,
  };
}

export async function windowClaims(client: pg.ClientBase, householdId: string): Promise<WindowClaim[]> {
  const { rows } = await client.query<{
    claim_id: string;
    date_of_care: string;
    total_cost_fen: string;
    insurance_paid_fen: string;
    medical_assistance_paid_fen: string;
  }>(
    `select claim_id, to_char(date_of_care, 'YYYY-MM-DD') as date_of_care, total_cost_fen, insurance_paid_fen,
            medical_assistance_paid_fen
       from claims where household_id = $1 and not reversed`,
    [householdId],
  );
  return rows.map((r) => ({
    claimId: r.claim_id,
    dateOfCare: r.date_of_care,
    totalCostFen: Number(r.total_cost_fen),
    insurancePaidFen: Number(r.insurance_paid_fen),
    medicalAssistancePaidFen: Number(r.medical_assistance_paid_fen),
  }));
}

/** The policy in force on a date: the latest effective on or before it. */
export async function policyOn(client: pg.ClientBase, date: string): Promise<RiskPolicy | undefined> {
  const { rows } = await client.query<{ figures: RiskPolicy }>(
    'select figures from policies where effective_from <= $1 order by effective_from desc limit 1',
    [date],
  );
  return rows[0]?.figures;
}

/** Locks the household's verdict row (creating it) so concurrent re-assessments serialise. */
export async function lockStoredRisk(
  client: pg.ClientBase,
  householdId: string,
): Promise<StoredRisk & { flagId: string | null }> {
  await client.query('insert into household_risk (household_id) values ($1) on conflict do nothing', [
    householdId,
  ]);
  const { rows } = await client.query<{
    level: StoredRisk['level'];
    flag_id: string | null;
    major_illness_flag_id: string | null;
  }>('select level, flag_id, major_illness_flag_id from household_risk where household_id = $1 for update', [
    householdId,
  ]);
  const row = rows[0];
  return {
    level: row?.level ?? null,
    majorIllnessFlagged: Boolean(row?.major_illness_flag_id),
    flagId: row?.flag_id ?? null,
  };
}

export async function saveStoredRisk(
  client: pg.ClientBase,
  householdId: string,
  risk: {
    level: StoredRisk['level'];
    flagId: string | null;
    majorIllnessFlagId?: string | null;
    assessment: unknown;
    at: Date;
  },
): Promise<void> {
  await client.query(
    `update household_risk set level = $2, flag_id = $3, assessment = $4, evaluated_at = $5,
            major_illness_flag_id = case when $6::boolean then $7 else major_illness_flag_id end
      where household_id = $1`,
    [
      householdId,
      risk.level,
      risk.flagId,
      JSON.stringify(risk.assessment),
      risk.at,
      risk.majorIllnessFlagId !== undefined,
      risk.majorIllnessFlagId ?? null,
    ],
  );
}
