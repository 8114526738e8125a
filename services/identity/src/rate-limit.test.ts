import { describe, expect, it } from 'vitest';
import { clientAddress } from './rate-limit.ts';

describe('clientAddress', () => {
  it('uses the socket address when no proxy is trusted, whatever the headers say', () => {
    expect(clientAddress('10.0.0.5', '1.2.3.4', 0)).toBe('10.0.0.5');
  });

  it('takes the entry the trusted proxies appended, not what the client forged before it', () => {
    expect(clientAddress('10.0.0.5', 'forged, 203.0.113.9', 1)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.5', 'forged, 203.0.113.9, 10.0.0.2', 2)).toBe('203.0.113.9');
  });
});
