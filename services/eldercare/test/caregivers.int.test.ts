import { CaregiverRecorded } from '@huimin/contracts';
import { readRecords, waitUntil } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveProvider } from '../src/store/provider-store.ts';
import { type Harness, startHarness } from './harness.ts';

// The providers' staff register: training and certificate dates recorded where they are missing,
// each entry published as CaregiverRecorded (the scorecard's indicators #16 and #17).

let h: Harness;
const tokens: Record<string, string> = {};

async function call(method: 'GET' | 'PUT', url: string, who: string, payload?: object) {
  const res = await h.app.server.inject({
    method,
    url,
    headers: { authorization: `Bearer ${tokens[who]}` },
    ...(payload ? { payload } : {}),
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

beforeAll(async () => {
  h = await startHarness('eldercare_caregivers', new Date('2026-03-20T02:00:00.000Z'));
  for (const providerId of ['PV-A', 'PV-B']) {
    await saveProvider(h.env.pool, { providerId, name: '测试服务机构', dailyCapacity: 10, offerings: [] });
  }
  tokens.admin = await h.token({ userId: 'u-admin', role: 'bureau-admin', jurisdictions: ['320585'] });
  tokens.staffA = await h.token({
    userId: 'u-pv-a',
    role: 'provider-staff',
    jurisdictions: [],
    providerId: 'PV-A',
  });
  tokens.staffB = await h.token({
    userId: 'u-pv-b',
    role: 'provider-staff',
    jurisdictions: [],
    providerId: 'PV-B',
  });
  tokens.handler = await h.token({
    userId: 'u-handler',
    role: 'case-handler',
    jurisdictions: ['320585100001'],
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('the caregivers’ register', () => {
  it('shows what is missing, takes the missing dates and publishes each entry', async () => {
    const first = await call('PUT', '/v1/providers/PV-A/caregivers/CG-0101', 'staffA', {
      startedOn: '2025-06-01',
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ caregiverId: 'CG-0101', missing: ['training', 'certificate'] });

    const completed = await call('PUT', '/v1/providers/PV-A/caregivers/CG-0101', 'admin', {
      startedOn: '2025-06-01',
      trainedOn: '2025-05-20',
      certifiedOn: '2025-11-15',
      certificateNumber: 'YLHL-2025-003117',
    });
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ missing: [], updatedBy: 'u-admin' });

    const list = await call('GET', '/v1/providers/PV-A/caregivers', 'staffA');
    expect(list.body.caregivers).toEqual([
      expect.objectContaining({
        caregiverId: 'CG-0101',
        trainedOn: '2025-05-20',
        certificateNumber: 'YLHL-2025-003117',
      }),
    ]);

    let published: unknown[] = [];
    await waitUntil(async () => {
      const records = await readRecords(h.env.kafka, CaregiverRecorded.topic.name);
      published = records.filter((r) => r.key === 'CG-0101').map((r) => JSON.parse(r.value));
      return published.length === 2;
    }, 'both register entries published');
    expect(published[1]).toEqual({
      caregiverId: 'CG-0101',
      providerId: 'PV-A',
      businessDate: '2026-03-20',
      startedOn: '2025-06-01',
      trainedOn: '2025-05-20',
      certifiedOn: '2025-11-15',
      certificateNumber: 'YLHL-2025-003117',
    });
  });

  it('keeps each provider to its own register and refuses a certificate without its number', async () => {
    expect(
      (await call('PUT', '/v1/providers/PV-A/caregivers/CG-0102', 'staffB', { startedOn: '2025-06-01' }))
        .status,
    ).toBe(403);
    expect((await call('GET', '/v1/providers/PV-A/caregivers', 'staffB')).status).toBe(403);
    expect(
      (await call('PUT', '/v1/providers/PV-A/caregivers/CG-0102', 'handler', { startedOn: '2025-06-01' }))
        .status,
    ).toBe(403);
    // CG-0101 is PV-A's: PV-B cannot take them onto its register.
    expect(
      (await call('PUT', '/v1/providers/PV-B/caregivers/CG-0101', 'staffB', { startedOn: '2025-06-01' }))
        .status,
    ).toBe(409);
    const noNumber = await call('PUT', '/v1/providers/PV-A/caregivers/CG-0102', 'staffA', {
      startedOn: '2025-06-01',
      certifiedOn: '2025-11-15',
    });
    expect(noNumber.status).toBe(400);
    const future = await call('PUT', '/v1/providers/PV-A/caregivers/CG-0102', 'staffA', {
      startedOn: '2026-04-01',
    });
    expect(future.status).toBe(400);
    expect((await call('GET', '/v1/providers/PV-A/caregivers', 'admin')).body.caregivers).toHaveLength(1);
  });
});
