import { type EventType, eventDefinition } from '@huimin/contracts';
import type { FeedEvent } from './generator/feed-event.ts';
import type { IngestClient, Rejection, SendResult } from './ingest-client.ts';

// Sends a feed through ingest: the initial load in NDJSON batches (one department's type after
// another, each type finished before the next starts, so households land before their claims),
// then the live trickle one event at a time at a steady rate. Live events sharing a Kafka key (a
// claim and its correction, a household's updates) are never in flight together, so they reach
// ingest in the order they were generated.

export interface PostProgress {
  phase: 'bulk' | 'live' | 'done';
  /** The event type the bulk load is sending now. */
  type?: EventType;
  sent: number;
  accepted: number;
  /** Of the accepted: ingest had them already (a rerun of the same seed and day). */
  replayed: number;
  rejected: number;
  retries: number;
  /** Live medical claims sent (what `claims` stops at). */
  claims: number;
  elapsedMs: number;
  /** Events answered per second since the previous report. */
  ratePerSecond: number;
}

export interface PostResult extends PostProgress {
  /** The first rejections, for the person running the simulator (at most 20). */
  rejections: Rejection[];
}

export interface PostFeedOptions {
  client: IngestClient;
  bulk?: Iterable<FeedEvent>;
  live?: Iterable<FeedEvent>;
  /** Events per batch in the initial load. Default 500. */
  batchSize?: number;
  /** Batches in flight at once. Default 2. */
  bulkConcurrency?: number;
  /** Live events per second. Default 50. */
  rate?: number;
  /** Live events in flight at once. Default 16. */
  liveConcurrency?: number;
  /** Stop the live trickle after this long (from its start). */
  durationMs?: number;
  /** Stop the live trickle after this many medical claims. */
  claims?: number;
  /** Stop the live trickle after this many events. */
  events?: number;
  /** Stops the run (Ctrl-C): nothing new is sent, what is in flight finishes. */
  signal?: AbortSignal;
  onProgress?: (progress: PostProgress) => void;
  /** How often `onProgress` is called. Default 5 s. */
  progressEveryMs?: number;
  /** Retries the client has made so far (count them in its `onRetry`), for the progress lines. */
  retries?: () => number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const MAX_KEPT_REJECTIONS = 20;

/** Posts the bulk load, then the live trickle; resolves with the totals when done or stopped. */
export async function postFeed(options: PostFeedOptions): Promise<PostResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const batchSize = options.batchSize ?? 500;
  const bulkConcurrency = options.bulkConcurrency ?? 2;
  const rate = options.rate ?? 50;
  const liveConcurrency = options.liveConcurrency ?? 16;
  const progressEveryMs = options.progressEveryMs ?? 5_000;

  const started = now();
  const state: PostResult = {
    phase: 'bulk',
    sent: 0,
    accepted: 0,
    replayed: 0,
    rejected: 0,
    retries: 0,
    claims: 0,
    elapsedMs: 0,
    ratePerSecond: 0,
    rejections: [],
  };
  let lastReport = { at: started, answered: 0 };

  // A fatal error in any request (bad credentials, ingest gone) stops the run; tasks never reject
  // on their own, so nothing is left unhandled while the loop is busy elsewhere.
  let failure: unknown;
  const stopped = (): boolean => options.signal?.aborted === true || failure !== undefined;
  const settle = (task: Promise<SendResult>): Promise<void> =>
    task.then(record, (err: unknown) => {
      failure ??= err;
    });

  function record(result: SendResult): void {
    state.accepted += result.accepted;
    state.replayed += result.replayed;
    state.rejected += result.rejected.length;
    for (const rejection of result.rejected) {
      if (state.rejections.length < MAX_KEPT_REJECTIONS) state.rejections.push(rejection);
    }
  }

  function snapshot(): PostProgress {
    const at = now();
    const answered = state.accepted + state.rejected;
    const seconds = (at - lastReport.at) / 1000;
    const progress: PostProgress = {
      phase: state.phase,
      sent: state.sent,
      accepted: state.accepted,
      replayed: state.replayed,
      rejected: state.rejected,
      retries: options.retries?.() ?? 0,
      claims: state.claims,
      elapsedMs: at - started,
      ratePerSecond: seconds > 0 ? Math.round((answered - lastReport.answered) / seconds) : 0,
    };
    if (state.type !== undefined) progress.type = state.type;
    lastReport = { at, answered };
    return progress;
  }

  async function postBulk(events: Iterable<FeedEvent>): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    let batch: FeedEvent[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const first = batch[0] as FeedEvent;
      const sending = batch;
      batch = [];
      while (inFlight.size >= bulkConcurrency) await Promise.race(inFlight);
      state.sent += sending.length;
      const task = settle(options.client.sendBatch(first.department, first.type, sending)).finally(() =>
        inFlight.delete(task),
      );
      inFlight.add(task);
    };
    for (const event of events) {
      if (stopped()) break;
      const first = batch[0];
      if (first && (first.type !== event.type || first.department !== event.department)) {
        await flush();
        // A new section: the previous type is fully in before the next starts.
        await Promise.all(inFlight);
      }
      state.type = event.type;
      batch.push(event);
      if (batch.length >= batchSize) await flush();
    }
    if (!stopped()) await flush();
    await Promise.all(inFlight);
    delete state.type;
  }

  async function postLive(events: Iterable<FeedEvent>): Promise<void> {
    const liveStart = now();
    const intervalMs = 1000 / rate;
    let base = liveStart;
    let index = 0;
    let sentLive = 0;
    const inFlight = new Set<Promise<void>>();
    // The last send per Kafka key: the next event with that key waits for it.
    const lastByKey = new Map<string, Promise<void>>();
    for (const event of events) {
      if (stopped()) break;
      if (options.durationMs !== undefined && now() - liveStart >= options.durationMs) break;
      if (options.events !== undefined && sentLive >= options.events) break;
      if (options.claims !== undefined && state.claims >= options.claims) break;
      let due = base + index * intervalMs;
      const late = now() - due;
      // Far behind (ingest slowed down): carry on at the rate from here rather than burst to catch up.
      if (late > 1000) {
        base += late;
        due = now();
      }
      if (due > now()) await sleep(due - now());
      while (inFlight.size >= liveConcurrency) await Promise.race(inFlight);
      index++;
      sentLive++;
      state.sent++;
      if (event.type === 'huimin.feed.medical-expense.recorded.v1') state.claims++;
      const key = kafkaKeyOf(event);
      const previous = lastByKey.get(key) ?? Promise.resolve();
      const task: Promise<void> = settle(previous.then(() => options.client.sendOne(event))).finally(() => {
        inFlight.delete(task);
        if (lastByKey.get(key) === task) lastByKey.delete(key);
      });
      lastByKey.set(key, task);
      inFlight.add(task);
    }
    await Promise.all(inFlight);
  }

  const timer =
    options.onProgress && progressEveryMs > 0
      ? setInterval(() => options.onProgress?.(snapshot()), progressEveryMs)
      : undefined;
  timer?.unref();
  try {
    if (options.bulk) await postBulk(options.bulk);
    state.phase = 'live';
    if (options.live && !stopped()) await postLive(options.live);
    state.phase = 'done';
  } finally {
    if (timer) clearInterval(timer);
  }
  if (failure !== undefined) throw failure;
  const final = snapshot();
  return { ...final, ratePerSecond: rateOverall(final), rejections: state.rejections };
}

function rateOverall(progress: PostProgress): number {
  const seconds = progress.elapsedMs / 1000;
  return seconds > 0 ? Math.round((progress.accepted + progress.rejected) / seconds) : 0;
}

/** The topic and key the contract puts the event under: per-key order is what consumers rely on. */
function kafkaKeyOf(event: FeedEvent): string {
  const definition = eventDefinition(event.type);
  return definition ? `${definition.topic.name}|${definition.key(event.payload)}` : event.id;
}
