import { inJurisdiction, type UserPrincipal } from '@huimin/auth';
import { nameOf } from '@huimin/contracts';
import { maskResidentId } from '@huimin/kit';
import type pg from 'pg';
import { listAlerts } from '../store/alert-queries.ts';
import { registeredPlace } from '../store/registry.ts';
import { presentAlert } from './http-routes.ts';

/** Where the household view's parts come from: the owning services' HTTP APIs. */
export interface HouseholdSources {
  eligibilityUrl: string;
  riskUrl: string;
  eldercareUrl: string;
  charityUrl: string;
  /** Temporary-assistance applications; the view leaves the part out when not configured. */
  assistanceUrl?: string;
  timeoutMs?: number;
}

export type Part =
  | { status: 'ok'; data: unknown }
  | { status: 'not-found' }
  | { status: 'unavailable'; reason: string };

/**
 * Asks a service for its part, on the caller's behalf: the person's own token goes along, so the
 * service applies its own jurisdiction check and audits its own read. A service that is down or
 * slow leaves its part `unavailable`; the rest of the page still shows.
 */
async function part(url: string, authorization: string, timeoutMs: number): Promise<Part> {
  try {
    const res = await fetch(url, { headers: { authorization }, signal: AbortSignal.timeout(timeoutMs) });
    if (res.status === 404) return { status: 'not-found' };
    if (!res.ok) return { status: 'unavailable', reason: `answered ${res.status}` };
    return { status: 'ok', data: await res.json() };
  } catch (err: unknown) {
    return {
      status: 'unavailable',
      reason: err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : 'unreachable',
    };
  }
}

/**
 * One page of what the platform knows about a household, for a handler of its community; undefined
 * when discovery does not know the household or it lies outside the caller's jurisdiction (the
 * route answers both with the same 404). Members come from discovery's own person map, masked.
 */
export async function householdView(
  sources: HouseholdSources,
  pool: pg.Pool,
  me: UserPrincipal,
  householdId: string,
  authorization: string,
) {
  const { rows: members } = await pool.query<{
    resident_id: string;
    community_code: string;
    town_code: string;
  }>(
    'select resident_id, community_code, town_code from people where household_id = $1 order by resident_id',
    [householdId],
  );
  // The household's community from the registry data discovery holds (never from a manual alert,
  // whose community is what a handler typed); every member must be in the caller's jurisdiction.
  const place = await registeredPlace(pool, { householdId });
  const communityCode = place?.communityCode;
  if (!communityCode || !inJurisdiction(me, communityCode)) return undefined;
  if (members.some((m) => !inJurisdiction(me, m.community_code))) return undefined;
  const timeout = sources.timeoutMs ?? 2000;
  const id = encodeURIComponent(householdId);
  const [eligibility, risk, eldercare, charity, assistance, alerts] = await Promise.all([
    part(`${sources.eligibilityUrl}/v1/households/${id}/eligibility`, authorization, timeout),
    part(`${sources.riskUrl}/v1/households/${id}/risk`, authorization, timeout),
    part(`${sources.eldercareUrl}/v1/orders?householdId=${id}&limit=50`, authorization, timeout),
    part(`${sources.charityUrl}/v1/disbursements?householdId=${id}`, authorization, timeout),
    sources.assistanceUrl
      ? part(`${sources.assistanceUrl}/v1/applications?householdId=${id}`, authorization, timeout)
      : undefined,
    listAlerts(pool, me, { householdId }, { limit: 50 }),
  ]);
  return {
    householdId,
    communityCode,
    communityName: nameOf(communityCode) ?? null,
    members: members.map((m) => ({ residentId: maskResidentId(m.resident_id) })),
    eligibility,
    risk,
    eldercare,
    charity,
    ...(assistance ? { assistance } : {}),
    alerts: alerts.alerts.map(presentAlert),
  };
}
