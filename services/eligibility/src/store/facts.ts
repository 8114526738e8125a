import type pg from 'pg';
import type { Decision, HouseholdFacts, MemberFacts } from '../domain/decide.ts';
import type { Policy } from '../domain/policy.ts';

interface StoredMember {
  residentId: string;
  birthDate: string;
  disability?: { grade: number; category: string };
  workAbility: MemberFacts['workAbility'];
  inInstitution: boolean;
}

/** The household as eligibility knows it, or undefined when unknown or dissolved. */
export async function loadFacts(
  client: pg.ClientBase,
  householdId: string,
): Promise<{ facts: HouseholdFacts; communityCode: string } | undefined> {
  const { rows } = await client.query<{
    community_code: string;
    members: StoredMember[];
    supporters: { supportsResidentId: string; canSupport: boolean }[];
    dissolved: boolean;
  }>('select community_code, members, supporters, dissolved from households where household_id = $1', [
    householdId,
  ]);
  const household = rows[0];
  if (!household || household.dissolved) return undefined;
  const { rows: incomes } = await client.query<{ resident_id: string; monthly_fen: string }>(
    'select resident_id, monthly_fen from member_incomes where household_id = $1',
    [householdId],
  );
  const incomeOf = new Map(incomes.map((r) => [r.resident_id, Number(r.monthly_fen)]));
  const { rows: assets } = await client.query<{
    financial_assets_fen: string;
    has_non_essential_vehicle: boolean;
    property_count: number;
  }>(
    'select financial_assets_fen, has_non_essential_vehicle, property_count from household_assets where household_id = $1',
    [householdId],
  );
  const { rows: spending } = await client.query<{ out_of_pocket_fen: string }>(
    'select out_of_pocket_fen from medical_spending where household_id = $1',
    [householdId],
  );
  const asset = assets[0];
  return {
    communityCode: household.community_code,
    facts: {
      householdId,
      members: household.members.map((m) => ({
        ...m,
        monthlyIncomeFen: incomeOf.get(m.residentId) ?? 0,
        hasAbleSupporter: household.supporters.some(
          (s) => s.supportsResidentId === m.residentId && s.canSupport,
        ),
      })),
      assets: asset
        ? {
            financialAssetsFen: Number(asset.financial_assets_fen),
            hasNonEssentialVehicle: asset.has_non_essential_vehicle,
            propertyCount: asset.property_count,
          }
        : null,
      rigidSpendingFen: Number(spending[0]?.out_of_pocket_fen ?? 0),
    },
  };
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
