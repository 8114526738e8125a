import type { UserPrincipal } from '@huimin/auth';
import type { Jurisdiction } from '@huimin/contracts';
import { AppError } from '@huimin/kit';
import type { TownScope } from './scorecard.ts';

/** Who reads the scorecard: the bureau's leaders and admins (the county), towns' supervisors. */
export const SCORECARD_READERS = ['bureau-leader', 'bureau-admin', 'town-supervisor'] as const;
/** Who records the bureau's facts: its admins (leaders read only). */
export const FACT_RECORDERS = ['bureau-admin'] as const;

/**
 * The towns whose breakdown a reader sees: the county's for the bureau, a supervisor's own town
 * (their jurisdiction, from their token). Everyone who may read sees the county totals.
 */
export function townScopeOf(me: UserPrincipal, tree: Jurisdiction): TownScope {
  if (me.role === 'bureau-leader' || me.role === 'bureau-admin') return 'all';
  if (me.role === 'town-supervisor') return me.jurisdictions.filter((code) => tree.isTown(code));
  throw new AppError('FORBIDDEN', 'your role may not read the scorecard');
}
