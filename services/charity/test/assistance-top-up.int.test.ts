import { randomUUID } from 'node:crypto';
import { DisbursementRequested, TemporaryAssistanceApplied } from '@huimin/contracts';
import { createProducer, createPublisher } from '@huimin/kafka';
import { readRecords, waitUntil } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Charity, startCharity } from './harness.ts';

// Charity tops up temporary assistance: a disbursement links the assistance service's application
// of the same household (known to charity from the assistance stream), and says so in its event.

let charity: Charity;
const wang = 'HH-320585100001-0107';
const neighbour = 'HH-320585100001-0108';

beforeAll(async () => {
  charity = await startCharity({ name: 'charity_ta_topup', broker: true });
  await charity.registerHousehold(wang, '320585100001');
  await charity.registerHousehold(neighbour, '320585100001');
  const res = await charity.app.server.inject({
    method: 'POST',
    url: '/v1/donations',
    headers: { ...bearer(charity.tokens.approver), 'idempotency-key': randomUUID() },
    payload: {
      fundId: 'fund-320585100',
      amountFen: 500_000,
      channel: 'bank-transfer',
      donor: { kind: 'anonymous' },
    },
  });
  expect(res.statusCode).toBe(201);
  const producer = createProducer(charity.env.kafka);
  await producer.connect();
  try {
    await createPublisher({ producer }).publish(
      TemporaryAssistanceApplied,
      {
        applicationId: 'TA-2026-000042',
        householdId: wang,
        communityCode: '320585100001',
        alertId: 'ALR-2026-000087',
        cause: 'major-illness',
        requestedFen: 0,
        proposedFen: 1_254_000,
        policyVersion: 'taicang-ta-2024-10-24',
        appliedBy: 'u-handler-0107',
        appliedAt: new Date().toISOString(),
      },
      { source: '/huimin/assistance', id: randomUUID() },
    );
  } finally {
    await producer.disconnect();
  }
  await waitUntil(async () => (await charity.count('assistance_applications')) === 1, 'application seen');
});

afterAll(async () => {
  await charity?.close();
});

const apply = (householdId: string, assistanceApplicationId: string) =>
  charity.app.server.inject({
    method: 'POST',
    url: '/v1/disbursements',
    headers: bearer(charity.tokens.handler),
    payload: {
      fundId: 'fund-320585100',
      householdId,
      purpose: 'medical',
      amountFen: 100_000,
      reason: '临时救助后仍有自付缺口',
      assistanceApplicationId,
    },
  });

describe('a top-up of temporary assistance', () => {
  it('links the application of the same household, shows it on the household’s list and in its event', async () => {
    const res = await apply(wang, 'TA-2026-000042');
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ householdId: wang, assistanceApplicationId: 'TA-2026-000042' });
    const list = await charity.app.server.inject({
      method: 'GET',
      url: `/v1/disbursements?householdId=${wang}`,
      headers: bearer(charity.tokens.handler),
    });
    expect(list.json().disbursements).toMatchObject([{ assistanceApplicationId: 'TA-2026-000042' }]);
    await charity.drainOutbox();
    const requested = (await readRecords(charity.env.kafka, DisbursementRequested.topic.name))
      .filter((r) => r.headers.ce_type === DisbursementRequested.type)
      .map((r) => JSON.parse(r.value));
    expect(requested).toMatchObject([{ householdId: wang, assistanceApplicationId: 'TA-2026-000042' }]);
  });

  it('refuses an application of another household, and one charity has never seen', async () => {
    const other = await apply(neighbour, 'TA-2026-000042');
    expect([other.statusCode, other.json().code]).toEqual([422, 'ASSISTANCE_APPLICATION_MISMATCH']);
    const unknown = await apply(wang, 'TA-2026-999999');
    expect([unknown.statusCode, unknown.json().code]).toEqual([422, 'ASSISTANCE_APPLICATION_NOT_FOUND']);
  });
});
