import { describe, expect, it } from 'vitest';
import {
  formatReceiptNumber,
  parseReceiptNumber,
  shanghaiMonthOf,
  shanghaiYearOf,
  startOfShanghaiDate,
} from './receipt-number.ts';

describe('receipt numbers', () => {
  it('are TC-<year>-<six digits> and read back', () => {
    expect(formatReceiptNumber(2026, 1)).toBe('TC-2026-000001');
    expect(formatReceiptNumber(2026, 999_999)).toBe('TC-2026-999999');
    expect(parseReceiptNumber('TC-2026-000318')).toEqual({ year: 2026, sequence: 318 });
    expect(parseReceiptNumber('TC-2026-318')).toBeUndefined();
  });

  it('refuse a sequence the six digits cannot hold', () => {
    expect(() => formatReceiptNumber(2026, 0)).toThrow(RangeError);
    expect(() => formatReceiptNumber(2026, 1_000_000)).toThrow(RangeError);
  });

  it('count the year on the Shanghai calendar', () => {
    expect(shanghaiYearOf(new Date('2025-12-31T15:59:59Z'))).toBe(2025);
    expect(shanghaiYearOf(new Date('2025-12-31T16:00:00Z'))).toBe(2026);
    expect(shanghaiMonthOf(new Date('2026-01-31T16:30:00Z'))).toBe('2026-02');
    expect(startOfShanghaiDate('2026-03-01').toISOString()).toBe('2026-02-28T16:00:00.000Z');
  });
});
