import { inJurisdiction, type UserPrincipal } from '@huimin/auth';
import type { Queryable } from '@huimin/pg';

/**
 * Where a household or person lives, as far as the data discovery holds can tell: its person map
 * (built from the household feed) first, then the alerts upstream services opened about it (their
 * signals name the community from the registry). A manual alert's community is what a handler
 * typed, so it never places anyone.
 */
export interface Place {
  householdId: string | null;
  communityCode: string;
}

/** The key of a manual alert about someone discovery cannot place: scoped to the community typed. */
export const unverifiedKey = (
  communityCode: string,
  subject: { householdId?: string; residentId?: string },
) => `unverified:${communityCode}:${subject.householdId ?? `person:${subject.residentId}`}`;

export async function registeredPlace(
  db: Queryable,
  subject: { householdId?: string | undefined; residentId?: string | undefined },
): Promise<Place | undefined> {
  if (subject.residentId) {
    const { rows } = await db.query<{ household_id: string; community_code: string }>(
      'select household_id, community_code from people where resident_id = $1',
      [subject.residentId],
    );
    const person = rows[0];
    if (person) return { householdId: person.household_id, communityCode: person.community_code };
  }
  if (subject.householdId) {
    const { rows } = await db.query<{ community_code: string }>(
      'select community_code from people where household_id = $1 limit 1',
      [subject.householdId],
    );
    if (rows[0]) return { householdId: subject.householdId, communityCode: rows[0].community_code };
  }
  const keys = [subject.householdId, subject.residentId && `person:${subject.residentId}`].filter(Boolean);
  const { rows } = await db.query<{ household_id: string | null; community_code: string }>(
    `select household_id, community_code from alerts
      where origin = 'signal' and subject_key = any($1::text[])
      order by raised_at desc limit 1`,
    [keys],
  );
  const placed = rows[0];
  return placed ? { householdId: placed.household_id, communityCode: placed.community_code } : undefined;
}

/**
 * The resident IDs behind an alert's subject, for the full view: only when every person the
 * registry places there lives in the reader's jurisdiction (the subject's community decides, not
 * the alert's); undefined otherwise, which the route answers like an alert that is not there.
 */
export async function subjectMembers(
  db: Queryable,
  me: UserPrincipal,
  subject: { householdId: string | null; residentId: string | null },
): Promise<string[] | undefined> {
  const { rows } = await db.query<{ resident_id: string; household_id: string; community_code: string }>(
    `select resident_id, household_id, community_code from people
      where household_id = $1 or resident_id = $2 order by resident_id`,
    [subject.householdId, subject.residentId],
  );
  if (rows.some((r) => !inJurisdiction(me, r.community_code))) return undefined;
  return rows.filter((r) => r.household_id === subject.householdId).map((r) => r.resident_id);
}
