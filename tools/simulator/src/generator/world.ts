import { createSyntheticResidentIdGenerator, shanghaiDateOf } from '@huimin/contracts';
import { earlierOf } from './calendar.ts';
import { DIBAO_STANDARD_FEN, POPULATION_REFERENCE_DATE } from './figures.ts';
import type { SimHousehold } from './household.ts';
import { buildHousehold, type PopulationContext } from './population.ts';
import { createRandom } from './random.ts';
import { type BuiltScenario, buildScenario } from './scenarios.ts';

export type SignalKind = 'death' | 'unemployment' | 'hospitalisation' | 'grid-worker-report';

export interface FeedOptions {
  /** Any integer 0 … 2^32 − 1; the same options give the same feed, event for event. */
  seed: number;
  /** Ordinary households (the scenario households come on top). */
  households: number;
  /** The moment the run starts; the feed's dates are relative to its Asia/Shanghai calendar date. */
  now: Date;
  /** Scenario households that cross the risk thresholds in the first minute; default 3. */
  scenarios?: number;
  /** Events per second of the live trickle; places the scenario claims ~10 s apart. Default 50. */
  liveRate?: number;
  /** Dibao standard the simulated departments apply, fen per person per month; default 104,500. */
  dibaoStandardFen?: number;
  /**
   * Department signals to generate. Default: the kinds ingest grants a department today
   * (unemployment from human resources, grid-worker reports); death and hospitalisation are
   * generated when listed here.
   */
  signalKinds?: readonly SignalKind[];
}

export type ResolvedFeedOptions = Required<FeedOptions>;

export const DEFAULT_SIGNAL_KINDS: readonly SignalKind[] = ['unemployment', 'grid-worker-report'];

export function resolveFeedOptions(options: FeedOptions): ResolvedFeedOptions {
  const resolved: ResolvedFeedOptions = {
    seed: options.seed,
    households: options.households,
    now: options.now,
    scenarios: options.scenarios ?? 3,
    liveRate: options.liveRate ?? 50,
    dibaoStandardFen: options.dibaoStandardFen ?? DIBAO_STANDARD_FEN,
    signalKinds: options.signalKinds ?? DEFAULT_SIGNAL_KINDS,
  };
  if (!Number.isInteger(resolved.seed) || resolved.seed < 0 || resolved.seed > 0xffffffff) {
    throw new RangeError('seed must be an integer from 0 to 4294967295');
  }
  if (!Number.isInteger(resolved.households) || resolved.households < 1) {
    throw new RangeError('households must be a whole number of at least 1');
  }
  if (!Number.isInteger(resolved.scenarios) || resolved.scenarios < 0 || resolved.scenarios > 99) {
    throw new RangeError('scenarios must be a whole number from 0 to 99');
  }
  if (!(resolved.liveRate > 0)) throw new RangeError('liveRate must be more than 0');
  if (!Number.isInteger(resolved.dibaoStandardFen) || resolved.dibaoStandardFen <= 0) {
    throw new RangeError('dibaoStandardFen must be a positive whole number of fen');
  }
  if (Number.isNaN(resolved.now.getTime())) throw new RangeError('now must be a valid date');
  return resolved;
}

export interface World {
  options: ResolvedFeedOptions;
  today: string;
  ctx: PopulationContext;
  /** Scenario households first, then the ordinary ones. */
  households: SimHousehold[];
  scenarios: BuiltScenario[];
}

/** Everybody in the county, as the departments' systems know them on the first day of the run. */
export function buildWorld(options: ResolvedFeedOptions): World {
  const today = shanghaiDateOf(options.now);
  const newId = createSyntheticResidentIdGenerator(options.seed);
  let enrolmentNo = 0;
  const ctx: PopulationContext = {
    random: createRandom(`${options.seed}:population`),
    newResidentId: (want) => newId(want),
    seed: options.seed,
    today,
    referenceDate: earlierOf(today, POPULATION_REFERENCE_DATE),
    dibaoStandardFen: options.dibaoStandardFen,
    nextEnrolmentNo: () => ++enrolmentNo,
  };
  const scenarios = Array.from({ length: options.scenarios }, (_, i) =>
    buildScenario(ctx, i, `HH-S${options.seed}-R${String(i + 1).padStart(2, '0')}`),
  );
  const ordinary = Array.from({ length: options.households }, (_, i) =>
    buildHousehold(ctx, `HH-S${options.seed}-${String(i + 1).padStart(6, '0')}`),
  );
  return { options, today, ctx, households: [...scenarios.map((s) => s.household), ...ordinary], scenarios };
}
