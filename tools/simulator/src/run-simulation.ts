import { devCredentials } from './dev-credentials.ts';
import { createFeed, type Feed } from './generator/feed.ts';
import type { FeedOptions } from './generator/world.ts';
import { type Credentials, createHttpIngestClient, type RetryNotice } from './ingest-client.ts';
import { type PostProgress, type PostResult, postFeed } from './poster.ts';

export interface SimulationOptions extends Omit<FeedOptions, 'now' | 'liveRate'> {
  /** Ingest's base URL, e.g. http://127.0.0.1:8080. */
  ingestUrl: string;
  /** Default: the dev stack's demo keys. */
  credentials?: Credentials;
  /** Default: the clock. */
  now?: Date;
  /** Live events per second; default 50. */
  rate?: number;
  batchSize?: number;
  durationMs?: number;
  claims?: number;
  events?: number;
  /** Leave out the initial load (the households are already in) or the live trickle. */
  skipBulk?: boolean;
  skipLive?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: PostProgress) => void;
  progressEveryMs?: number;
  onRetry?: (notice: RetryNotice) => void;
  fetch?: typeof fetch;
}

/**
 * Generates a county's feed and posts it through ingest: what `pnpm simulate` does, for end-to-end
 * tests and benchmarks to call in-process. `feed.scenarios` says which households should be flagged.
 */
export async function runSimulation(options: SimulationOptions): Promise<{ feed: Feed; result: PostResult }> {
  const rate = options.rate ?? 50;
  const feedOptions: FeedOptions = {
    seed: options.seed,
    households: options.households,
    now: options.now ?? new Date(),
    liveRate: rate,
  };
  if (options.scenarios !== undefined) feedOptions.scenarios = options.scenarios;
  if (options.dibaoStandardFen !== undefined) feedOptions.dibaoStandardFen = options.dibaoStandardFen;
  if (options.signalKinds !== undefined) feedOptions.signalKinds = options.signalKinds;
  const feed = createFeed(feedOptions);
  let retries = 0;
  const client = createHttpIngestClient({
    baseUrl: options.ingestUrl,
    credentials: options.credentials ?? devCredentials(),
    onRetry: (notice) => {
      retries++;
      options.onRetry?.(notice);
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const result = await postFeed({
    client,
    ...(options.skipBulk ? {} : { bulk: feed.bulk }),
    ...(options.skipLive ? {} : { live: feed.live }),
    rate,
    retries: () => retries,
    ...pick(options, [
      'batchSize',
      'durationMs',
      'claims',
      'events',
      'signal',
      'onProgress',
      'progressEveryMs',
    ]),
  });
  return { feed, result };
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) picked[key] = source[key];
  return picked;
}
