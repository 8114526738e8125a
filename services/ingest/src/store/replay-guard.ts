import type { Redis } from 'ioredis';

export type ReplayGuard = ReturnType<typeof createReplayGuard>;

/** Where a seen signature is remembered (also used by the admission script). */
export function replayKey(keyId: string, signature: string): string {
  return `ingest:sig:${keyId}:${signature}`;
}

/** How long a seen signature is remembered: as long as its timestamp could pass, both ways. */
export function replayTtlSeconds(toleranceSeconds: number): number {
  return 2 * toleranceSeconds + 60;
}

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
        replayKey(keyId, signature),
        '1',
        'EX',
        replayTtlSeconds(toleranceSeconds),
        'NX',
      );
      return set === 'OK';
    },
  };
}
