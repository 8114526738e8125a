import { randomUUID } from 'node:crypto';
import {
  AssistanceEnrolmentChanged,
  AssistanceEnrolmentRetracted,
  HouseholdDissolved,
  HouseholdRegistered,
  HouseholdUpdated,
} from '@huimin/contracts';
import { type EventHandler, on } from '@huimin/kafka';
import type pg from 'pg';
import { ageOn } from '../domain/shanghai-time.ts';

type HouseholdSnapshot = HouseholdRegistered;

/**
 * Elders (60+, registered in the county, living at home) from the household feed; their dibao and
 * tekun status from the enrolment feed (who actually receives help, not eligibility screening).
 * Each elder's row keeps the latest business date, so a late, older report changes nothing. The
 * two feeds have no order between them: enrolments are kept on arrival and applied whenever
 * either side changes, so neither order loses anything.
 */
export function feedHandlers(newId: () => string = randomUUID): EventHandler[] {
  return [
    on(HouseholdRegistered, (p, ctx) => projectHousehold(ctx.client, p, newId)),
    on(HouseholdUpdated, (p, ctx) => projectHousehold(ctx.client, p, newId)),
    on(HouseholdDissolved, async (p, ctx) => {
      await ctx.client.query(
        `update elders set active = false, business_date = $2, updated_at = now()
          where household_id = $1 and business_date <= $2`,
        [p.householdId, p.businessDate],
      );
    }),
    // Kept whatever arrives first, then applied to the household's elders as they stand now: an
    // enrolment before its household is applied when the household arrives (projectHousehold).
    on(AssistanceEnrolmentChanged, async (p, ctx) => {
      await ctx.client.query(
        `insert into enrolment_changes (enrolment_id, business_date, household_id, programme, change,
                                        beneficiary_resident_ids)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (enrolment_id, business_date) do update set household_id = excluded.household_id,
           programme = excluded.programme, change = excluded.change,
           beneficiary_resident_ids = excluded.beneficiary_resident_ids, retracted = false`,
        [p.enrolmentId, p.businessDate, p.householdId, p.programme, p.change, p.beneficiaryResidentIds ?? []],
      );
      await applyEnrolments(ctx.client, p.householdId);
    }),
    on(AssistanceEnrolmentRetracted, async (p, ctx) => {
      const result = await ctx.client.query(
        'update enrolment_changes set retracted = true where enrolment_id = $1 and business_date = $2',
        [p.enrolmentId, p.businessDate],
      );
      if (result.rowCount) await applyEnrolments(ctx.client, p.householdId);
    }),
  ];
}

async function projectHousehold(
  client: pg.PoolClient,
  h: HouseholdSnapshot,
  newId: () => string,
): Promise<void> {
  const elders = h.members.filter(
    (m) => m.hukouLocal && !m.inInstitution && ageOn(m.birthDate, h.businessDate) >= 60,
  );
  // Living alone: the only member of the household (其他成员不同住 is not in the feed).
  const livingAlone = h.members.length === 1;
  for (const m of elders) {
    await client.query(
      `insert into elders as e (elder_id, resident_id, household_id, name, birth_date, town_code,
                                community_code, address_text, lng, lat, living_alone, disability_grade,
                                active, business_date)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, true, $13)
       on conflict (resident_id) do update set
         household_id = excluded.household_id, name = excluded.name, town_code = excluded.town_code,
         community_code = excluded.community_code, address_text = excluded.address_text,
         lng = excluded.lng, lat = excluded.lat, living_alone = excluded.living_alone,
         disability_grade = excluded.disability_grade, active = true,
         business_date = excluded.business_date, updated_at = now()
       where e.business_date <= excluded.business_date`,
      [
        `EL-${newId()}`,
        m.residentId,
        h.householdId,
        m.name,
        m.birthDate,
        h.townCode,
        h.communityCode,
        h.address.text,
        h.address.lng,
        h.address.lat,
        livingAlone,
        m.disability?.grade ?? null,
        h.businessDate,
      ],
    );
  }
  // Members who left the household (or moved into an institution) are no longer served from it.
  await client.query(
    `update elders set active = false, updated_at = now()
      where household_id = $1 and business_date <= $2 and not (resident_id = any($3::text[]))`,
    [h.householdId, h.businessDate, elders.map((m) => m.residentId)],
  );
  // Whatever of the enrolment feed arrived before the household applies now.
  await applyEnrolments(client, h.householdId);
}

/**
 * Sets the household's elders' dibao and tekun flags from the enrolments in force: the latest
 * change of each enrolment by business date, retracted ones withdrawn, an exit ending it. dibao is
 * paid to the household (every elder in it counts); tekun to the beneficiaries it names (all
 * members when it names none). Only rows whose flags change are written.
 */
async function applyEnrolments(client: pg.PoolClient, householdId: string): Promise<void> {
  await client.query(
    `with active as (
       select programme, beneficiary_resident_ids from (
         select distinct on (enrolment_id) enrolment_id, programme, change, beneficiary_resident_ids
           from enrolment_changes
          where household_id = $1 and not retracted
          order by enrolment_id, business_date desc
       ) latest where change <> 'exited'
     ), flags as (
       select e.elder_id,
              exists (select 1 from active where programme = 'dibao') as dibao,
              exists (select 1 from active
                       where programme in ('tekun-dispersed', 'tekun-centralised')
                         and (cardinality(beneficiary_resident_ids) = 0
                              or e.resident_id = any(beneficiary_resident_ids))) as tekun
         from elders e where e.household_id = $1
     )
     update elders e set dibao = f.dibao, tekun = f.tekun, updated_at = now()
       from flags f
      where e.elder_id = f.elder_id and (e.dibao, e.tekun) is distinct from (f.dibao, f.tekun)`,
    [householdId],
  );
}
