import { afterEach, describe, expect, it } from 'vitest';
import { departmentCodes } from '../src/departments.ts';
import { devCredentials } from '../src/dev-credentials.ts';
import { createFeed, take } from '../src/generator/feed.ts';
import type { FeedEvent } from '../src/generator/feed-event.ts';
import { createHttpIngestClient, type HttpIngestClientOptions } from '../src/ingest-client.ts';
import { postFeed } from '../src/poster.ts';
import { SimulatorError } from '../src/simulator-error.ts';
import { type FakeIngest, startFakeIngest } from './support/fake-ingest.ts';

// The poster against a strict stand-in for ingest's HTTP API: what it sends, how it batches, and
// that a 503, a timeout or an "accepted but answered 503" is retried with the same key and bytes.

const NOW = new Date('2025-06-15T04:00:00Z');
const credentials = devCredentials();
const keys = Object.fromEntries(departmentCodes.map((d) => [d, credentials[d]?.apiKey ?? '']));

let fake: FakeIngest | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function client(url: string, overrides: Partial<HttpIngestClientOptions> = {}) {
  let retries = 0;
  const c = createHttpIngestClient({
    baseUrl: url,
    credentials,
    retryDelayMs: 1,
    onRetry: () => {
      retries++;
    },
    ...overrides,
  });
  return { client: c, retries: () => retries };
}

describe('posting a feed through ingest', () => {
  it('sends the initial load in single-type batches, section by section, and the trickle one by one', async () => {
    fake = await startFakeIngest({ keys });
    const feed = createFeed({ seed: 42, households: 40, now: NOW });
    const bulk = [...feed.bulk];
    const live = [...take(feed.live, 300)];
    const { client: c, retries } = client(fake.url);
    const result = await postFeed({
      client: c,
      bulk,
      live,
      batchSize: 100,
      rate: 100_000,
      events: 300,
      retries,
    });

    expect(fake.violations).toEqual([]);
    expect(result).toMatchObject({
      sent: bulk.length + 300,
      accepted: bulk.length + 300,
      rejected: 0,
      replayed: 0,
      retries: 0,
    });
    // Every event arrived exactly once, under its own id and from its own department.
    const arrived = fake.accepted.map((a) => `${a.department}|${a.type}|${a.id}`);
    expect(new Set(arrived).size).toBe(arrived.length);
    expect(new Set(arrived)).toEqual(
      new Set([...bulk, ...live].map((e) => `${e.department}|${e.type}|${e.id}`)),
    );
    // Payloads arrive byte for byte as generated.
    const byId = new Map(fake.accepted.map((a) => [a.id, a.body]));
    for (const e of [...bulk, ...live]) expect(byId.get(e.id)).toBe(JSON.stringify(e.payload));

    const batches = fake.requests.filter((r) => r.path.endsWith('/batch'));
    const singles = fake.requests.filter((r) => !r.path.endsWith('/batch'));
    expect(singles).toHaveLength(300);
    expect(
      singles.every(
        (r, i) => r.idempotencyKey === live[i]?.id || live.some((e) => e.id === r.idempotencyKey),
      ),
    ).toBe(true);
    for (const b of batches) expect(b.body.trimEnd().split('\n').length).toBeLessThanOrEqual(100);
    // Sections in order: no claim before the last household registration.
    const firstClaim = fake.accepted.findIndex((a) => a.type === 'huimin.feed.medical-expense.recorded.v1');
    const lastRegistration = fake.accepted.findLastIndex(
      (a) => a.type === 'huimin.feed.household.registered.v1',
    );
    expect(firstClaim).toBeGreaterThan(lastRegistration);
  });

  it('retries 503s, timeouts and lost answers with the same Idempotency-Key and the same bytes', async () => {
    fake = await startFakeIngest({ keys });
    const feed = createFeed({ seed: 8, households: 20, now: NOW });
    const bulk = [...feed.bulk];
    const live = [...take(feed.live, 40)];
    const batchKey = (events: FeedEvent[]) => `batch-${events[0]?.id}-${events.length}`;
    const firstBatch = bulk.filter((e) => e.type === bulk[0]?.type).slice(0, 10);
    const claims = bulk.filter((e) => e.type === 'huimin.feed.medical-expense.recorded.v1');
    const claimBatch = claims.slice(0, 10);
    fake.faults.set(batchKey(firstBatch), ['unavailable', 'unavailable']);
    fake.faults.set(batchKey(claimBatch), ['accept-then-unavailable']);
    fake.faults.set(live[3]?.id ?? '', ['unavailable']);
    fake.faults.set(live[5]?.id ?? '', ['hang']);
    fake.faults.set(live[7]?.id ?? '', ['accept-then-unavailable']);

    // Long enough that only the hung request times out, even on a loaded machine.
    const { client: c, retries } = client(fake.url, { timeoutMs: 3000 });
    const result = await postFeed({
      client: c,
      bulk,
      live,
      batchSize: 10,
      rate: 100_000,
      events: 40,
      retries,
    });

    expect(fake.violations).toEqual([]);
    expect(result.rejected).toBe(0);
    expect(result.accepted).toBe(bulk.length + live.length);
    // The two "accepted, then 503" cases come back as replays on the retry: 10 lines and 1 event.
    expect(result.replayed).toBe(11);
    expect(result.retries).toBe(2 + 1 + 1 + 1 + 1);
    // Each event is in ingest once, however often it was sent.
    expect(fake.accepted).toHaveLength(bulk.length + live.length);
    for (const key of [batchKey(firstBatch), batchKey(claimBatch), live[3]?.id, live[5]?.id, live[7]?.id]) {
      const attempts = fake.requests.filter((r) => r.idempotencyKey === key);
      expect(attempts.length, key).toBeGreaterThan(1);
      expect(new Set(attempts.map((a) => a.body)).size, key).toBe(1);
    }
  });

  it('signs every attempt afresh when the department signs', async () => {
    const secrets = devCredentials({ signed: true });
    fake = await startFakeIngest({
      keys,
      signingSecrets: Object.fromEntries(departmentCodes.map((d) => [d, secrets[d]?.signingSecret ?? ''])),
    });
    const feed = createFeed({ seed: 3, households: 5, now: NOW });
    const live = [...take(feed.live, 20)];
    fake.faults.set(live[0]?.id ?? '', ['unavailable']);
    const { client: c } = client(fake.url, { credentials: secrets });
    const result = await postFeed({ client: c, bulk: feed.bulk, live, rate: 100_000, events: 20 });
    expect(fake.violations).toEqual([]);
    expect(result.rejected).toBe(0);
    const attempts = fake.requests.filter((r) => r.idempotencyKey === live[0]?.id);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.signature).not.toBe(attempts[1]?.signature);
  });

  it('keeps a claim and its correction in order while many requests are in flight', async () => {
    const feed = createFeed({ seed: 12, households: 60, now: NOW });
    const live = [...take(feed.live, 1500)];
    const followUps = live.filter(
      (e) =>
        e.type === 'huimin.feed.medical-expense.corrected.v1' ||
        e.type === 'huimin.feed.medical-expense.reversed.v1',
    );
    expect(followUps.length).toBeGreaterThan(10);
    // Ingest is slow to answer for the claims that are corrected later, quick for everything else:
    // without per-key ordering the corrections would overtake them.
    const slow = new Set(
      followUps.map((f) =>
        (f.type === 'huimin.feed.medical-expense.corrected.v1'
          ? f.payload.correctsEventId
          : f.payload.retractsEventId
        )?.replace(/^[^:]+:/, ''),
      ),
    );
    fake = await startFakeIngest({ keys, delayMs: (key) => (slow.has(key) ? 400 : key.length % 3) });
    const { client: c } = client(fake.url);
    await postFeed({ client: c, live, rate: 100_000, liveConcurrency: 32, events: live.length });
    expect(fake.violations).toEqual([]);
    const order = new Map(fake.accepted.map((a, i) => [`${a.department}:${a.id}`, i]));
    for (const f of followUps) {
      const named =
        f.type === 'huimin.feed.medical-expense.corrected.v1'
          ? f.payload.correctsEventId
          : f.payload.retractsEventId;
      expect(order.get(named ?? ''), f.id).toBeLessThan(order.get(`${f.department}:${f.id}`) ?? -1);
    }
  });

  it('counts rejected events and says why, and stops the trickle after the requested claims', async () => {
    fake = await startFakeIngest({ keys });
    const feed = createFeed({ seed: 4, households: 10, now: NOW });
    const bulk = [...feed.bulk];
    const rejected = [bulk[2]?.id ?? '', bulk[bulk.length - 1]?.id ?? ''];
    for (const id of rejected) fake.rejectIds.add(id);
    const { client: c } = client(fake.url);
    const result = await postFeed({ client: c, bulk, live: feed.live, rate: 100_000, claims: 25 });
    expect(result.rejected).toBe(2);
    expect(result.rejections.map((r) => [r.id, r.code])).toEqual(rejected.map((id) => [id, 'EVENT_INVALID']));
    const liveClaims = fake.requests.filter(
      (r) => r.path === '/v1/events/huimin.feed.medical-expense.recorded.v1',
    );
    expect(liveClaims).toHaveLength(25);
    expect(result.claims).toBe(25);
  });

  it('stops with UNAUTHENTICATED on a key ingest does not know', async () => {
    fake = await startFakeIngest({ keys: { ...keys, 'household-registry': 'hmk_other_00' } });
    const feed = createFeed({ seed: 1, households: 5, now: NOW });
    const { client: c } = client(fake.url);
    const run = postFeed({ client: c, bulk: feed.bulk });
    await expect(run).rejects.toBeInstanceOf(SimulatorError);
    await expect(run).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('gives up with INGEST_UNAVAILABLE when ingest never answers definitely', async () => {
    fake = await startFakeIngest({ keys });
    const feed = createFeed({ seed: 1, households: 5, now: NOW });
    const [event] = [...take(feed.live, 1)];
    if (!event) throw new Error('no event');
    fake.faults.set(event.id, ['unavailable', 'unavailable', 'unavailable', 'unavailable']);
    const { client: c } = client(fake.url, { maxAttempts: 3 });
    await expect(c.sendOne(event)).rejects.toMatchObject({ code: 'INGEST_UNAVAILABLE' });
    expect(fake.requests.filter((r) => r.idempotencyKey === event.id)).toHaveLength(3);
    expect(fake.accepted).toHaveLength(0);
  });
});
