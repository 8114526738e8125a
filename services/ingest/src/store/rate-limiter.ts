import type { Redis } from 'ioredis';

// Token buckets in Redis, so a department's limit holds across every replica. Time is Redis's own
// clock (TIME inside the script), so replicas whose clocks drift still share one bucket fairly.

/** A Lua function `take(key, rate, burst, cost)` → `{ allowed 0|1, wait seconds as text }`. */
export const TAKE_TOKENS_LUA = `
local function take(key, rate, burst, cost)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
  local bucket = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(bucket[1])
  local at = tonumber(bucket[2])
  if tokens == nil or at == nil then tokens = burst; at = now end
  tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
  local allowed = 0
  local wait = 0
  if tokens >= cost then
    tokens = tokens - cost
    allowed = 1
  else
    wait = (cost - tokens) / rate
  end
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', key, math.ceil(burst / rate * 1000) + 1000)
  return { allowed, tostring(wait) }
end
`;

const TAKE = `
${TAKE_TOKENS_LUA}
return take(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))
`;

export interface Limit {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size: the most that can be spent at once. */
  burst: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type RateLimiter = ReturnType<typeof createRateLimiter>;

export function createRateLimiter(redis: Redis) {
  if (!('ingestTakeTokens' in redis)) redis.defineCommand('ingestTakeTokens', { numberOfKeys: 1, lua: TAKE });
  const take = (redis as unknown as Record<string, (...args: unknown[]) => Promise<[number, string]>>)
    .ingestTakeTokens as (
    key: string,
    rate: number,
    burst: number,
    cost: number,
  ) => Promise<[number, string]>;

  return {
    /** Spends `cost` tokens of the bucket, or says how long until that many are there. */
    async take(bucket: string, limit: Limit, cost: number): Promise<RateDecision> {
      const [allowed, wait] = await take.call(
        redis,
        `ingest:rate:${bucket}`,
        limit.ratePerSecond,
        limit.burst,
        cost,
      );
      if (allowed === 1) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(Number(wait))) };
    },
  };
}
