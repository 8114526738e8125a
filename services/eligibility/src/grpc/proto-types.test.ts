import { describe, expect, it } from 'vitest';
import { eligibilityProtoTypes } from './proto-types.ts';

describe('generated gRPC types', () => {
  it('match proto/huimin/eligibility/v1/eligibility.proto (run gen:proto after editing it)', () => {
    expect(eligibilityProtoTypes.drift()).toEqual([]);
  });
});
