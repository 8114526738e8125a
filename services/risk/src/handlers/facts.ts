import { randomUUID } from 'node:crypto';
import {
  HouseholdDissolved,
  type HouseholdRegistered,
  HouseholdUpdated,
  MemberIncomeReported,
  MemberIncomeRetracted,
  PolicyVersionPublished,
  HouseholdRegistered as Registered,
} from '@huimin/contracts';
import { type EventHandler, on } from '@huimin/kafka';
import { appendToOutbox } from '@huimin/pg';
import type pg from 'pg';
import { reassess } from '../evaluate.ts';
import { lockPeople } from '../store/risk-store.ts';
import { CLAIMS_BY_HOUSEHOLD } from './topics.ts';

/**
 * A household snapshot: facts and person → household, newest business date wins (a late, older
 * report changes nothing). Claims parked for its members are released to the join.
 */
async function applySnapshot(
  client: pg.ClientBase,
  household: HouseholdRegistered,
  now: Date,
): Promise<void> {
  const residentIds = household.members.map((m) => m.residentId);
  await lockPeople(client, residentIds);
  const applied = await client.query(
    `insert into households (household_id, community_code, town_code, size, business_date, dissolved)
     values ($1, $2, $3, $4, $5, false)
     on conflict (household_id) do update
       set community_code = excluded.community_code, town_code = excluded.town_code, size = excluded.size,
           business_date = excluded.business_date, dissolved = false
     where households.business_date <= excluded.business_date`,
    [
      household.householdId,
      household.communityCode,
      household.townCode,
      household.members.length,
      household.businessDate,
    ],
  );
  if (applied.rowCount === 0) return;
  await client.query('delete from persons where household_id = $1 and not (resident_id = any($2))', [
    household.householdId,
    residentIds,
  ]);
  for (const residentId of residentIds) {
    await client.query(
      `insert into persons (resident_id, household_id, business_date) values ($1, $2, $3)
       on conflict (resident_id) do update set household_id = excluded.household_id, business_date = excluded.business_date
       where persons.business_date <= excluded.business_date`,
      [residentId, household.householdId, household.businessDate],
    );
  }
  const { rows: parked } = await client.query<{
    event_type: string;
    headers: Record<string, string>;
    payload: unknown;
  }>(
    'delete from parked_claims where patient_resident_id = any($1) returning event_type, headers, payload, parked_at',
    [residentIds],
  );
  for (const claim of parked.sort((a, b) => String(a).localeCompare(String(b)))) {
    await appendToOutbox(client, {
      id: randomUUID(),
      topic: CLAIMS_BY_HOUSEHOLD.name,
      key: household.householdId,
      type: claim.event_type,
      headers: claim.headers,
      payload: claim.payload,
    });
  }
  await reassess(client, household.householdId, now);
}

export function factHandlers(now: () => Date): EventHandler[] {
  return [
    on(Registered, (household, { client }) => applySnapshot(client, household, now())),
    on(HouseholdUpdated, (household, { client }) => applySnapshot(client, household, now())),
    on(HouseholdDissolved, async (event, { client }) => {
      const result = await client.query(
        'update households set dissolved = true, business_date = $2 where household_id = $1 and business_date <= $2',
        [event.householdId, event.businessDate],
      );
      if (result.rowCount) await reassess(client, event.householdId, now());
    }),
    on(MemberIncomeReported, async (report, { client }) => {
      const monthly = report.incomes.reduce((sum, income) => sum + income.monthlyFen, 0);
      const result = await client.query(
        `insert into member_incomes (resident_id, household_id, monthly_fen, business_date) values ($1, $2, $3, $4)
         on conflict (resident_id) do update
           set household_id = excluded.household_id, monthly_fen = excluded.monthly_fen, business_date = excluded.business_date
         where member_incomes.business_date <= excluded.business_date`,
        [report.residentId, report.householdId, monthly, report.businessDate],
      );
      if (result.rowCount) await reassess(client, report.householdId, now(), 'income-updated');
    }),
    on(MemberIncomeRetracted, async (retraction, { client }) => {
      const result = await client.query(
        'delete from member_incomes where resident_id = $1 and business_date = $2',
        [retraction.residentId, retraction.businessDate],
      );
      if (result.rowCount) await reassess(client, retraction.householdId, now(), 'income-updated');
    }),
    on(PolicyVersionPublished, async (policy, { client }) => {
      await client.query(
        `insert into policies (policy_version, effective_from, figures) values ($1, $2, $3)
         on conflict (policy_version) do update set effective_from = excluded.effective_from, figures = excluded.figures`,
        [
          policy.policyVersion,
          policy.effectiveFrom,
          JSON.stringify({
            policyVersion: policy.policyVersion,
            dibaoStandardFen: policy.dibaoStandardFen,
            riskWatchRatioBp: policy.riskWatchRatioBp,
            riskCatastrophicRatioBp: policy.riskCatastrophicRatioBp,
            riskCapacityToPayRatioBp: policy.riskCapacityToPayRatioBp,
            majorIllnessClaimFen: policy.majorIllnessClaimFen,
          }),
        ],
      );
    }),
  ];
}
