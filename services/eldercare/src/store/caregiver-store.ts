import type { Queryable } from '@huimin/pg';

export interface Caregiver {
  caregiverId: string;
  providerId: string;
  startedOn: string;
  trainedOn: string | null;
  certifiedOn: string | null;
  certificateNumber: string | null;
  leftOn: string | null;
  updatedBy: string;
  updatedAt: string;
}

interface CaregiverRow {
  caregiver_id: string;
  provider_id: string;
  started_on: string;
  trained_on: string | null;
  certified_on: string | null;
  certificate_number: string | null;
  left_on: string | null;
  updated_by: string;
  updated_at: Date;
}

const COLUMNS = `caregiver_id, provider_id, to_char(started_on, 'YYYY-MM-DD') as started_on,
  to_char(trained_on, 'YYYY-MM-DD') as trained_on, to_char(certified_on, 'YYYY-MM-DD') as certified_on,
  certificate_number, to_char(left_on, 'YYYY-MM-DD') as left_on, updated_by, updated_at`;

const toCaregiver = (r: CaregiverRow): Caregiver => ({
  caregiverId: r.caregiver_id,
  providerId: r.provider_id,
  startedOn: r.started_on,
  trainedOn: r.trained_on,
  certifiedOn: r.certified_on,
  certificateNumber: r.certificate_number,
  leftOn: r.left_on,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at.toISOString(),
});

export async function providerExists(db: Queryable, providerId: string): Promise<boolean> {
  const { rows } = await db.query('select 1 from providers where provider_id = $1', [providerId]);
  return rows.length > 0;
}

/** The caregiver's provider, or undefined for a caregiver not on any register yet. */
export async function caregiverProvider(db: Queryable, caregiverId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ provider_id: string }>(
    'select provider_id from caregivers where caregiver_id = $1',
    [caregiverId],
  );
  return rows[0]?.provider_id;
}

export async function saveCaregiver(
  db: Queryable,
  c: Omit<Caregiver, 'updatedAt'> & { at: Date },
): Promise<Caregiver> {
  const { rows } = await db.query<CaregiverRow>(
    `insert into caregivers (caregiver_id, provider_id, started_on, trained_on, certified_on,
                             certificate_number, left_on, updated_by, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (caregiver_id) do update set started_on = excluded.started_on,
       trained_on = excluded.trained_on, certified_on = excluded.certified_on,
       certificate_number = excluded.certificate_number, left_on = excluded.left_on,
       updated_by = excluded.updated_by, updated_at = excluded.updated_at
     returning ${COLUMNS}`,
    [
      c.caregiverId,
      c.providerId,
      c.startedOn,
      c.trainedOn,
      c.certifiedOn,
      c.certificateNumber,
      c.leftOn,
      c.updatedBy,
      c.at,
    ],
  );
  return toCaregiver(rows[0] as CaregiverRow);
}

export async function listCaregivers(db: Queryable, providerId: string): Promise<Caregiver[]> {
  const { rows } = await db.query<CaregiverRow>(
    `select ${COLUMNS} from caregivers where provider_id = $1 order by caregiver_id`,
    [providerId],
  );
  return rows.map(toCaregiver);
}
