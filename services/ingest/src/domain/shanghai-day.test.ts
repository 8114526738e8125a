import { shanghaiDateOf } from '@huimin/contracts';
import { describe, expect, it } from 'vitest';
import { shanghaiDay } from './shanghai-day.ts';

describe('the Shanghai calendar date, cached per day', () => {
  it('agrees with the contracts around midnight in Shanghai (16:00 UTC) and across a year', () => {
    const instants = [
      '2025-03-01T15:59:59.999Z',
      '2025-03-01T16:00:00.000Z',
      '2024-12-31T16:00:00Z',
      '2025-06-30T23:59:59Z',
    ];
    for (
      let t = Date.parse('2025-01-01T00:00:00Z');
      t < Date.parse('2026-01-01T00:00:00Z');
      t += 3_600_000 * 7
    ) {
      instants.push(new Date(t).toISOString());
    }
    for (const instant of instants)
      expect(shanghaiDay(new Date(instant))).toBe(shanghaiDateOf(new Date(instant)));
  });
});
