import type { ServiceTokenClient } from '@huimin/auth';

/** Who handles a community's alerts now, as identity answers (leave and delegation applied). */
export interface Roster {
  communityCode: string;
  townCode: string;
  handlers: { userId: string; onBehalfOf?: string }[];
  uncovered: string[];
  supervisors: string[];
}

export interface RosterSource {
  roster(communityCode: string): Promise<Roster>;
  /** Forgets cached answers (after a reassignment refused for a stale roster, in tests). */
  forget(): void;
}

export class RosterUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RosterUnavailable';
  }
}

/**
 * identity's `GET /v1/rosters/communities/{code}/handlers`, called with discovery's service token;
 * answers are reused for `cacheMs` (rosters change by the day; alerts come by the second).
 */
export function createRosterClient(options: {
  identityUrl: string;
  tokens: ServiceTokenClient;
  cacheMs: number;
  now?: () => number;
  timeoutMs?: number;
}): RosterSource {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { roster: Roster; until: number }>();
  return {
    async roster(communityCode) {
      const hit = cache.get(communityCode);
      if (hit && hit.until > now()) return hit.roster;
      let res: Response;
      try {
        res = await fetch(new URL(`/v1/rosters/communities/${communityCode}/handlers`, options.identityUrl), {
          headers: await options.tokens.headers(),
          signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
        });
      } catch (err: unknown) {
        throw new RosterUnavailable('identity could not be reached for the roster', { cause: err });
      }
      if (!res.ok)
        throw new RosterUnavailable(`identity answered ${res.status} for the roster of ${communityCode}`);
      const body = (await res.json()) as Roster;
      const roster: Roster = {
        communityCode: body.communityCode,
        townCode: body.townCode,
        handlers: body.handlers,
        uncovered: body.uncovered,
        supervisors: body.supervisors,
      };
      if (options.cacheMs > 0) cache.set(communityCode, { roster, until: now() + options.cacheMs });
      return roster;
    },
    forget() {
      cache.clear();
    },
  };
}
