import type { Jurisdiction } from '@huimin/contracts';
import { type Indicator, indicators } from './domain/indicators.ts';
import { addMonths, firstDay, lastDay, monthsBetween } from './domain/months.ts';
import { expectedOn, type Progress, progressOf } from './domain/progress.ts';
import {
  count,
  type IndicatorReading,
  type MeasureReading,
  percent,
  type Reading,
  singleMeasure,
} from './domain/readings.ts';
import type { Breakdown, ComputedStore, Period } from './store/computed-store.ts';
import { factInForce, type RecordedFact } from './store/fact-store.ts';

/** Which towns' breakdown a viewer may see; every viewer of the scorecard sees the county totals. */
export type TownScope = 'all' | readonly string[];

export interface TownValue extends Reading {
  townCode: string;
  townName: string;
}

export interface MeasureCard {
  key: string;
  label: string;
  baseline: number | null;
  target: number;
  value: number | null;
  numerator?: number;
  denominator?: number;
  /** What the straight line from baseline to target asks for by this month. */
  expected: number;
  progress: Progress;
  byTown: TownValue[];
  trend: { month: string; value: number | null }[];
}

export interface IndicatorCard {
  number: number;
  name: string;
  kind: Indicator['kind'];
  unit: Indicator['unit'];
  source: Indicator['source'];
  definition: string;
  measures: MeasureCard[];
  rolling12?: Reading;
  /** Said on the card: how the value was counted where data is missing. */
  assumption?: string;
  /** Recorded indicators: the facts in force this month, with who recorded them and when. */
  facts?: RecordedFact[];
}

export interface Scorecard {
  month: string;
  trendFrom: string;
  indicators: IndicatorCard[];
}

export interface ScorecardDeps {
  computed: ComputedStore;
  tree: Jurisdiction;
  now: () => Date;
}

/** Reads every indicator for a period; computed from the projections or taken from the facts. */
export function createReader({ computed, tree, now }: ScorecardDeps) {
  const tally = (b: Breakdown['county']): Reading =>
    b.denominator === undefined ? count(b.numerator) : percent(b.numerator, b.denominator);
  const towns = (b: Breakdown): Map<string, Reading> =>
    new Map([...b.towns].map(([town, t]) => [town, tally(t)]));

  async function computedReading(indicator: Indicator, month: string): Promise<IndicatorReading> {
    const period: Period = { from: firstDay(month), to: lastDay(month) };
    switch (indicator.number) {
      case 1: {
        const { withHandler, failing } = await computed.discoveryCoverage(period, now());
        const covered = (code: string) => withHandler.has(code) && !failing.has(code);
        const all = tree.communities();
        const byTown = new Map<string, Reading>();
        for (const town of tree.towns()) {
          const mine = tree.children(town.code);
          byTown.set(town.code, percent(mine.filter((c) => covered(c.code)).length, mine.length));
        }
        return {
          measures: singleMeasure(
            indicator,
            percent(all.filter((c) => covered(c.code)).length, all.length),
            byTown,
          ),
        };
      }
      case 2: {
        const b = await computed.centralisedCare(period.to);
        return { measures: singleMeasure(indicator, tally(b.county), towns(b)), notes: b.notes ?? {} };
      }
      case 11: {
        const funds = await computed.openCommunityFunds(period.to);
        const byTown = new Map<string, Reading>();
        for (const code of funds) {
          const town = tree.townOf(code)?.code;
          if (town === undefined) continue;
          byTown.set(town, count((byTown.get(town)?.value ?? 0) + 1));
        }
        return { measures: singleMeasure(indicator, count(funds.length), byTown) };
      }
      case 12: {
        const month12 = await computed.homeVisitCoverage(period);
        const rolling = await computed.homeVisitCoverage({
          from: firstDay(addMonths(month, -11)),
          to: period.to,
        });
        return {
          measures: singleMeasure(indicator, tally(month12.county), towns(month12)),
          rolling12: tally(rolling.county),
        };
      }
      case 13: {
        // The 250 households of the end of 2020 are the starting value; the platform adds its own.
        const b = await computed.homeAdaptations(period.to);
        const baseline = indicator.measures[0]?.baseline ?? 0;
        return { measures: singleMeasure(indicator, count(baseline + b.county.numerator), towns(b)) };
      }
      case 16:
      case 17: {
        const q = await computed.caregiverQualifications(period.to);
        const n = indicator.number === 16 ? q.trainedBeforeStart : q.certified;
        return { measures: singleMeasure(indicator, percent(n, q.working)) };
      }
      default:
        throw new Error(`indicator ${indicator.number} is not computed`);
    }
  }

  function recordedReading(
    indicator: Indicator,
    month: string,
    facts: readonly RecordedFact[],
  ): IndicatorReading {
    const asOf = lastDay(month);
    const measures: MeasureReading[] = indicator.measures.map((m) => {
      const byTown = new Map<string, Reading>();
      for (const town of tree.towns()) {
        const fact = factInForce(facts, m.key, town.code, asOf);
        if (fact) byTown.set(town.code, count(fact.value));
      }
      const countyFact = factInForce(facts, m.key, null, asOf);
      let county: Reading = { value: countyFact?.value ?? null };
      // A count the bureau recorded town by town adds up to the county's.
      if (countyFact === undefined && indicator.unit === 'count' && byTown.size > 0) {
        county = count([...byTown.values()].reduce((sum, r) => sum + (r.value ?? 0), 0));
      }
      return { key: m.key, county, towns: byTown };
    });
    return { measures };
  }

  return {
    async read(
      indicator: Indicator,
      month: string,
      facts: readonly RecordedFact[],
    ): Promise<IndicatorReading> {
      return indicator.source === 'computed'
        ? computedReading(indicator, month)
        : recordedReading(indicator, month, facts);
    },
  };
}

/** The scorecard for a month as a viewer may see it: all 19 cards, trends from `trendFrom`. */
export async function buildScorecard(
  deps: ScorecardDeps & { facts: readonly RecordedFact[] },
  input: { month: string; trendFrom: string; scope: TownScope },
): Promise<Scorecard> {
  const reader = createReader(deps);
  const trendMonths = monthsBetween(input.trendFrom, input.month);
  const visible = (town: string) => input.scope === 'all' || input.scope.includes(town);
  const cards: IndicatorCard[] = [];
  for (const indicator of indicators) {
    const facts = deps.facts.filter((f) => f.indicator === indicator.number);
    const now = await reader.read(indicator, input.month, facts);
    const trend = new Map<string, IndicatorReading>();
    for (const month of trendMonths) {
      trend.set(month, month === input.month ? now : await reader.read(indicator, month, facts));
    }
    const measures: MeasureCard[] = indicator.measures.map((m, i) => {
      const reading = now.measures[i] as MeasureReading;
      return {
        key: m.key,
        label: m.label,
        baseline: m.baseline,
        target: m.target,
        ...reading.county,
        expected: Math.round(expectedOn(m, input.month) * 100) / 100,
        progress: progressOf(m, input.month, reading.county.value),
        byTown: deps.tree
          .towns()
          .filter((t) => visible(t.code) && reading.towns.has(t.code))
          .map((t) => ({ townCode: t.code, townName: t.name, ...(reading.towns.get(t.code) as Reading) })),
        trend: trendMonths.map((month) => ({
          month,
          value: trend.get(month)?.measures[i]?.county.value ?? null,
        })),
      };
    });
    const card: IndicatorCard = {
      number: indicator.number,
      name: indicator.name,
      kind: indicator.kind,
      unit: indicator.unit,
      source: indicator.source,
      definition: indicator.definition,
      measures,
    };
    if (now.rolling12) card.rolling12 = now.rolling12;
    if (indicator.number === 2) {
      card.assumption = `${now.notes?.assumedWithoutFlag ?? 0}名特困人员救助系统未登记集中供养意愿或自理能力：已集中供养的按有意愿计入，分散供养的按无意愿不计入`;
    }
    if (indicator.source === 'recorded') {
      const asOf = lastDay(input.month);
      card.facts = facts.filter((f) => f.asOf <= asOf && (f.townCode === null || visible(f.townCode)));
    }
    cards.push(card);
  }
  return { month: input.month, trendFrom: input.trendFrom, indicators: cards };
}
