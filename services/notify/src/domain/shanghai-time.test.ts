import { describe, expect, it } from 'vitest';
import { nextShanghaiTime, shanghaiMinute } from './shanghai-time.ts';

describe('Asia/Shanghai clock', () => {
  it('shows deadlines on Beijing time', () => {
    expect(shanghaiMinute(new Date('2026-03-03T04:00:05.020Z'))).toBe('2026-03-03 12:00');
    expect(shanghaiMinute(new Date('2026-03-03T16:30:00.000Z'))).toBe('2026-03-04 00:30');
  });

  it('finds the next 08:30 in Shanghai', () => {
    // 07:00 in Shanghai: later the same day.
    expect(nextShanghaiTime(new Date('2026-03-02T23:00:00.000Z'), '08:30')).toEqual({
      date: '2026-03-03',
      at: new Date('2026-03-03T00:30:00.000Z'),
    });
    // 09:00 in Shanghai: the next day.
    expect(nextShanghaiTime(new Date('2026-03-03T01:00:00.000Z'), '08:30')).toEqual({
      date: '2026-03-04',
      at: new Date('2026-03-04T00:30:00.000Z'),
    });
  });
});
