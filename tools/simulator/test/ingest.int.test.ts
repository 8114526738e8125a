import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The real ingest app, built the way its own integration tests build it (embedded broker, a fresh
// Postgres schema, a Redis db of its own), with the demo credentials its dev seed creates.
import { seedDevCredentials } from '../../../services/ingest/src/dev-credentials.ts';
import { departmentCodes } from '../../../services/ingest/src/domain/departments.ts';
import {
  feedTopics,
  type IngestTestEnv,
  startIngestEnv,
} from '../../../services/ingest/test/support/ingest-env.ts';
import { readTopics } from '../../../services/ingest/test/support/read-topic.ts';
import { devCredentials } from '../src/dev-credentials.ts';
import { createFeed, take } from '../src/generator/feed.ts';
import { createHttpIngestClient } from '../src/ingest-client.ts';
import { postFeed } from '../src/poster.ts';

let t: IngestTestEnv;
let url: string;

beforeAll(async () => {
  // Generous live limits: the test sends the trickle far faster than a department would.
  t = await startIngestEnv('simulator', { LIVE_RATE_PER_SECOND: 100_000, LIVE_BURST: 100_000 });
  await seedDevCredentials(t.admin, t.store);
  // Every department signs, so the simulator's signatures meet ingest's own check.
  for (const department of departmentCodes) await t.admin.setSigning(department, true);
  await t.refresh();
  await t.app.server.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.server.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await t?.close();
});

describe('the simulator against the real ingest', () => {
  // Scenario claims at live position 20 × 10 s = 200; the trickle is posted much faster here.
  const feed = createFeed({ seed: 2025, households: 40, now: new Date(), scenarios: 1, liveRate: 20 });
  const live = [...take(feed.live, 260)];
  const bulk = [...feed.bulk];

  it('gets every generated event accepted and published, the scenario claim under its announced id', async () => {
    let retries = 0;
    const client = createHttpIngestClient({
      baseUrl: url,
      credentials: devCredentials({ signed: true }),
      onRetry: () => {
        retries++;
      },
    });
    const result = await postFeed({ client, bulk, live, batchSize: 200, rate: 2_000, events: live.length });
    expect(result.rejections).toEqual([]);
    expect(result.accepted).toBe(bulk.length + live.length);
    expect(result.replayed).toBe(0);

    const records = await readTopics(t.env.kafka, feedTopics);
    expect(records).toHaveLength(bulk.length + live.length);
    expect(retries).toBe(0);
    const ceIds = new Set(records.map((r) => r.headers.ce_id));
    for (const e of [...bulk, ...live]) expect(ceIds.has(`${e.department}:${e.id}`)).toBe(true);
    const [scenario] = feed.scenarios;
    const crossing = records.find(
      (r) => r.headers.ce_id === `medical-insurance-bureau:${scenario?.crossingEventId}`,
    );
    expect(crossing?.topic).toBe('huimin.feed.medical-expense');
    expect(JSON.parse(crossing?.value ?? '{}').claimId).toBe(scenario?.crossingClaimId);
  });

  it('is deduplicated when the same seed is posted again the same day', async () => {
    const before = await t.publishedCount();
    const client = createHttpIngestClient({ baseUrl: url, credentials: devCredentials({ signed: true }) });
    const result = await postFeed({ client, bulk, live: live.slice(0, 50), batchSize: 250, rate: 2_000 });
    const sent = bulk.length + 50;
    expect(result.rejections).toEqual([]);
    expect(result).toMatchObject({ sent, accepted: sent, replayed: sent });
    expect(await t.publishedCount()).toBe(before);
  });
});
