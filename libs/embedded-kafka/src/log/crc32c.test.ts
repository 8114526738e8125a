import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.ts';

describe('crc32c', () => {
  it('matches the published check values', () => {
    // RFC 3720 (iSCSI) B.4 test vectors and the standard "123456789" check value.
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    const ascending = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    expect(crc32c(ascending)).toBe(0x46dd794e);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('gives the same result over a range and when continued piecewise', () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 31 + 7) & 0xff));
    const whole = crc32c(data);
    const inTwo = crc32c(data, 333, 1000, crc32c(data, 0, 333));
    expect(inTwo).toBe(whole);
    const framed = Buffer.concat([Buffer.from('xx'), data, Buffer.from('yy')]);
    expect(crc32c(framed, 2, 1002)).toBe(whole);
  });
});
