import { describe, expect, it } from 'vitest';
import { indicator } from './indicators.ts';
import { expectedOn, progressOf } from './progress.ts';

describe('progress against the plan', () => {
  const coverage = indicator(12)?.measures[0];
  if (coverage === undefined) throw new Error('indicator 12 missing');

  it('asks for the straight line from the 2020 baseline to the 2025 target', () => {
    // 16.4% at the end of 2020, 20% at the end of 2025: half way (end of June 2023) asks for 18.2%.
    expect(expectedOn(coverage, '2023-06')).toBeCloseTo(18.2, 5);
    expect(expectedOn(coverage, '2020-06')).toBeCloseTo(16.4, 5);
    expect(expectedOn(coverage, '2027-01')).toBeCloseTo(20, 5);
  });

  it('calls a value met, on track or behind', () => {
    expect(progressOf(coverage, '2023-06', 20.1)).toBe('met');
    expect(progressOf(coverage, '2023-06', 18.3)).toBe('on-track');
    expect(progressOf(coverage, '2023-06', 18.1)).toBe('behind');
    expect(progressOf(coverage, '2023-06', null)).toBe('no-data');
  });
});
