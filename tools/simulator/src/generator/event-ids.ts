import { createHash } from 'node:crypto';
import { compactDate } from './calendar.ts';
import type { ResolvedFeedOptions } from './world.ts';

// Event ids are the department's idempotency keys: ingest answers a repeated id with its first
// answer, and refuses an id it has seen with a different body. So an id names one payload exactly:
// it carries the seed, the day (the feed's dates depend on it) and a short digest of every other
// option, then the event's place in its stream. Same options, same day → same ids (a rerun is
// deduplicated); any other option or day → other ids.

const GENERATOR_VERSION = 1;

export type Stream = 'bulk' | 'live';

export function createEventIds(
  options: ResolvedFeedOptions,
  today: string,
): (stream: Stream, position: number) => string {
  const digest = createHash('sha256')
    .update(
      JSON.stringify({
        v: GENERATOR_VERSION,
        households: options.households,
        scenarios: options.scenarios,
        liveRate: options.liveRate,
        dibaoStandardFen: options.dibaoStandardFen,
        signalKinds: options.signalKinds,
      }),
    )
    .digest('hex')
    .slice(0, 6);
  const prefix = `sim${options.seed}-${compactDate(today)}-${digest}`;
  return (stream, position) => `${prefix}-${stream === 'bulk' ? 'b' : 'l'}${position}`;
}
