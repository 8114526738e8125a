import { bulkEvents } from './bulk.ts';
import { createEventIds } from './event-ids.ts';
import type { FeedEvent } from './feed-event.ts';
import { liveEvents, livePositions } from './live.ts';
import type { ScenarioHousehold } from './scenarios.ts';
import { buildWorld, type FeedOptions, type ResolvedFeedOptions, resolveFeedOptions } from './world.ts';

export interface Feed {
  options: ResolvedFeedOptions;
  /** The run's calendar date (Asia/Shanghai); nothing in the feed is dated after it. */
  today: string;
  /** The scenario households and what each should trigger. */
  scenarios: ScenarioHousehold[];
  /** The initial load, finite. Every iteration yields the same events. */
  bulk: Iterable<FeedEvent>;
  /** The live trickle, endless (take what you need). Every iteration yields the same events. */
  live: Iterable<FeedEvent>;
}

/**
 * The synthetic feed of one county: a pure function of its options. Each iteration of `bulk` or
 * `live` rebuilds the county from the seed, so iterating twice (or in two processes) gives
 * byte-identical streams.
 */
export function createFeed(options: FeedOptions): Feed {
  const resolved = resolveFeedOptions(options);
  const world = buildWorld(resolved);
  const eventId = createEventIds(resolved, world.today);
  const positions = livePositions(world.scenarios.length, resolved.liveRate);
  const scenarios = world.scenarios.map((scenario, i): ScenarioHousehold => {
    const position = positions[i] ?? 0;
    return {
      ...scenario.expectation,
      crossingEventId: eventId('live', position),
      livePosition: position,
      liveSecond: position / resolved.liveRate,
    };
  });
  return {
    options: resolved,
    today: world.today,
    scenarios,
    bulk: { [Symbol.iterator]: () => bulkEvents(buildWorld(resolved)) },
    live: { [Symbol.iterator]: () => liveEvents(buildWorld(resolved)) },
  };
}

/** The first `count` events of an iterable (for the endless live stream). */
export function* take<T>(events: Iterable<T>, count: number): Generator<T> {
  if (count <= 0) return;
  let taken = 0;
  for (const event of events) {
    yield event;
    if (++taken >= count) return;
  }
}
