import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

// The fast path of idempotency: one Redis key per (department, event id) for 24 h.
//   p|<fingerprint>|<token>         a request is publishing it now (expires on its own if that request dies)
//   a|<fingerprint>|<received ms>   it was accepted: a retry gets the original answer, nothing is published
// The fingerprint hashes the event type and the exact bytes sent, so the same id with different
// content is refused rather than silently answered with another event's result. After a Redis
// loss the consumers' inboxes still drop a re-published event: it carries the same ce_id.

export type Reservation =
  | { state: 'reserved'; release(): Promise<void> }
  | { state: 'accepted'; fingerprint: string; receivedAt: Date }
  | { state: 'in-flight' };

export interface IdempotencyEntry {
  key: string;
  fingerprint: string;
}

export interface IdempotencyStoreOptions {
  /** How long an accepted id is remembered (the retry window), seconds; default 24 h. */
  ttlSeconds?: number;
  /** How long a reservation holds if its request never finishes; default 60 s. */
  pendingMs?: number;
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export function createIdempotencyStore(redis: Redis, options: IdempotencyStoreOptions = {}) {
  const ttlSeconds = options.ttlSeconds ?? 86_400;
  const pendingMs = options.pendingMs ?? 60_000;

  return {
    /** Reserves each key that is free; says for the others what is known about them. */
    async reserve(entries: readonly IdempotencyEntry[]): Promise<Reservation[]> {
      const token = randomBytes(6).toString('hex');
      // SET … NX GET: one atomic step that either takes the key or returns what holds it.
      const previous = await Promise.all(
        entries.map(({ key, fingerprint }) =>
          redis.set(key, `p|${fingerprint}|${token}`, 'PX', pendingMs, 'NX', 'GET'),
        ),
      );
      return previous.map((value, i): Reservation => {
        const entry = entries[i] as IdempotencyEntry;
        if (value === null) {
          const mine = `p|${entry.fingerprint}|${token}`;
          return {
            state: 'reserved',
            release: async () => {
              await redis.eval(RELEASE, 1, entry.key, mine);
            },
          };
        }
        const [state, fingerprint, extra] = value.split('|');
        if (state === 'a' && fingerprint !== undefined && extra !== undefined) {
          return { state: 'accepted', fingerprint, receivedAt: new Date(Number(extra)) };
        }
        return { state: 'in-flight' };
      });
    },

    /** Marks keys accepted: from now on a retry gets the original answer. */
    async accept(entries: readonly IdempotencyEntry[], receivedAt: Date): Promise<void> {
      await Promise.all(
        entries.map(({ key, fingerprint }) =>
          redis.set(key, `a|${fingerprint}|${receivedAt.getTime()}`, 'EX', ttlSeconds),
        ),
      );
    },
  };
}

export function idempotencyKey(department: string, eventId: string): string {
  return `ingest:idem:${department}:${eventId}`;
}
