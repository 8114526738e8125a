import { describe, expect, it } from 'vitest';
import { devCredentials } from './dev-credentials.ts';
import { signatureHeader } from './ingest-client.ts';

describe('talking to ingest as its README says', () => {
  it('signs exactly like the worked example in ingest’s README', () => {
    const secret = 'hms_dcb46da2b9560f7c6c58835bca078f4c0ad37ee4f3166e1cea237c59cc1acca4';
    const body =
      '{"claimId":"YB320585-2025-000187456","patientResidentId":"99000019580314043X","businessDate":"2025-03-02","dateOfCare":"2025-02-11","totalCostFen":4286500,"insurancePaidFen":2572000,"medicalAssistancePaidFen":214300,"inpatient":true,"diagnosisCategory":"malignant-tumour"}';
    const header = signatureHeader(
      secret,
      '/v1/events/huimin.feed.medical-expense.recorded.v1',
      Buffer.from(body),
      new Date('2026-01-01T00:00:00Z'),
      '4f9c2a7d1e8b3c60',
    );
    expect(header).toBe(
      't=1767225600,n=4f9c2a7d1e8b3c60,v1=834a49aabbba6b87e20de6b1db214d61b820b99535019f9fd7c14ad6bf6d45cb',
    );
  });

  it('uses a fresh nonce for every signature', () => {
    const at = new Date();
    const a = signatureHeader('hms_x', '/p', Buffer.from('{}'), at);
    const b = signatureHeader('hms_x', '/p', Buffer.from('{}'), at);
    expect(a).toMatch(/^t=\d+,n=[A-Za-z0-9_-]{16,64},v1=[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });

  it('knows the dev stack’s demo keys as ingest’s README lists them', () => {
    const keys = devCredentials({ signed: true });
    expect(keys['medical-insurance-bureau']).toEqual({
      apiKey: 'hmk_devmedical_4e4ea4c84d4231d969ca0df87f6510710fba3bf4a1c254df38b1de9c31373a9b',
      signingSecret: 'hms_dcb46da2b9560f7c6c58835bca078f4c0ad37ee4f3166e1cea237c59cc1acca4',
    });
    expect(keys['grid-management']?.apiKey).toBe(
      'hmk_devgrid_321c226c84a2fa61bc57098db16838bafd95a42adc9f1e0f84271aab3a6a1fb7',
    );
    expect(Object.keys(devCredentials())).toHaveLength(6);
    expect(devCredentials()['household-registry']?.signingSecret).toBeUndefined();
  });
});
