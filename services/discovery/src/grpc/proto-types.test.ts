import { describe, expect, it } from 'vitest';
import { discoveryProtoTypes } from './proto-types.ts';

describe('generated gRPC types', () => {
  it('match proto/huimin/discovery/v1/alert.proto (run gen:proto after editing it)', () => {
    expect(discoveryProtoTypes.drift()).toEqual([]);
  });
});
