import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { serviceTokenPayload, signToken, userTokenPayload } from '@huimin/auth';
import type { SigningKeys } from './keys.ts';
import type { IdentityStore, UserRow } from './store/identity-store.ts';

export interface TokenSettings {
  issuer: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('base64url');

/** Issues access and refresh tokens; refresh tokens are random, stored only as hashes. */
export function createTokenIssuer(keys: SigningKeys, store: IdentityStore, settings: TokenSettings) {
  const sign = (payload: Parameters<typeof signToken>[0], subject: string, now: Date) =>
    signToken(payload, {
      subject,
      issuer: settings.issuer,
      key: keys.active.key,
      kid: keys.active.kid,
      ttlSeconds: settings.accessTtlSeconds,
      now,
    });

  async function issueRefresh(userId: string, familyId: string, now: Date): Promise<string> {
    const token = `hrt_${randomBytes(32).toString('base64url')}`;
    await store.insertRefreshToken({
      id: randomUUID(),
      hash: sha256(token),
      userId,
      familyId,
      expiresAt: new Date(now.getTime() + settings.refreshTtlSeconds * 1000),
    });
    return token;
  }

  return {
    async forUser(user: UserRow, now: Date, familyId: string = randomUUID()) {
      const accessToken = await sign(
        userTokenPayload({
          userId: user.id,
          role: user.role,
          jurisdictions: user.jurisdictions,
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
      };
    },
    forService: (service: string, now: Date) => sign(serviceTokenPayload(), service, now),
    accessTtlSeconds: settings.accessTtlSeconds,
  };
}
