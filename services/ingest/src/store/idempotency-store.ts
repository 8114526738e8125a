import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

// The fast path of idempotency: one Redis key per (department, event id) for 24 h.
//   p|<fingerprint>|<token>         a request is publishing it now (expires on its own if that request dies)
//   a|<fingerprint>|<received ms>   it was accepted: a retry gets the original answer, nothing is published
// The fingerprint covers the event type and the exact bytes sent, so the same id with different
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

// One script call per slice of a batch instead of a command per line: the per-command cost in the
// client, not Redis itself, is what limits a 1,000-line batch. `SET … NX GET` takes a free key or
// returns what holds it, atomically; '' stands for "it was free" (Lua arrays cannot hold nil).
const RESERVE = `
local out = {}
for i, key in ipairs(KEYS) do
  local previous = redis.call('SET', key, ARGV[i + 1], 'PX', ARGV[1], 'NX', 'GET')
  out[i] = previous or ''
end
return out`;

const ACCEPT = `
for i, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[i + 1], 'EX', ARGV[1])
end
return #KEYS`;

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

// Keys per script call: bounds how long one call holds Redis (a few ms at most).
const SLICE = 1000;

type ScriptCall = (numberOfKeys: number, ...args: (string | number)[]) => Promise<unknown>;

export function createIdempotencyStore(redis: Redis, options: IdempotencyStoreOptions = {}) {
  const ttlSeconds = options.ttlSeconds ?? 86_400;
  const pendingMs = options.pendingMs ?? 60_000;
  const commands = redis as unknown as Record<string, ScriptCall>;
  if (!('ingestReserve' in redis)) {
    redis.defineCommand('ingestReserve', { lua: RESERVE });
    redis.defineCommand('ingestAccept', { lua: ACCEPT });
  }
  // A reservation's token tells this request's own pending mark from another's (for release);
  // unique per process and request without a random draw per request.
  const processToken = randomBytes(6).toString('hex');
  let sequence = 0;

  function reading(key: string, value: string, mine: string): Reservation {
    if (value === '') {
      return {
        state: 'reserved',
        release: async () => {
          await redis.eval(RELEASE, 1, key, mine);
        },
      };
    }
    const [state, fingerprint, extra] = value.split('|');
    if (state === 'a' && fingerprint !== undefined && extra !== undefined) {
      return { state: 'accepted', fingerprint, receivedAt: new Date(Number(extra)) };
    }
    return { state: 'in-flight' };
  }

  async function inSlices<T>(
    entries: readonly IdempotencyEntry[],
    call: (slice: readonly IdempotencyEntry[]) => Promise<T[]>,
  ): Promise<T[]> {
    if (entries.length <= SLICE) return call(entries);
    const calls: Promise<T[]>[] = [];
    for (let at = 0; at < entries.length; at += SLICE) calls.push(call(entries.slice(at, at + SLICE)));
    return (await Promise.all(calls)).flat();
  }

  return {
    /** Reserves each key that is free; says for the others what is known about them. */
    async reserve(entries: readonly IdempotencyEntry[]): Promise<Reservation[]> {
      const token = `${processToken}${(sequence++).toString(36)}`;
      const previous = await inSlices(entries, async (slice) => {
        const pending = slice.map((e) => `p|${e.fingerprint}|${token}`);
        return (await commands.ingestReserve?.call(
          redis,
          slice.length,
          ...slice.map((e) => e.key),
          pendingMs,
          ...pending,
        )) as string[];
      });
      return previous.map((value, i) => {
        const entry = entries[i] as IdempotencyEntry;
        return reading(entry.key, value, `p|${entry.fingerprint}|${token}`);
      });
    },

    /**
     * A pending mark for a key reserved before the body is read (by the admission script, in the
     * request's one round trip): the fingerprint is not known yet, and a pending mark is only ever
     * read as "in flight".
     */
    pendingMark(): string {
      return `p||${processToken}${(sequence++).toString(36)}`;
    },

    /** What the admission script found under `key` ('' when it reserved it with `mine`). */
    reservationOf(key: string, previous: string, mine: string): Reservation {
      return reading(key, previous, mine);
    },

    pendingMs,

    /** Marks keys accepted: from now on a retry gets the original answer. */
    async accept(entries: readonly IdempotencyEntry[], receivedAt: Date): Promise<void> {
      await this.acceptEach(entries.map((entry) => ({ entry, receivedAt })));
    },

    /** Marks keys accepted, each with its own time (many requests' keys in one script call). */
    async acceptEach(items: readonly { entry: IdempotencyEntry; receivedAt: Date }[]): Promise<void> {
      if (items.length === 0) return;
      const entries = items.map((item) => ({
        key: item.entry.key,
        fingerprint: `${item.entry.fingerprint}|${item.receivedAt.getTime()}`,
      }));
      await inSlices(entries, async (slice) => {
        await commands.ingestAccept?.call(
          redis,
          slice.length,
          ...slice.map((e) => e.key),
          ttlSeconds,
          ...slice.map((e) => `a|${e.fingerprint}`),
        );
        return [];
      });
    },
  };
}

export function idempotencyKey(department: string, eventId: string): string {
  return `ingest:idem:${department}:${eventId}`;
}
