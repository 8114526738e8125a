import { type Measure, PLAN_BASELINE_MONTH, PLAN_TARGET_MONTH } from './indicators.ts';
import { monthDiff } from './months.ts';

export type Progress = 'met' | 'on-track' | 'behind' | 'no-data';

/**
 * Where a value stands against the plan in a month: `met` at or above the 2025 target; `on-track`
 * at or above the straight line from the 2020 baseline (zero where the plan gives none) to the
 * target; `behind` below it. Every target of Annex 2 is a floor (≥), none a ceiling.
 */
export function progressOf(measure: Measure, month: string, value: number | null): Progress {
  if (value === null) return 'no-data';
  if (value >= measure.target) return 'met';
  return value >= expectedOn(measure, month) ? 'on-track' : 'behind';
}

/** The value the straight line from baseline to target asks for by the end of `month`. */
export function expectedOn(measure: Measure, month: string): number {
  const span = monthDiff(PLAN_BASELINE_MONTH, PLAN_TARGET_MONTH);
  const elapsed = Math.min(Math.max(monthDiff(PLAN_BASELINE_MONTH, month), 0), span);
  const start = measure.baseline ?? 0;
  return start + ((measure.target - start) * elapsed) / span;
}
