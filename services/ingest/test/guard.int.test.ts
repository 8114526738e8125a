import { randomUUID } from 'node:crypto';
import { createKafkaClient } from '@huimin/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestApp } from '../src/app.ts';
import { signatureHeader } from '../src/domain/signature.ts';
import { connectRedis } from '../src/store/redis-client.ts';
import { CLAIM, claim, SIGNAL } from './support/fixtures.ts';
import { eventPath, headers, type IngestTestEnv, type Issued, startIngestEnv } from './support/ingest-env.ts';
import { startTcpProxy } from './support/tcp-proxy.ts';

let t: IngestTestEnv;
let signer: Issued;

beforeAll(async () => {
  t = await startIngestEnv('ingest_guard');
  signer = await t.issue('medical-insurance-bureau', { signing: true });
});

afterAll(async () => {
  await t?.close();
});

const path = eventPath(CLAIM);

function send(extra: Record<string, string>, body: string, app: IngestApp = t.app, url = path) {
  return app.server.inject({
    method: 'POST',
    url,
    headers: { ...headers(signer), ...extra },
    payload: body,
  });
}

function sign(body: string, options: { at?: number; secret?: string; url?: string } = {}) {
  return signatureHeader({
    secret: options.secret ?? signer.signingSecret,
    timestamp: options.at ?? Math.floor(Date.now() / 1000),
    nonce: randomUUID(),
    method: 'POST',
    path: options.url ?? path,
    body: Buffer.from(body),
  });
}

describe('a department that signs', () => {
  const body = JSON.stringify(claim({ claimId: 'YB-SIGNED' }));

  it('a fresh, correct signature is accepted', async () => {
    const res = await send({ 'x-huimin-signature': sign(body) }, body);
    expect(res.statusCode).toBe(202);
  });

  const refusals: { name: string; header: () => string | undefined; reason: string; sent?: string }[] = [
    { name: 'unsigned', header: () => undefined, reason: 'missing' },
    { name: 'malformed', header: () => 't=1,v1=abc', reason: 'malformed' },
    { name: 'without a nonce', header: () => sign(body).replace(/n=[^,]+,/, ''), reason: 'malformed' },
    {
      name: 'stale (6 minutes old)',
      header: () => sign(body, { at: Math.floor(Date.now() / 1000) - 360 }),
      reason: 'stale',
    },
    {
      name: 'from the future (6 minutes ahead)',
      header: () => sign(body, { at: Math.floor(Date.now() / 1000) + 360 }),
      reason: 'stale',
    },
    {
      name: 'forged with another secret',
      header: () => sign(body, { secret: `hms_${'1'.repeat(64)}` }),
      reason: 'mismatch',
    },
    {
      name: 'the body changed after signing',
      header: () => sign(body),
      sent: body.replace('YB-SIGNED', 'YB-TAMPER'),
      reason: 'mismatch',
    },
    {
      name: "signed for another type's path",
      header: () => sign(body, { url: eventPath('huimin.feed.medical-expense.corrected.v1') }),
      reason: 'mismatch',
    },
  ];
  for (const r of refusals) {
    it(`${r.name}: 401, nothing published`, async () => {
      const before = await t.publishedCount();
      const header = r.header();
      const res = await send(header === undefined ? {} : { 'x-huimin-signature': header }, r.sent ?? body);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'SIGNATURE_INVALID', details: { reason: r.reason } });
      expect(await t.publishedCount()).toBe(before);
    });
  }

  it('replayed (the same signed request again, even on another replica): 401', async () => {
    const other = await t.replica();
    const replayBody = JSON.stringify(claim({ claimId: 'YB-REPLAY' }));
    const signed = { 'x-huimin-signature': sign(replayBody), 'idempotency-key': 'replay-1' };
    expect((await send(signed, replayBody)).statusCode).toBe(202);
    const before = await t.publishedCount();
    const again = await send(signed, replayBody, other);
    expect(again.statusCode).toBe(401);
    expect(again.json().details).toEqual({ reason: 'replayed' });
    expect(await t.publishedCount()).toBe(before);
    // A genuine retry signs again and gets the original answer.
    const retry = await send(
      { 'x-huimin-signature': sign(replayBody), 'idempotency-key': 'replay-1' },
      replayBody,
      other,
    );
    expect(retry.statusCode).toBe(202);
    expect(retry.json().replayed).toBe(true);
  });
});

describe('grants narrower than a type', () => {
  it('human resources may report unemployment signals but not grid-worker reports', async () => {
    const hr = await t.issue('human-resources');
    const signal = {
      signalId: 'RS-2025-001',
      residentId: claim().patientResidentId,
      businessDate: '2025-03-12',
      kind: 'unemployment',
      reportedBy: 'human-resources',
      communityCode: '320585100001',
      detail: '',
    };
    const ok = await t.app.server.inject({
      method: 'POST',
      url: eventPath(SIGNAL),
      headers: headers(hr),
      payload: JSON.stringify(signal),
    });
    expect(ok.statusCode).toBe(202);
    const before = await t.publishedCount();
    const refused = await t.app.server.inject({
      method: 'POST',
      url: eventPath(SIGNAL),
      headers: headers(hr),
      payload: JSON.stringify({
        ...signal,
        signalId: 'RS-2025-002',
        kind: 'grid-worker-report',
        reportedBy: 'grid-management',
      }),
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().details.map((d: { pointer: string }) => d.pointer)).toEqual([
      '/kind',
      '/reportedBy',
    ]);
    expect(await t.publishedCount()).toBe(before);
  });
});

describe('rate limits held in Redis', () => {
  it('hold across two replicas: the fourth request in a burst of three is 429 with Retry-After', async () => {
    const grid = await t.issue('grid-management');
    await t.store.setRateLimits('grid-management', { liveRatePerSecond: 0.001, liveBurst: 3 });
    const second = await t.replica();
    await t.refresh();
    const signal = (n: number) =>
      JSON.stringify({
        signalId: `WG-RATE-${n}`,
        householdId: 'HH-320585109002-0033',
        businessDate: '2025-03-12',
        kind: 'grid-worker-report',
        reportedBy: 'grid-management',
        communityCode: '320585109002',
        detail: '独居老人，需上门核实。',
      });
    const statuses: number[] = [];
    for (const [n, app] of [t.app, second, t.app].entries()) {
      const res = await app.server.inject({
        method: 'POST',
        url: eventPath(SIGNAL),
        headers: headers(grid),
        payload: signal(n),
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([202, 202, 202]);
    const before = await t.publishedCount();
    const limited = await second.server.inject({
      method: 'POST',
      url: eventPath(SIGNAL),
      headers: headers(grid),
      payload: signal(4),
    });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.json().code).toBe('TOO_MANY_REQUESTS');
    expect(await t.publishedCount()).toBe(before);
  });

  it('bulk has its own bucket, charged per line', async () => {
    const registry = await t.issue('household-registry');
    await t.store.setRateLimits('household-registry', { bulkRatePerSecond: 0.001, bulkBurst: 10 });
    await t.refresh();
    const batch = (prefix: string) =>
      Array.from({ length: 6 }, (_, i) =>
        JSON.stringify({
          id: `${prefix}-${i}`,
          data: { householdId: `HH-${prefix}-${i}`, businessDate: '2025-02-10', reason: 'moved-away' },
        }),
      ).join('\n');
    const post = (body: string, key: string) =>
      t.app.server.inject({
        method: 'POST',
        url: eventPath('huimin.feed.household.dissolved.v1', true),
        headers: headers(registry, { key, contentType: 'application/x-ndjson' }),
        payload: body,
      });
    expect((await post(batch('bulk-a'), 'bulk-a')).json().accepted).toBe(6);
    const limited = await post(batch('bulk-b'), 'bulk-b');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The live bucket is untouched by bulk traffic.
    const live = await t.app.server.inject({
      method: 'POST',
      url: eventPath('huimin.feed.household.dissolved.v1'),
      headers: headers(registry),
      payload: JSON.stringify({ householdId: 'HH-live-1', businessDate: '2025-02-10', reason: 'moved-away' }),
    });
    expect(live.statusCode).toBe(202);
  });
});

describe('when a dependency is unreachable', () => {
  it('is ready with Kafka, Redis and Postgres reachable', async () => {
    const res = await t.app.server.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
  });

  it('/readyz fails naming Kafka, then Redis; a POST meanwhile is 503, never 500', async () => {
    const redisUrl = new URL(t.env.redisUrl);
    const proxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    redisUrl.port = String(proxy.port);
    const redis = await connectRedis(redisUrl.toString());
    const deadKafka = createKafkaClient({
      brokers: '127.0.0.1:1',
      clientId: 'unreachable',
      logger: t.env.logger,
      retry: { retries: 0 },
    });
    const app = await t.replica({}, { redis, kafka: deadKafka });
    const failing = async () => {
      const res = await app.server.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      return res.json().failing.map((f: { name: string }) => f.name);
    };
    expect(await failing()).toEqual(['kafka']);

    await proxy.close();
    expect(await failing()).toEqual(['kafka', 'redis']);
    const before = await t.publishedCount();
    const body = JSON.stringify(claim({ claimId: 'YB-NO-REDIS' }));
    const res = await send({ 'x-huimin-signature': sign(body) }, body, app);
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('UNAVAILABLE');
    expect(await t.publishedCount()).toBe(before);
  });
});
