import type { Indicator } from './indicators.ts';

/** A value for the county or a town: a percentage with its parts, or a count. */
export interface Reading {
  value: number | null;
  numerator?: number;
  denominator?: number;
}

/** One measure of one indicator in one period. */
export interface MeasureReading {
  key: string;
  county: Reading;
  towns: Map<string, Reading>;
}

export interface IndicatorReading {
  measures: MeasureReading[];
  /** #12: the rolling 12 months to the period's end. */
  rolling12?: Reading;
  /** Counts the card must mention (e.g. #2's members counted without the flag). */
  notes?: Record<string, number>;
}

/** A share in percent, to two decimals; no value when nothing is counted. */
export function percent(numerator: number, denominator: number): Reading {
  if (denominator === 0) return { value: null, numerator, denominator };
  return { value: Math.round((numerator * 10_000) / denominator) / 100, numerator, denominator };
}

export function count(n: number): Reading {
  return { value: n };
}

export function singleMeasure(indicator: Indicator, county: Reading, towns = new Map<string, Reading>()) {
  const key = indicator.measures[0]?.key ?? 'value';
  return [{ key, county, towns }];
}
