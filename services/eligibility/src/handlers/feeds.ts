import {
  AssistanceEnrolmentChanged,
  AssistanceEnrolmentRetracted,
  DisabilityCertificationRetracted,
  DisabilityCertified,
  HouseholdAssetsReported,
  HouseholdDissolved,
  type HouseholdRegistered,
  HouseholdUpdated,
  MemberIncomeReported,
  MemberIncomeRetracted,
  HouseholdRegistered as Registered,
  RiskCleared,
  RiskFlagged,
} from '@huimin/contracts';
import { type EventHandler, on } from '@huimin/kafka';
import type pg from 'pg';
import { refreshEnrolmentGaps } from '../gaps.ts';
import { redecide, redecideMany } from '../redecide.ts';

async function snapshot(client: pg.ClientBase, h: HouseholdRegistered): Promise<boolean> {
  const members = h.members.map((m) => ({
    residentId: m.residentId,
    birthDate: m.birthDate,
    ...(m.disability ? { disability: m.disability } : {}),
    workAbility: m.workAbility,
    inInstitution: m.inInstitution,
  }));
  const supporters = h.legalSupporters.map((s) => ({
    supportsResidentId: s.supportsResidentId,
    canSupport: s.canSupport,
  }));
  // Newest business date wins: a late, older snapshot changes nothing.
  const result = await client.query(
    `insert into households (household_id, community_code, members, supporters, business_date) values ($1, $2, $3, $4, $5)
     on conflict (household_id) do update set community_code = excluded.community_code, members = excluded.members,
       supporters = excluded.supporters, business_date = excluded.business_date, dissolved = false
     where households.business_date <= excluded.business_date`,
    [h.householdId, h.communityCode, JSON.stringify(members), JSON.stringify(supporters), h.businessDate],
  );
  return result.rowCount === 1;
}

/** The households a person is a member of (a feed keyed by person names no household). */
async function householdsOf(client: pg.ClientBase, residentId: string): Promise<string[]> {
  const { rows } = await client.query<{ household_id: string }>(
    `select household_id from households where members @> jsonb_build_array(jsonb_build_object('residentId', $1::text))`,
    [residentId],
  );
  return rows.map((r) => r.household_id);
}

export function feedHandlers(now: () => Date): EventHandler[] {
  return [
    on(Registered, async (h, { client, envelope }) => {
      if (await snapshot(client, h)) await redecide(client, h.householdId, now(), envelope.type);
    }),
    on(HouseholdUpdated, async (h, { client, envelope }) => {
      if (await snapshot(client, h)) await redecide(client, h.householdId, now(), envelope.type);
    }),
    on(HouseholdDissolved, async (e, { client }) => {
      const result = await client.query(
        'update households set dissolved = true where household_id = $1 and business_date <= $2',
        [e.householdId, e.businessDate],
      );
      if (result.rowCount) await refreshEnrolmentGaps(client, [e.householdId], now());
    }),
    on(MemberIncomeReported, async (r, { client, envelope }) => {
      const monthly = r.incomes.reduce((sum, i) => sum + i.monthlyFen, 0);
      const result = await client.query(
        `insert into member_incomes (resident_id, household_id, monthly_fen, business_date) values ($1, $2, $3, $4)
         on conflict (resident_id) do update set household_id = excluded.household_id, monthly_fen = excluded.monthly_fen,
           business_date = excluded.business_date
         where member_incomes.business_date <= excluded.business_date`,
        [r.residentId, r.householdId, monthly, r.businessDate],
      );
      if (result.rowCount) await redecide(client, r.householdId, now(), envelope.type);
    }),
    on(MemberIncomeRetracted, async (r, { client, envelope }) => {
      const result = await client.query(
        'delete from member_incomes where resident_id = $1 and business_date = $2',
        [r.residentId, r.businessDate],
      );
      if (result.rowCount) await redecide(client, r.householdId, now(), envelope.type);
    }),
    on(HouseholdAssetsReported, async (a, { client, envelope }) => {
      const result = await client.query(
        `insert into household_assets (household_id, financial_assets_fen, has_non_essential_vehicle, property_count, business_date)
         values ($1, $2, $3, $4, $5)
         on conflict (household_id) do update set financial_assets_fen = excluded.financial_assets_fen,
           has_non_essential_vehicle = excluded.has_non_essential_vehicle, property_count = excluded.property_count,
           business_date = excluded.business_date
         where household_assets.business_date <= excluded.business_date`,
        [a.householdId, a.financialAssetsFen, a.hasNonEssentialVehicle, a.propertyCount, a.businessDate],
      );
      if (result.rowCount) await redecide(client, a.householdId, now(), envelope.type);
    }),
    // The medical part of rigid spending: risk's 12-month out of pocket for the household.
    on(RiskFlagged, async (flag, { client, envelope }) => {
      await client.query(
        `insert into medical_spending (household_id, out_of_pocket_fen, as_of) values ($1, $2, $3)
         on conflict (household_id) do update set out_of_pocket_fen = excluded.out_of_pocket_fen, as_of = excluded.as_of
         where medical_spending.as_of <= excluded.as_of`,
        [flag.householdId, flag.outOfPocketFen, flag.asOfDate],
      );
      await redecide(client, flag.householdId, now(), envelope.type);
    }),
    on(RiskCleared, async (cleared, { client, envelope }) => {
      // A clearing reports what is still in the window when risk knows it; older producers do not (0).
      await client.query(
        'update medical_spending set out_of_pocket_fen = $3, as_of = $2 where household_id = $1 and as_of <= $2',
        [cleared.householdId, cleared.asOfDate, cleared.outOfPocketFen ?? 0],
      );
      await redecide(client, cleared.householdId, now(), envelope.type);
    }),
    // Who actually receives help. Every change is kept by its business date; a late, older change
    // only adds history, the latest one in force decides.
    on(AssistanceEnrolmentChanged, async (e, { client }) => {
      await client.query(
        `insert into enrolment_changes (enrolment_id, business_date, household_id, programme, change, monthly_fen)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (enrolment_id, business_date) do update set household_id = excluded.household_id,
           programme = excluded.programme, change = excluded.change, monthly_fen = excluded.monthly_fen, retracted = false`,
        [e.enrolmentId, e.businessDate, e.householdId, e.programme, e.change, e.monthlyAmountFen],
      );
      await refreshEnrolmentGaps(client, [e.householdId], now());
    }),
    on(AssistanceEnrolmentRetracted, async (r, { client }) => {
      const result = await client.query(
        'update enrolment_changes set retracted = true where enrolment_id = $1 and business_date = $2',
        [r.enrolmentId, r.businessDate],
      );
      if (result.rowCount) await refreshEnrolmentGaps(client, [r.householdId], now());
    }),
    on(DisabilityCertified, async (c, { client, envelope }) => {
      await client.query(
        `insert into disability_certifications (resident_id, business_date, grade, category, valid_until)
         values ($1, $2, $3, $4, $5)
         on conflict (resident_id, business_date) do update set grade = excluded.grade, category = excluded.category,
           valid_until = excluded.valid_until, retracted = false`,
        [c.residentId, c.businessDate, c.grade, c.category, c.validUntil ?? null],
      );
      await redecideMany(client, await householdsOf(client, c.residentId), now(), envelope.type);
    }),
    on(DisabilityCertificationRetracted, async (r, { client, envelope }) => {
      const result = await client.query(
        'update disability_certifications set retracted = true where resident_id = $1 and business_date = $2',
        [r.residentId, r.businessDate],
      );
      if (result.rowCount)
        await redecideMany(client, await householdsOf(client, r.residentId), now(), envelope.type);
    }),
  ];
}
