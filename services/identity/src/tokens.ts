import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { serviceTokenPayload, signToken, userTokenPayload } from '@huimin/auth';
import { standsInFor } from './domain/roster.ts';
import type { SigningKeys } from './keys/signing-keys.ts';
import type { IdentityStore, UserRow } from './store/identity-store.ts';
import type { RosterStore } from './store/roster-store.ts';

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

/** Refresh tokens are stored only as this hash: a copy of the table logs nobody in. */
export const refreshTokenHash = (token: string): string =>
  createHash('sha256').update(token).digest('base64url');

export interface IssuedSession {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

/** Issues access tokens (people and services) and refresh tokens. */
export function createTokenIssuer(deps: {
  keys: SigningKeys;
  users: IdentityStore;
  rosters: RosterStore;
  settings: TokenSettings;
}) {
  const { keys, users, rosters, settings } = deps;

  const sign = (payload: Parameters<typeof signToken>[0], subject: string, now: Date) => {
    const { kid, key } = keys.active();
    return signToken(payload, {
      subject,
      issuer: settings.issuer,
      audience: settings.audience,
      key,
      kid,
      ttlSeconds: settings.accessTtlSeconds,
      now,
    });
  };

  /**
   * The division codes a person's token carries: their own, and for a case handler standing in
   * for colleagues on leave, those colleagues' communities (so the delegate can open the alerts
   * routed to them). Recomputed at every login and refresh, so it follows leave within one
   * access-token lifetime.
   */
  async function jurisdictionsOf(user: UserRow, now: Date): Promise<string[]> {
    if (user.role !== 'case-handler') return user.jurisdictions;
    const absent = standsInFor(user.id, await rosters.leavesAt(now), now);
    if (absent.length === 0) return user.jurisdictions;
    const covered = await rosters.jurisdictionsOf(absent);
    return [...new Set([...user.jurisdictions, ...covered])];
  }

  async function issueRefresh(userId: string, familyId: string, now: Date): Promise<string> {
    const token = `hrt_${randomBytes(32).toString('base64url')}`;
    await users.insertRefreshToken({
      id: randomUUID(),
      hash: refreshTokenHash(token),
      userId,
      familyId,
      expiresAt: new Date(now.getTime() + settings.refreshTtlSeconds * 1000),
      at: now,
    });
    return token;
  }

  return {
    async forUser(user: UserRow, now: Date, familyId: string = randomUUID()): Promise<IssuedSession> {
      const accessToken = await sign(
        userTokenPayload({
          userId: user.id,
          role: user.role,
          jurisdictions: await jurisdictionsOf(user, now),
          ...(user.providerId ? { providerId: user.providerId } : {}),
        }),
        user.id,
        now,
      );
      return {
        accessToken,
        tokenType: 'Bearer',
        expiresIn: settings.accessTtlSeconds,
        refreshToken: await issueRefresh(user.id, familyId, now),
        refreshExpiresIn: settings.refreshTtlSeconds,
      };
    },
    forService: (service: string, now: Date) => sign(serviceTokenPayload(), service, now),
    accessTtlSeconds: settings.accessTtlSeconds,
  };
}

export type TokenIssuer = ReturnType<typeof createTokenIssuer>;
