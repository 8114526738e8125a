import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM, claim } from './support/fixtures.ts';
import { eventPath, headers, type IngestTestEnv, type Issued, startIngestEnv } from './support/ingest-env.ts';
import { readTopics } from './support/read-topic.ts';

let t: IngestTestEnv;
let medical: Issued;

beforeAll(async () => {
  t = await startIngestEnv('ingest_batch');
  medical = await t.issue('medical-insurance-bureau');
});

afterAll(async () => {
  await t?.close();
});

function postBatch(
  body: string | Buffer,
  key: string,
  issued: Issued = medical,
  contentType = 'application/x-ndjson',
) {
  return t.app.server.inject({
    method: 'POST',
    url: eventPath(CLAIM, true),
    headers: headers(issued, { key, contentType }),
    payload: body,
  });
}

const line = (id: unknown, data: unknown) => JSON.stringify({ id, data });

describe('an NDJSON batch', () => {
  it('publishes the good lines and reports each bad one with its pointers', async () => {
    const lines = [
      line('b1-ok-1', claim({ claimId: 'YB-B1-1' })),
      '{"id": "b1-broken", "data": {',
      line('b1-bad', claim({ claimId: 'YB-B1-3', totalCostFen: -5, inpatient: 'no' })),
      line('b1-ok-1', claim({ claimId: 'YB-B1-4' })),
      JSON.stringify({ id: 'b1-extra', data: claim(), note: 'x' }),
      '',
      line('b1-ok-2', claim({ claimId: 'YB-B1-6' })),
    ];
    const before = await t.publishedCount();
    const res = await postBatch(`${lines.join('\n')}\n`, 'batch-1');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ submissionId: 'batch-1', lines: 6, accepted: 2, rejected: 4 });
    expect(
      body.results.map((r: { line: number; status: string; code?: string }) => [r.line, r.status, r.code]),
    ).toEqual([
      [1, 'accepted', undefined],
      [2, 'rejected', 'MALFORMED_LINE'],
      [3, 'rejected', 'EVENT_INVALID'],
      [4, 'rejected', 'DUPLICATE_ID'],
      [5, 'rejected', 'MALFORMED_LINE'],
      [7, 'accepted', undefined],
    ]);
    expect(body.results[2].problems.map((p: { pointer: string }) => p.pointer).sort()).toEqual([
      '/data/inpatient',
      '/data/totalCostFen',
    ]);
    expect(body.results[4].problems).toEqual([
      { pointer: '/note', code: 'UNKNOWN_PROPERTY', message: expect.any(String) },
    ]);
    expect(await t.publishedCount()).toBe(before + 2);

    const published = (await readTopics(t.env.kafka, ['huimin.feed.medical-expense'])).filter((r) =>
      r.headers.ce_id?.startsWith('medical-insurance-bureau:b1-'),
    );
    expect(published.map((r) => [r.headers.ce_id, JSON.parse(r.value).claimId])).toEqual([
      ['medical-insurance-bureau:b1-ok-1', 'YB-B1-1'],
      ['medical-insurance-bureau:b1-ok-2', 'YB-B1-6'],
    ]);

    await t.receiptsWritten();
    const { rows } = await t.env.pool.query(
      `select line, event_id, outcome, reason, encode(body_sha256, 'hex') as sha
         from receipts where submission_id = 'batch-1' order by line`,
    );
    expect(rows.map((r) => [r.line, r.event_id, r.outcome, r.reason])).toEqual([
      [1, 'b1-ok-1', 'accepted', null],
      [2, null, 'rejected', 'MALFORMED_LINE'],
      [3, 'b1-bad', 'rejected', 'EVENT_INVALID'],
      [4, 'b1-ok-1', 'rejected', 'DUPLICATE_ID'],
      [5, 'b1-extra', 'rejected', 'MALFORMED_LINE'],
      [7, 'b1-ok-2', 'accepted', null],
    ]);
    expect(rows[0].sha).toBe(
      createHash('sha256')
        .update(lines[0] as string)
        .digest('hex'),
    );
  });

  it('retried with the same key: accepted lines come back replayed, nothing is published again', async () => {
    const body = [
      line('b2-1', claim({ claimId: 'YB-B2-1' })),
      line('b2-2', claim({ claimId: 'YB-B2-2' })),
    ].join('\n');
    const first = await postBatch(body, 'batch-2');
    expect(first.json().accepted).toBe(2);
    const before = await t.publishedCount();
    const second = await postBatch(body, 'batch-2');
    expect(second.statusCode).toBe(200);
    expect(second.json().results.map((r: { replayed: boolean }) => r.replayed)).toEqual([true, true]);
    expect(second.json().results.map((r: { receivedAt: string }) => r.receivedAt)).toEqual(
      first.json().results.map((r: { receivedAt: string }) => r.receivedAt),
    );
    expect(await t.publishedCount()).toBe(before);
  });

  it('an event id sent singly before is not published again from a batch', async () => {
    const data = claim({ claimId: 'YB-B3' });
    const single = await t.app.server.inject({
      method: 'POST',
      url: eventPath(CLAIM),
      headers: headers(medical, { key: 'b3-1' }),
      payload: JSON.stringify(data),
    });
    expect(single.statusCode).toBe(202);
    const before = await t.publishedCount();
    // Different bytes for the same id: refused, so a changed event is never silently dropped.
    const res = await postBatch(line('b3-1', data), 'batch-3');
    expect(res.json().results[0]).toMatchObject({ status: 'rejected', code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await t.publishedCount()).toBe(before);
  });

  it('more than 10,000 lines: 413, nothing published', async () => {
    const body = `${Array.from({ length: 10_001 }, (_, i) => line(`big-${i}`, claim({ claimId: `YB-BIG-${i}` }))).join('\n')}`;
    const before = await t.publishedCount();
    const res = await postBatch(body, 'batch-big');
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('BATCH_TOO_LARGE');
    expect(await t.publishedCount()).toBe(before);
  });

  it('more than 16 MiB: 413, nothing published', async () => {
    const filler = 'x'.repeat(16 * 1024 * 1024);
    const before = await t.publishedCount();
    const res = await postBatch(`${line('huge-1', claim())}\n${filler}`, 'batch-huge');
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
    expect(await t.publishedCount()).toBe(before);
  });

  it('a batch of 10,000 lines is accepted whole', async () => {
    const body = Array.from({ length: 10_000 }, (_, i) =>
      line(`full-${i}`, claim({ claimId: `YB-FULL-${i}` })),
    ).join('\n');
    const before = await t.publishedCount();
    const res = await postBatch(body, 'batch-full');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ lines: 10_000, accepted: 10_000, rejected: 0 });
    expect(await t.publishedCount()).toBe(before + 10_000);
  });

  it('JSON instead of NDJSON: 415', async () => {
    const res = await postBatch(line('j-1', claim()), 'batch-json', medical, 'application/json');
    expect(res.statusCode).toBe(415);
  });

  it('an empty batch: 400', async () => {
    const res = await postBatch('\n\n', 'batch-empty');
    expect(res.statusCode).toBe(400);
  });
});

describe('receipts', () => {
  it('a department reads what became of its submission; another department sees nothing', async () => {
    await postBatch([line('r-1', claim({ claimId: 'YB-R-1' })), '{"id":"r-2"}'].join('\n'), 'receipt-batch');
    const res = await t.app.server.inject({
      method: 'GET',
      url: '/v1/receipts/receipt-batch',
      headers: { authorization: `Bearer ${medical.apiKey}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().receipts).toEqual([
      expect.objectContaining({
        line: 1,
        id: 'r-1',
        ceId: 'medical-insurance-bureau:r-1',
        outcome: 'accepted',
      }),
      expect.objectContaining({
        line: 2,
        id: 'r-2',
        ceId: null,
        outcome: 'rejected',
        reason: 'MALFORMED_LINE',
      }),
    ]);

    const byEvent = await t.app.server.inject({
      method: 'GET',
      url: '/v1/receipts/r-1',
      headers: { authorization: `Bearer ${medical.apiKey}` },
    });
    expect(byEvent.json().receipts).toHaveLength(1);

    const other = await t.issue('grid-management');
    const denied = await t.app.server.inject({
      method: 'GET',
      url: '/v1/receipts/receipt-batch',
      headers: { authorization: `Bearer ${other.apiKey}` },
    });
    expect(denied.statusCode).toBe(404);
    expect(denied.json().code).toBe('RECEIPT_NOT_FOUND');
  });
});
