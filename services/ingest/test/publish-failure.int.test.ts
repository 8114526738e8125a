import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topics } from '@huimin/contracts';
import { type RunningBroker, startBroker } from '@huimin/embedded-kafka';
import { createKafkaClient, createProducer, ensureTopics } from '@huimin/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestApp } from '../src/app.ts';
import { CLAIM, claim } from './support/fixtures.ts';
import { eventPath, headers, type IngestTestEnv, type Issued, startIngestEnv } from './support/ingest-env.ts';
import { readTopics } from './support/read-topic.ts';

// A broker of this test's own, so it can go away and come back while ingest keeps running.

let t: IngestTestEnv;
let broker: RunningBroker;
let dataDir: string;
let port: number;
let app: IngestApp;
let medical: Issued;
let producer: ReturnType<typeof createProducer>;
const kafka = () =>
  createKafkaClient({
    brokers: `127.0.0.1:${port}`,
    clientId: 'ingest-outage',
    logger: t.env.logger,
    // Fail fast instead of retrying for tens of seconds: the test is about what the caller sees.
    retry: { initialRetryTime: 50, retries: 1 },
  });

beforeAll(async () => {
  t = await startIngestEnv('ingest_outage');
  dataDir = await mkdtemp(join(tmpdir(), 'ingest-outage-'));
  broker = await startBroker({ port: 0, dataDir, logger: t.env.logger });
  port = broker.port;
  const client = kafka();
  await ensureTopics(client, {
    topics: [topics['huimin.feed.medical-expense']],
    mode: 'dev',
    logger: t.env.logger,
  });
  producer = createProducer(client);
  await producer.connect();
  app = await t.replica({}, { kafka: client, producer });
  medical = await t.issue('medical-insurance-bureau');
});

afterAll(async () => {
  await producer?.disconnect().catch(() => {});
  await broker?.close();
  await t?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('when Kafka fails during a publish', () => {
  it('the caller gets 503 (outcome unknown); the retry with the same key is published once', async () => {
    const body = JSON.stringify(claim({ claimId: 'YB-OUTAGE-1' }));
    const send = () =>
      app.server.inject({
        method: 'POST',
        url: eventPath(CLAIM),
        headers: headers(medical, { key: 'outage-1' }),
        payload: body,
      });

    await broker.close();
    const during = await send();
    expect(during.statusCode).toBe(503);
    expect(during.json().code).toBe('UNAVAILABLE');
    expect((await app.server.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);

    broker = await startBroker({ port, dataDir, logger: t.env.logger });
    let after = await send();
    // The producer reconnects on its own; the first attempt may still meet the old connection.
    for (let attempt = 0; attempt < 20 && after.statusCode === 503; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      after = await send();
    }
    expect(after.statusCode).toBe(202);
    expect((await send()).json().replayed).toBe(true);

    const records = await readTopics(kafka(), ['huimin.feed.medical-expense']);
    expect(records.filter((r) => r.headers.ce_id === 'medical-insurance-bureau:outage-1')).toHaveLength(1);
  });
});
