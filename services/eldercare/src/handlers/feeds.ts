import { randomUUID } from 'node:crypto';
import {
  AssistanceEnrolmentChanged,
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
 * Each elder's row keeps the latest business date, so a late, older report changes nothing.
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
    on(AssistanceEnrolmentChanged, async (p, ctx) => {
      const receiving = p.change !== 'exited';
      if (p.programme === 'dibao') {
        // dibao is paid to the household: every elder in it counts as a dibao elder.
        await ctx.client.query(`update elders set dibao = $2, updated_at = now() where household_id = $1`, [
          p.householdId,
          receiving,
        ]);
      } else if (p.programme === 'tekun-dispersed' || p.programme === 'tekun-centralised') {
        const who = p.beneficiaryResidentIds ?? [];
        await ctx.client.query(
          `update elders set tekun = $3, updated_at = now()
            where household_id = $1 and (cardinality($2::text[]) = 0 or resident_id = any($2::text[]))`,
          [p.householdId, who, receiving],
        );
      }
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
}
