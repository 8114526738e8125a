import type { Redis } from 'ioredis';
import { TAKE_TOKENS_LUA } from './rate-limiter.ts';

// Everything a single-event request asks Redis before its body is looked at, in one script: spend a
// token of the department's live bucket; if allowed, remember the request's signature (replay
// guard) and reserve its event id (idempotency). Same keys and values as the separate stores
// (rate-limiter.ts, replay-guard.ts, idempotency-store.ts), so replicas running either path agree.
// A refused request reserves nothing and records no signature.
//
// The requests that arrive while a call is in flight go together in the next one (up to
// MAX_PER_CALL), each handled in turn inside the script exactly as if alone: one Redis round trip
// per request at most, and under load a fraction of one, with the client's per-command cost shared.

const ADMIT_MANY = `
${TAKE_TOKENS_LUA}
local out = {}
for i = 0, #KEYS / 3 - 1 do
  local k = i * 3
  local a = i * 8
  local decision = take(KEYS[k + 1], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]))
  local allowed, wait, fresh, previous = 0, decision[2], -1, '-'
  if decision[1] == 1 then
    allowed = 1
    wait = '0'
    if ARGV[a + 4] == '1' then
      fresh = redis.call('SET', KEYS[k + 2], '1', 'EX', ARGV[a + 5], 'NX') and 1 or 0
    end
    if fresh ~= 0 and ARGV[a + 6] == '1' then
      previous = redis.call('SET', KEYS[k + 3], ARGV[a + 8], 'PX', ARGV[a + 7], 'NX', 'GET') or ''
    end
  end
  out[#out + 1] = allowed
  out[#out + 1] = wait
  out[#out + 1] = fresh
  out[#out + 1] = previous
end
return out
`;

const MAX_PER_CALL = 500;

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

interface Waiting {
  request: AdmissionRequest;
  resolve(admission: Admission): void;
  reject(err: unknown): void;
}

export function createAdmissionGate(redis: Redis) {
  if (!('ingestAdmitMany' in redis)) redis.defineCommand('ingestAdmitMany', { lua: ADMIT_MANY });
  const admitMany = (redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown[]>>)
    .ingestAdmitMany as (...args: unknown[]) => Promise<unknown[]>;
  let queue: Waiting[] = [];
  let calling = false;

  async function call(batch: readonly Waiting[]): Promise<Admission[]> {
    const keys: string[] = [];
    const args: (string | number)[] = [];
    for (const { request } of batch) {
      // Unused keys still need a name; they are never touched.
      keys.push(
        `ingest:rate:${request.bucket}`,
        request.signatureKey ?? 'ingest:unused',
        request.idempotency?.key ?? 'ingest:unused',
      );
      args.push(
        request.ratePerSecond,
        request.burst,
        request.cost,
        request.signatureKey === undefined ? '0' : '1',
        request.signatureTtlSeconds ?? 1,
        request.idempotency === undefined ? '0' : '1',
        request.idempotency?.pendingMs ?? 1,
        request.idempotency?.pending ?? '',
      );
    }
    const flat = await admitMany.call(redis, keys.length, ...keys, ...args);
    return batch.map((_, i): Admission => {
      const [allowed, wait, fresh, previous] = flat.slice(i * 4, i * 4 + 4) as [
        number,
        string,
        number,
        string,
      ];
      if (allowed !== 1) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(Number(wait))) };
      return {
        allowed: true,
        signatureFresh: fresh === -1 ? undefined : fresh === 1,
        previous: previous === '-' ? undefined : previous,
      };
    });
  }

  function pump(): void {
    if (calling || queue.length === 0) return;
    const batch = queue.slice(0, MAX_PER_CALL);
    queue = queue.slice(batch.length);
    calling = true;
    call(batch)
      .then(
        (admissions) => {
          batch.forEach((w, i) => {
            w.resolve(admissions[i] as Admission);
          });
        },
        (err: unknown) => {
          for (const w of batch) w.reject(err);
        },
      )
      .finally(() => {
        calling = false;
        pump();
      });
  }

  return {
    admit(request: AdmissionRequest): Promise<Admission> {
      return new Promise((resolve, reject) => {
        queue.push({ request, resolve, reject });
        pump();
      });
    },
  };
}
