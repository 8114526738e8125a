import { randomUUID } from 'node:crypto';
import {
  HouseholdDissolved,
  HouseholdRegistered,
  HouseholdUpdated,
  MemberIncomeReported,
  MemberIncomeRetracted,
  PolicyVersionPublished,
} from '@huimin/contracts';
import { type BatchItem, type EventHandler, on, onBatch } from '@huimin/kafka';
import type pg from 'pg';
import { type ReassessCause, reassessMany } from '../evaluate.ts';
import { appendManyToOutbox, lockPeople, releaseParked } from '../store/risk-store.ts';
import { CLAIMS_BY_HOUSEHOLD } from './topics.ts';

const factEvents = [
  HouseholdRegistered,
  HouseholdUpdated,
  HouseholdDissolved,
  MemberIncomeReported,
  MemberIncomeRetracted,
] as const;

type Fact =
  | { type: typeof HouseholdRegistered.type; payload: HouseholdRegistered }
  | { type: typeof HouseholdUpdated.type; payload: HouseholdUpdated }
  | { type: typeof HouseholdDissolved.type; payload: HouseholdDissolved }
  | { type: typeof MemberIncomeReported.type; payload: MemberIncomeReported }
  | { type: typeof MemberIncomeRetracted.type; payload: MemberIncomeRetracted };

/** The rows an event writes: events sharing none commute, so they can share one statement. */
function rowsWritten(fact: Fact): string[] {
  switch (fact.type) {
    case HouseholdRegistered.type:
    case HouseholdUpdated.type:
      return [
        `household:${fact.payload.householdId}`,
        ...fact.payload.members.map((m) => `person:${m.residentId}`),
      ];
    case HouseholdDissolved.type:
      return [`household:${fact.payload.householdId}`];
    case MemberIncomeReported.type:
    case MemberIncomeRetracted.type:
      return [`income:${fact.payload.residentId}`];
    default: {
      const unknown: never = fact;
      throw new Error(`no rows for ${(unknown as Fact).type}`);
    }
  }
}

/**
 * Splits a batch into rounds of events that write disjoint rows, keeping the batch's order among
 * events that share one: an event goes one round after the last earlier event it shares a row
 * with. Applying the rounds in turn, each set-wise, gives the result of applying the events in order.
 */
export function factRounds<T extends Fact>(facts: readonly T[]): T[][] {
  const rounds: T[][] = [];
  const lastRound = new Map<string, number>();
  for (const fact of facts) {
    const rows = rowsWritten(fact);
    const round = Math.max(0, ...rows.map((row) => (lastRound.get(row) ?? -1) + 1));
    for (const row of rows) lastRound.set(row, round);
    const members = rounds[round] ?? [];
    members.push(fact);
    rounds[round] = members;
  }
  return rounds;
}

type Touched = Map<string, ReassessCause | undefined>;
function touch(touched: Touched, householdId: string, cause?: ReassessCause): void {
  if (cause || !touched.has(householdId)) touched.set(householdId, cause ?? touched.get(householdId));
}

/**
 * Household snapshots: facts and person → household, newest business date wins (a late, older
 * report changes nothing). Claims parked for the members of an applied snapshot are released to
 * the join, in the order they were parked. Households in `snapshots` are distinct, and so are
 * their members.
 */
async function applySnapshots(
  client: pg.ClientBase,
  snapshots: readonly HouseholdRegistered[],
  touched: Touched,
): Promise<void> {
  if (snapshots.length === 0) return;
  const { rows } = await client.query<{ household_id: string }>(
    `insert into households (household_id, community_code, town_code, size, business_date, dissolved)
     select household_id, community_code, town_code, size, business_date, false
       from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::date[])
            as h(household_id, community_code, town_code, size, business_date)
      order by household_id
     on conflict (household_id) do update
       set community_code = excluded.community_code, town_code = excluded.town_code, size = excluded.size,
           business_date = excluded.business_date, dissolved = false
     where households.business_date <= excluded.business_date
     returning household_id`,
    [
      snapshots.map((h) => h.householdId),
      snapshots.map((h) => h.communityCode),
      snapshots.map((h) => h.townCode),
      snapshots.map((h) => h.members.length),
      snapshots.map((h) => h.businessDate),
    ],
  );
  const appliedIds = new Set(rows.map((r) => r.household_id));
  const applied = snapshots.filter((h) => appliedIds.has(h.householdId));
  if (applied.length === 0) return;
  // A member listed twice in one snapshot is one person (one row to write).
  const members = applied.flatMap((h) =>
    [...new Set(h.members.map((m) => m.residentId))].map((residentId) => ({
      householdId: h.householdId,
      residentId,
      businessDate: h.businessDate,
    })),
  );
  await client.query(
    `delete from persons p
      where p.household_id = any($1)
        and not exists (select 1 from unnest($2::text[], $3::text[]) as m(household_id, resident_id)
                         where m.household_id = p.household_id and m.resident_id = p.resident_id)`,
    [applied.map((h) => h.householdId), members.map((m) => m.householdId), members.map((m) => m.residentId)],
  );
  await client.query(
    `insert into persons (resident_id, household_id, business_date)
     select * from unnest($1::text[], $2::text[], $3::date[]) order by 1
     on conflict (resident_id) do update set household_id = excluded.household_id, business_date = excluded.business_date
     where persons.business_date <= excluded.business_date`,
    [members.map((m) => m.residentId), members.map((m) => m.householdId), members.map((m) => m.businessDate)],
  );
  const homeOf = new Map(members.map((m) => [m.residentId, m.householdId]));
  const released = await releaseParked(client, [...homeOf.keys()]);
  await appendManyToOutbox(
    client,
    released.map((claim) => ({
      id: randomUUID(),
      topic: CLAIMS_BY_HOUSEHOLD.name,
      key: homeOf.get(claim.patientResidentId) ?? '',
      type: claim.eventType,
      headers: claim.headers,
      payload: claim.payload,
    })),
  );
  for (const h of applied) touch(touched, h.householdId);
}

async function applyDissolutions(
  client: pg.ClientBase,
  dissolutions: readonly HouseholdDissolved[],
  touched: Touched,
): Promise<void> {
  if (dissolutions.length === 0) return;
  const { rows } = await client.query<{ household_id: string }>(
    `update households h set dissolved = true, business_date = d.business_date
       from unnest($1::text[], $2::date[]) as d(household_id, business_date)
      where h.household_id = d.household_id and h.business_date <= d.business_date
      returning h.household_id`,
    [dissolutions.map((d) => d.householdId), dissolutions.map((d) => d.businessDate)],
  );
  for (const r of rows) touch(touched, r.household_id);
}

async function applyIncomes(
  client: pg.ClientBase,
  reports: readonly MemberIncomeReported[],
  touched: Touched,
): Promise<void> {
  if (reports.length === 0) return;
  const { rows } = await client.query<{ household_id: string }>(
    `insert into member_incomes (resident_id, household_id, monthly_fen, business_date)
     select * from unnest($1::text[], $2::text[], $3::bigint[], $4::date[]) order by 1
     on conflict (resident_id) do update
       set household_id = excluded.household_id, monthly_fen = excluded.monthly_fen, business_date = excluded.business_date
     where member_incomes.business_date <= excluded.business_date
     returning household_id`,
    [
      reports.map((r) => r.residentId),
      reports.map((r) => r.householdId),
      reports.map((r) => r.incomes.reduce((sum, income) => sum + income.monthlyFen, 0)),
      reports.map((r) => r.businessDate),
    ],
  );
  for (const r of rows) touch(touched, r.household_id, 'income-updated');
}

async function applyRetractions(
  client: pg.ClientBase,
  retractions: readonly MemberIncomeRetracted[],
  touched: Touched,
): Promise<void> {
  if (retractions.length === 0) return;
  const { rows } = await client.query<{ resident_id: string }>(
    `delete from member_incomes i using unnest($1::text[], $2::date[]) as r(resident_id, business_date)
      where i.resident_id = r.resident_id and i.business_date = r.business_date
      returning i.resident_id`,
    [retractions.map((r) => r.residentId), retractions.map((r) => r.businessDate)],
  );
  const retracted = new Set(rows.map((r) => r.resident_id));
  for (const r of retractions)
    if (retracted.has(r.residentId)) touch(touched, r.householdId, 'income-updated');
}

/**
 * Household facts, a batch at a time: the members' locks first (one statement, shared order with
 * the router), then round by round each kind of event in one statement, and every household
 * touched re-assessed once at the end.
 */
export function factHandlers(now: () => Date): EventHandler[] {
  return [
    ...onBatch(factEvents, async (items, { client }) => {
      const facts = (items as BatchItem[]).map(
        (item) => ({ type: item.type, payload: item.payload }) as Fact,
      );
      await lockPeople(
        client,
        facts.flatMap((f) =>
          f.type === HouseholdRegistered.type || f.type === HouseholdUpdated.type
            ? f.payload.members.map((m) => m.residentId)
            : [],
        ),
      );
      const touched: Touched = new Map();
      for (const round of factRounds(facts)) {
        const snapshots: HouseholdRegistered[] = [];
        const dissolutions: HouseholdDissolved[] = [];
        const reports: MemberIncomeReported[] = [];
        const retractions: MemberIncomeRetracted[] = [];
        for (const fact of round) {
          switch (fact.type) {
            case HouseholdRegistered.type:
            case HouseholdUpdated.type:
              snapshots.push(fact.payload);
              break;
            case HouseholdDissolved.type:
              dissolutions.push(fact.payload);
              break;
            case MemberIncomeReported.type:
              reports.push(fact.payload);
              break;
            case MemberIncomeRetracted.type:
              retractions.push(fact.payload);
              break;
            default: {
              const unknown: never = fact;
              throw new Error(`unhandled fact ${(unknown as Fact).type}`);
            }
          }
        }
        await applySnapshots(client, snapshots, touched);
        await applyDissolutions(client, dissolutions, touched);
        await applyIncomes(client, reports, touched);
        await applyRetractions(client, retractions, touched);
      }
      await reassessMany(client, touched, now());
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
