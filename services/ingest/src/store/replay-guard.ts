import type { Redis } from 'ioredis';

export type ReplayGuard = ReturnType<typeof createReplayGuard>;

/**
 * Remembers every accepted request signature for as long as its timestamp could pass the
 * tolerance check (both directions), so a captured signed request cannot be sent twice, on any
 * replica.
 */
export function createReplayGuard(redis: Redis, toleranceSeconds: number) {
  return {
    /** True the first time a signature is seen, false for a replay. */
    async firstSighting(keyId: string, signature: string): Promise<boolean> {
      const set = await redis.set(
        `ingest:sig:${keyId}:${signature}`,
        '1',
        'EX',
        2 * toleranceSeconds + 60,
        'NX',
      );
      return set === 'OK';
    },
  };
}
