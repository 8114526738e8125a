import { withTransaction } from '@huimin/pg';
import type pg from 'pg';
import type { ServiceType } from '../domain/service-types.ts';

export interface ProviderProfile {
  providerId: string;
  name: string;
  dailyCapacity: number;
  /** The towns the provider serves, and which services in each. */
  offerings: { townCode: string; serviceTypes: ServiceType[] }[];
  active?: boolean;
}

/** Creates or replaces a provider's profile (capacity, towns, services) in one transaction. */
export function saveProvider(pool: pg.Pool, p: ProviderProfile): Promise<void> {
  return withTransaction(pool, async (client) => {
    await client.query(
      `insert into providers (provider_id, name, daily_capacity, active) values ($1, $2, $3, $4)
       on conflict (provider_id) do update set name = excluded.name,
         daily_capacity = excluded.daily_capacity, active = excluded.active`,
      [p.providerId, p.name, p.dailyCapacity, p.active ?? true],
    );
    await client.query(`delete from provider_offerings where provider_id = $1`, [p.providerId]);
    for (const o of p.offerings) {
      await client.query(
        `insert into provider_offerings (provider_id, town_code, service_type)
         select $1, $2, unnest($3::text[]) on conflict do nothing`,
        [p.providerId, o.townCode, o.serviceTypes],
      );
    }
  });
}

export async function listProviders(pool: pg.Pool): Promise<ProviderProfile[]> {
  const { rows } = await pool.query<{
    provider_id: string;
    name: string;
    daily_capacity: number;
    active: boolean;
    offerings: { townCode: string; serviceTypes: ServiceType[] }[] | null;
  }>(
    `select p.provider_id, p.name, p.daily_capacity, p.active,
            (select json_agg(json_build_object('townCode', t.town_code, 'serviceTypes', t.services))
               from (select town_code, array_agg(service_type order by service_type) as services
                       from provider_offerings o where o.provider_id = p.provider_id
                      group by town_code order by town_code) t) as offerings
       from providers p order by p.provider_id`,
  );
  return rows.map((r) => ({
    providerId: r.provider_id,
    name: r.name,
    dailyCapacity: r.daily_capacity,
    active: r.active,
    offerings: r.offerings ?? [],
  }));
}
