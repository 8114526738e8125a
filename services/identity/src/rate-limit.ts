import type { Redis } from 'ioredis';

export interface RateLimit {
  /** Counts one attempt for `subject`; `allowed` false past the limit, with the seconds to wait. */
  hit(subject: string): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}

/**
 * A fixed-window counter in Redis, so the limit holds across replicas. The window is taken from
 * the injected clock; the key expires a window after it closes.
 */
export function createRateLimit(
  redis: Redis,
  options: { name: string; limit: number; windowSeconds: number; now: () => Date },
): RateLimit {
  const windowMs = options.windowSeconds * 1000;
  return {
    async hit(subject) {
      const at = options.now().getTime();
      const window = Math.floor(at / windowMs);
      const key = `identity:rate:${options.name}:${subject}:${window}`;
      const replies = await redis
        .multi()
        .incr(key)
        .expire(key, options.windowSeconds * 2)
        .exec();
      const count = Number(replies?.[0]?.[1] ?? 0);
      if (replies === null || replies.some(([err]) => err))
        throw new Error(`rate limit ${options.name}: redis refused`);
      return {
        allowed: count <= options.limit,
        retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * windowMs - at) / 1000)),
      };
    },
  };
}

/**
 * The caller's address for rate limits. Behind `trustedProxyHops` reverse proxies (ingress, load
 * balancer) the socket address is the proxy's; the client is then the entry that many hops from
 * the right of X-Forwarded-For (the entries left of it are the client's to forge).
 */
export function clientAddress(
  socketAddress: string,
  forwardedFor: string | string[] | undefined,
  trustedProxyHops: number,
): string {
  if (trustedProxyHops === 0) return socketAddress;
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return chain[chain.length - trustedProxyHops] ?? chain[0] ?? socketAddress;
}
