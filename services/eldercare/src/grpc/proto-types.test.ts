import { describe, expect, it } from 'vitest';
import { eldercareProtoTypes } from './proto-types.ts';

describe('generated gRPC types', () => {
  it('match proto/huimin/eldercare/v1/order.proto (run gen:proto after editing it)', () => {
    expect(eldercareProtoTypes.drift()).toEqual([]);
  });
});
