import { createHash } from 'node:crypto';
import { MedicalExpenseRecorded, syntheticResidentId } from '@huimin/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM, claim, HOUSEHOLD, household, residentIdWithWrongCheck } from './support/fixtures.ts';
import { eventPath, headers, type IngestTestEnv, type Issued, startIngestEnv } from './support/ingest-env.ts';
import { readTopics } from './support/read-topic.ts';

let t: IngestTestEnv;
let medical: Issued;
let registry: Issued;

beforeAll(async () => {
  t = await startIngestEnv('ingest_events');
  medical = await t.issue('medical-insurance-bureau');
  registry = await t.issue('household-registry');
});

afterAll(async () => {
  await t?.close();
});

function post(issued: Issued, type: string, body: unknown, options: Parameters<typeof headers>[1] = {}) {
  return t.app.server.inject({
    method: 'POST',
    url: `/v1/events/${type}`,
    headers: headers(issued, options),
    payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
}

/** Runs `act` and says how many records reached the feed topics meanwhile. */
async function publishedDuring(act: () => Promise<unknown>): Promise<number> {
  const before = await t.publishedCount();
  await act();
  return (await t.publishedCount()) - before;
}

describe('a single event', () => {
  it('is on its feed topic, keyed and with CloudEvents headers, before the 202', async () => {
    const body = JSON.stringify(claim({ claimId: 'YB-SINGLE-1' }));
    const res = await post(medical, CLAIM, body, { key: 'claim-single-1' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      status: 'accepted',
      id: 'claim-single-1',
      ceId: 'medical-insurance-bureau:claim-single-1',
      type: CLAIM,
      replayed: false,
    });

    const records = (await readTopics(t.env.kafka, ['huimin.feed.medical-expense'])).filter(
      (r) => r.headers.ce_id === 'medical-insurance-bureau:claim-single-1',
    );
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record?.key).toBe(MedicalExpenseRecorded.example.patientResidentId);
    expect(record?.headers).toMatchObject({
      ce_type: CLAIM,
      ce_source: '/huimin/ingest/medical-insurance-bureau',
      ce_specversion: '1.0',
      'content-type': 'application/json',
    });
    expect(JSON.parse(record?.value ?? '')).toEqual(JSON.parse(body));

    await t.receiptsWritten();
    const { rows } = await t.env.pool.query(
      `select outcome, type, encode(body_sha256, 'hex') as sha from receipts where submission_id = 'claim-single-1'`,
    );
    expect(rows).toEqual([
      { outcome: 'accepted', type: CLAIM, sha: createHash('sha256').update(body).digest('hex') },
    ]);
  });

  it('retried with the same Idempotency-Key: the original answer, one record on the topic', async () => {
    const body = JSON.stringify(claim({ claimId: 'YB-RETRY-1' }));
    const first = await post(medical, CLAIM, body, { key: 'claim-retry-1' });
    expect(first.statusCode).toBe(202);
    let second: Awaited<ReturnType<typeof post>> | undefined;
    const published = await publishedDuring(async () => {
      second = await post(medical, CLAIM, body, { key: 'claim-retry-1' });
    });
    expect(second?.statusCode).toBe(202);
    expect(second?.headers['idempotent-replayed']).toBe('true');
    expect(second?.json()).toEqual({ ...first.json(), replayed: true });
    expect(published).toBe(0);
    const records = await readTopics(t.env.kafka, ['huimin.feed.medical-expense']);
    expect(records.filter((r) => r.headers.ce_id === 'medical-insurance-bureau:claim-retry-1')).toHaveLength(
      1,
    );
  });

  it('the same Idempotency-Key with a different body is refused (422), nothing published', async () => {
    expect(
      (await post(medical, CLAIM, claim({ claimId: 'YB-REUSE-1' }), { key: 'claim-reuse' })).statusCode,
    ).toBe(202);
    let res: Awaited<ReturnType<typeof post>> | undefined;
    expect(
      await publishedDuring(async () => {
        res = await post(medical, CLAIM, claim({ claimId: 'YB-REUSE-2' }), { key: 'claim-reuse' });
      }),
    ).toBe(0);
    expect(res?.statusCode).toBe(422);
    expect(res?.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('two departments using the same key publish two distinct events', async () => {
    const assistance = await t.issue('assistance-system');
    const a = await post(medical, CLAIM, claim({ claimId: 'YB-SHARED' }), { key: 'shared-key' });
    const b = await post(
      assistance,
      'huimin.feed.household-assets.reported.v1',
      {
        householdId: 'HH-1',
        businessDate: '2025-01-10',
        financialAssetsFen: 100,
        vehicleCount: 0,
        hasNonEssentialVehicle: false,
        propertyCount: 1,
      },
      { key: 'shared-key' },
    );
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect(a.json().ceId).not.toBe(b.json().ceId);
  });
});

describe('bad input: a clear error, nothing published', () => {
  const today = new Date().toISOString().slice(0, 10);
  const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);

  const cases: {
    name: string;
    send: () => ReturnType<typeof post>;
    status: number;
    code: string;
    pointers?: string[];
  }[] = [
    {
      name: 'malformed JSON',
      send: () => post(medical, CLAIM, '{"claimId": '),
      status: 400,
      code: 'MALFORMED_JSON',
    },
    {
      name: 'invalid UTF-8',
      send: () => post(medical, CLAIM, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])),
      status: 400,
      code: 'MALFORMED_JSON',
    },
    {
      name: 'wrong content type',
      send: () => post(medical, CLAIM, JSON.stringify(claim()), { contentType: 'text/plain' }),
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: 'NDJSON sent to the single-event route',
      send: () => post(medical, CLAIM, JSON.stringify(claim()), { contentType: 'application/x-ndjson' }),
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: 'a body over the limit',
      send: () => post(medical, CLAIM, JSON.stringify(claim({ note: 'x'.repeat(1024 * 1024) }))),
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
    {
      name: 'an unknown event type',
      send: () => post(medical, 'huimin.feed.weather.reported.v1', claim()),
      status: 404,
      code: 'UNKNOWN_EVENT_TYPE',
    },
    {
      name: "a type that is not a feed (a service's own event)",
      send: () => post(medical, 'huimin.risk.flagged.v1', claim()),
      status: 404,
      code: 'UNKNOWN_EVENT_TYPE',
    },
    {
      name: 'schema violations, every one with its pointer',
      send: () =>
        post(medical, CLAIM, { ...claim({ inpatient: 'yes', extra: 1 }), diagnosisCategory: undefined }),
      status: 400,
      code: 'EVENT_INVALID',
      pointers: ['/inpatient', '/diagnosisCategory', '/extra'],
    },
    {
      name: 'a resident ID with a wrong check character',
      send: () => post(medical, CLAIM, claim({ patientResidentId: residentIdWithWrongCheck() })),
      status: 400,
      code: 'EVENT_INVALID',
      pointers: ['/patientResidentId'],
    },
    {
      name: 'a resident ID whose birth date does not exist',
      send: () => {
        const first17 = '99000019990230123';
        return post(medical, CLAIM, claim({ patientResidentId: `${first17}${checkCharacter(first17)}` }));
      },
      status: 400,
      code: 'EVENT_INVALID',
      pointers: ['/patientResidentId'],
    },
    {
      name: 'a date of care in the future',
      send: () => post(medical, CLAIM, claim({ dateOfCare: future, businessDate: future })),
      status: 400,
      code: 'EVENT_INVALID',
      pointers: ['/dateOfCare', '/businessDate'],
    },
    {
      name: 'negative money',
      send: () => post(medical, CLAIM, claim({ totalCostFen: -1 })),
      status: 400,
      code: 'EVENT_INVALID',
      pointers: ['/totalCostFen'],
    },
    {
      name: 'money that is not a whole number of fen',
      send: () => post(medical, CLAIM, claim({ insurancePaidFen: 100.5 })),
      status: 400,
      code: 'EVENT_INVALID',
      pointers: ['/insurancePaidFen'],
    },
    {
      name: 'a member listed twice in one household',
      send: () => {
        const h = household();
        const members = h.members as Record<string, unknown>[];
        members.push({ ...(members[1] as object), relationToHead: 'other' });
        return post(registry, HOUSEHOLD, h);
      },
      status: 400,
      code: 'EVENT_INVALID',
      pointers: ['/members/3/residentId'],
    },
    {
      name: 'no Idempotency-Key',
      send: () =>
        t.app.server.inject({
          method: 'POST',
          url: eventPath(CLAIM),
          headers: { authorization: `Bearer ${medical.apiKey}`, 'content-type': 'application/json' },
          payload: JSON.stringify(claim()),
        }),
      status: 400,
      code: 'IDEMPOTENCY_KEY_INVALID',
    },
    {
      name: 'missing credentials',
      send: () =>
        t.app.server.inject({
          method: 'POST',
          url: eventPath(CLAIM),
          headers: { 'content-type': 'application/json', 'idempotency-key': 'k1' },
          payload: JSON.stringify(claim()),
        }),
      status: 401,
      code: 'UNAUTHENTICATED',
    },
    {
      name: 'a made-up API key',
      send: () => post({ ...medical, apiKey: `hmk_${medical.keyId}_${'0'.repeat(64)}` }, CLAIM, claim()),
      status: 401,
      code: 'UNAUTHENTICATED',
    },
    {
      name: "another department's event type (wrong scope)",
      send: () => post(registry, CLAIM, claim()),
      status: 403,
      code: 'NOT_PERMITTED',
    },
  ];

  for (const c of cases) {
    it(`${c.name}: ${c.status} ${c.code}`, async () => {
      let res: Awaited<ReturnType<typeof post>> | undefined;
      expect(await publishedDuring(async () => (res = await c.send()))).toBe(0);
      expect(res?.statusCode).toBe(c.status);
      const body = res?.json();
      expect(body.code).toBe(c.code);
      expect(body.message.length).toBeGreaterThan(0);
      if (c.pointers)
        expect(body.details.map((d: { pointer: string }) => d.pointer).sort()).toEqual(
          [...c.pointers].sort(),
        );
    });
  }

  it('a date of care today is fine', async () => {
    const res = await post(
      medical,
      CLAIM,
      claim({ claimId: 'YB-TODAY', dateOfCare: today, businessDate: today }),
    );
    expect(res.statusCode).toBe(202);
  });

  it('a refused type is audited in the receipt log', async () => {
    await post(registry, CLAIM, claim(), { key: 'audited-attempt' });
    await t.receiptsWritten();
    const { rows } = await t.env.pool.query(
      `select department, type, outcome, reason from receipts where submission_id = 'audited-attempt'`,
    );
    expect(rows).toEqual([
      { department: 'household-registry', type: CLAIM, outcome: 'not-permitted', reason: 'TYPE_NOT_GRANTED' },
    ]);
  });

  it('a revoked key stops working', async () => {
    const key = await t.issue('medical-insurance-bureau');
    expect((await post(key, CLAIM, claim({ claimId: 'YB-REVOKE' }))).statusCode).toBe(202);
    await t.admin.revoke(key.keyId);
    await t.refresh();
    expect((await post(key, CLAIM, claim({ claimId: 'YB-REVOKE' }))).statusCode).toBe(401);
  });
});

function checkCharacter(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * (weights[i] ?? 0), 0);
  return '10X98765432'.charAt(sum % 11);
}

void syntheticResidentId;
