import type pg from 'pg';
import type { Decision, HouseholdFacts, MemberFacts } from '../domain/decide.ts';
import type { Policy } from '../domain/policy.ts';
import type { TemporaryAssistancePolicy } from '../domain/temporary-assistance.ts';

interface StoredMember {
  residentId: string;
  birthDate: string;
  disability?: { grade: number; category: string };
  workAbility: MemberFacts['workAbility'];
  inInstitution: boolean;
}

/** The households eligibility knows (dissolved ones left out), each with its community. */
export async function loadFactsMany(
  client: pg.ClientBase,
  householdIds: readonly string[],
  asOf: string,
): Promise<{ facts: HouseholdFacts; communityCode: string }[]> {
  const ids = [...householdIds];
  const { rows: households } = await client.query<{
    household_id: string;
    community_code: string;
    members: StoredMember[];
    supporters: { supportsResidentId: string; canSupport: boolean }[];
  }>(
    `select household_id, community_code, members, supporters from households
      where household_id = any($1::text[]) and not dissolved order by household_id`,
    [ids],
  );
  if (households.length === 0) return [];
  const { rows: incomes } = await client.query<{
    resident_id: string;
    household_id: string;
    monthly_fen: string;
  }>(
    'select resident_id, household_id, monthly_fen from member_incomes where household_id = any($1::text[])',
    [ids],
  );
  // An income counts for the household it was reported for.
  const incomeOf = new Map(incomes.map((r) => [`${r.household_id}/${r.resident_id}`, Number(r.monthly_fen)]));
  const incomeReported = new Set(incomes.map((r) => r.household_id));
  const { rows: assets } = await client.query<{
    household_id: string;
    financial_assets_fen: string;
    has_non_essential_vehicle: boolean;
    property_count: number;
  }>(
    `select household_id, financial_assets_fen, has_non_essential_vehicle, property_count
       from household_assets where household_id = any($1::text[])`,
    [ids],
  );
  const assetsOf = new Map(assets.map((a) => [a.household_id, a]));
  const { rows: spending } = await client.query<{ household_id: string; out_of_pocket_fen: string }>(
    'select household_id, out_of_pocket_fen from medical_spending where household_id = any($1::text[])',
    [ids],
  );
  const spendingOf = new Map(spending.map((s) => [s.household_id, Number(s.out_of_pocket_fen)]));
  // The certification feed is the authority on disability; the snapshot's field is the fallback.
  const residentIds = households.flatMap((h) => h.members.map((m) => m.residentId));
  const { rows: certified } = await client.query<{ resident_id: string; grade: number; category: string }>(
    `select distinct on (resident_id) resident_id, grade, category
       from disability_certifications
      where resident_id = any($1::text[]) and not retracted and (valid_until is null or valid_until >= $2)
      order by resident_id, business_date desc`,
    [residentIds, asOf],
  );
  const certificationOf = new Map(
    certified.map((c) => [c.resident_id, { grade: c.grade, category: c.category }]),
  );
  return households.map((household) => {
    const asset = assetsOf.get(household.household_id);
    return {
      communityCode: household.community_code,
      facts: {
        householdId: household.household_id,
        members: household.members.map((m) => ({
          ...m,
          ...(certificationOf.has(m.residentId) ? { disability: certificationOf.get(m.residentId) } : {}),
          // Members without a report of their own have none, once the household's income is known.
          monthlyIncomeFen: incomeOf.get(`${household.household_id}/${m.residentId}`) ?? 0,
          hasAbleSupporter: household.supporters.some(
            (s) => s.supportsResidentId === m.residentId && s.canSupport,
          ),
        })),
        // Unknown is not zero: no report for any member leaves the income undecided.
        incomeKnown: incomeReported.has(household.household_id),
        assets: asset
          ? {
              financialAssetsFen: Number(asset.financial_assets_fen),
              hasNonEssentialVehicle: asset.has_non_essential_vehicle,
              propertyCount: asset.property_count,
            }
          : null,
        rigidSpendingFen: spendingOf.get(household.household_id) ?? 0,
      },
    };
  });
}

export async function loadPolicies(client: pg.ClientBase | pg.Pool): Promise<Policy[]> {
  const { rows } = await client.query<{ figures: Policy }>(
    'select figures from policies order by effective_from',
  );
  return rows.map((r) => r.figures);
}

/** The household's current decision (null before its first), or undefined when unknown. */
export async function loadCurrentDecision(
  client: pg.ClientBase | pg.Pool,
  householdId: string,
): Promise<{ communityCode: string; decision: Decision | null; decidedAt: Date | null } | undefined> {
  const { rows } = await client.query<{
    community_code: string;
    decision: Decision | null;
    decided_at: Date | null;
  }>(
    `select h.community_code, d.decision, d.decided_at
       from households h
       left join current_decisions c using (household_id)
       left join decisions d on d.decision_id = c.decision_id
      where h.household_id = $1`,
    [householdId],
  );
  const row = rows[0];
  return row
    ? { communityCode: row.community_code, decision: row.decision, decidedAt: row.decided_at }
    : undefined;
}

export async function loadTemporaryAssistancePolicies(
  client: pg.ClientBase | pg.Pool,
): Promise<TemporaryAssistancePolicy[]> {
  const { rows } = await client.query<{ figures: TemporaryAssistancePolicy }>(
    'select figures from temporary_assistance_policies order by effective_from',
  );
  return rows.map((r) => r.figures);
}

/** Stores a version of the temporary-assistance rule once; a stored version never changes. */
export async function storeTemporaryAssistancePolicy(
  client: pg.ClientBase | pg.Pool,
  policy: TemporaryAssistancePolicy,
): Promise<void> {
  await client.query(
    `insert into temporary_assistance_policies (policy_version, effective_from, figures)
     values ($1, $2, $3) on conflict (policy_version) do nothing`,
    [policy.policyVersion, policy.effectiveFrom, JSON.stringify(policy)],
  );
}
