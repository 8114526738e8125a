import type { Redis } from 'ioredis';
import { TAKE_TOKENS_LUA } from './rate-limiter.ts';

// Everything a single-event request asks Redis before its body is looked at, in one script and so
// one round trip: spend a token of the department's live bucket; if allowed, remember the request's
// signature (replay guard) and reserve its event id (idempotency). Same keys and values as the
// separate stores (rate-limiter.ts, replay-guard.ts, idempotency-store.ts), so replicas running
// either path agree. A refused request reserves nothing and records no signature, as before.

const ADMIT = `
${TAKE_TOKENS_LUA}
local decision = take(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))
if decision[1] == 0 then return { 0, decision[2], -1, '-' } end
local fresh = -1
if ARGV[4] == '1' then
  fresh = redis.call('SET', KEYS[2], '1', 'EX', ARGV[5], 'NX') and 1 or 0
  if fresh == 0 then return { 1, '0', 0, '-' } end
end
local previous = '-'
if ARGV[6] == '1' then
  previous = redis.call('SET', KEYS[3], ARGV[8], 'PX', ARGV[7], 'NX', 'GET') or ''
end
return { 1, '0', fresh, previous }
`;

export interface AdmissionRequest {
  /** Rate bucket, e.g. `medical-insurance-bureau:live`. */
  bucket: string;
  ratePerSecond: number;
  burst: number;
  cost: number;
  /** The replay-guard key of the request's signature, when the department signs. */
  signatureKey?: string;
  signatureTtlSeconds?: number;
  /** The idempotency key to reserve and the pending mark to put there, when the request has one. */
  idempotency?: { key: string; pending: string; pendingMs: number };
}

export type Admission =
  | { allowed: false; retryAfterSeconds: number }
  /** `signatureFresh`: undefined when no signature was checked. `previous`: '' when reserved. */
  | { allowed: true; signatureFresh: boolean | undefined; previous: string | undefined };

export type AdmissionGate = ReturnType<typeof createAdmissionGate>;

export function createAdmissionGate(redis: Redis) {
  if (!('ingestAdmit' in redis)) redis.defineCommand('ingestAdmit', { numberOfKeys: 3, lua: ADMIT });
  const admit = (
    redis as unknown as Record<string, (...args: unknown[]) => Promise<[number, string, number, string]>>
  ).ingestAdmit as (...args: unknown[]) => Promise<[number, string, number, string]>;

  return {
    async admit(request: AdmissionRequest): Promise<Admission> {
      // Unused keys still need a name; they are never touched.
      const [allowed, wait, fresh, previous] = await admit.call(
        redis,
        `ingest:rate:${request.bucket}`,
        request.signatureKey ?? 'ingest:unused',
        request.idempotency?.key ?? 'ingest:unused',
        request.ratePerSecond,
        request.burst,
        request.cost,
        request.signatureKey === undefined ? '0' : '1',
        request.signatureTtlSeconds ?? 1,
        request.idempotency === undefined ? '0' : '1',
        request.idempotency?.pendingMs ?? 1,
        request.idempotency?.pending ?? '',
      );
      if (allowed !== 1) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(Number(wait))) };
      }
      return {
        allowed: true,
        signatureFresh: fresh === -1 ? undefined : fresh === 1,
        previous: previous === '-' ? undefined : previous,
      };
    },
  };
}
