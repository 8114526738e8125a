import type { Redis } from 'ioredis';

/**
 * Wrong passwords counted per (username, client address), in Redis so replicas share them. The
 * first `freeFailures` cost nothing; from then on that username is refused from that address for a
 * delay that doubles with each further failure, up to `maxDelaySeconds` (OWASP Authentication Cheat
 * Sheet: throttle per account and source rather than lock the account for everyone). A password
 * that works clears the count. Someone else's address is never slowed, so one client cannot lock a
 * person out; the per-username ceiling (the account lock after LOCKOUT_THRESHOLD failures in a row,
 * NIST SP 800-63B §5.2.2) is left for attacks spread over many addresses.
 */
export interface LoginThrottle {
  /** Seconds until this username may be tried from this address again; 0 when it may now. */
  waitSeconds(username: string, address: string): Promise<number>;
  /** Counts a wrong password; the seconds the pair must now wait (0 while failures are free). */
  failed(username: string, address: string): Promise<number>;
  succeeded(username: string, address: string): Promise<void>;
}

export interface LoginThrottlePolicy {
  freeFailures: number;
  firstDelaySeconds: number;
  maxDelaySeconds: number;
  now: () => Date;
}

/** Forgotten after a quiet day: the count is about a burst of guesses, not a record. */
const FORGET_MS = 86_400_000;

// Atomic so failures sent in parallel each count and the delay never shrinks.
const FAIL = `
local n = redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
local free = tonumber(ARGV[2])
if n < free then return 0 end
local delay = math.min(tonumber(ARGV[3]) * 2 ^ (n - free), tonumber(ARGV[4]))
local untilMs = tonumber(ARGV[1]) + delay
local current = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if untilMs > current then redis.call('HSET', KEYS[1], 'until', untilMs) else untilMs = current end
return untilMs - tonumber(ARGV[1])
`;

export function createLoginThrottle(redis: Redis, policy: LoginThrottlePolicy): LoginThrottle {
  const key = (username: string, address: string) =>
    `identity:login-failures:${encodeURIComponent(username.toLowerCase())}:${encodeURIComponent(address)}`;
  const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));
  return {
    async waitSeconds(username, address) {
      const until = Number((await redis.hget(key(username, address), 'until')) ?? 0);
      return seconds(until - policy.now().getTime());
    },
    async failed(username, address) {
      const waitMs = await redis.eval(
        FAIL,
        1,
        key(username, address),
        policy.now().getTime(),
        policy.freeFailures,
        policy.firstDelaySeconds * 1000,
        policy.maxDelaySeconds * 1000,
        FORGET_MS,
      );
      return seconds(Number(waitMs));
    },
    async succeeded(username, address) {
      await redis.del(key(username, address));
    },
  };
}
