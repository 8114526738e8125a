import {
  type EventDefinition,
  type EventEnvelope,
  fromKafkaHeaders,
  validatePayload,
} from '@huimin/contracts';
import type { Logger } from '@huimin/kit';
import { recordInbox, withTransaction } from '@huimin/pg';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Static, TObject } from '@sinclair/typebox';
import type { Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import { watchLag } from './consumer-lag.ts';
import { deadLetterRecord } from './dead-letter.ts';
import { isInfrastructureError } from './infrastructure-error.ts';
import { type ConsumerMetrics, consumerMetrics } from './metrics.ts';
import { createProducer, createPublisher, type Publisher } from './publisher.ts';

/** What a handler gets besides the payload: the open transaction and where the event came from. */
export interface HandlerContext {
  /** The transaction the event's effects are written in, together with its inbox row. */
  client: pg.PoolClient;
  envelope: EventEnvelope;
  key: string | null;
  topic: string;
  partition: number;
  offset: string;
  log: Logger;
}

export interface EventHandler {
  type: string;
  topic: string;
  /** Checks a payload against the contract the way a consumer should (unknown fields tolerated). */
  accepts(payload: unknown): { ok: true } | { ok: false; problems: string };
  handle(payload: unknown, ctx: HandlerContext): Promise<void>;
  /**
   * Set by `onBatch`: the handlers of one `onBatch` call share it, and a chunk's consecutive events
   * of those types reach it in one call (set-based SQL instead of statements per event).
   */
  batch?: BatchHandler;
}

/** One event of a run handed to a batch handler, in partition order. */
export interface BatchItem<TType extends string = string, TPayload = unknown> {
  type: TType;
  payload: TPayload;
  envelope: EventEnvelope;
  key: string | null;
  offset: string;
}

/** What a batch handler gets besides its events: the chunk's open transaction. */
export interface BatchContext {
  /** The transaction the events' effects are written in, together with their inbox rows. */
  client: pg.PoolClient;
  topic: string;
  partition: number;
  log: Logger;
}

export interface BatchHandler {
  handle(items: BatchItem[], ctx: BatchContext): Promise<void>;
  /**
   * The handler's own writes are its inbox (an upsert keyed by the event's aggregate with a
   * version guard, so a redelivery changes nothing): the runner records no inbox row for its events.
   */
  ownInbox?: boolean;
}

type BatchItemOf<D> =
  D extends EventDefinition<infer TType, infer TSchema> ? BatchItem<TType, Static<TSchema>> : never;

/**
 * Pairs a contract event with its handler, typing the payload from the contract. `topic` reads the
 * event from another topic than its contract's: a repartitioned copy (claims re-keyed by household).
 */
export function on<TSchema extends TObject>(
  event: EventDefinition<string, TSchema>,
  handle: (payload: Static<TSchema>, ctx: HandlerContext) => Promise<void>,
  options: { topic?: string } = {},
): EventHandler {
  return {
    type: event.type,
    topic: options.topic ?? event.topic.name,
    accepts(payload) {
      const result = validatePayload(event, payload, { mode: 'consume' });
      if (result.ok) return { ok: true };
      return { ok: false, problems: result.errors.map((e) => `${e.pointer || '/'} ${e.message}`).join('; ') };
    },
    handle: handle as EventHandler['handle'],
  };
}

/**
 * Pairs several contract events with one handler that takes a run of them at once. With
 * `batchSize > 1` the runner records a chunk's inbox rows in one statement and hands the new
 * events (redeliveries already dropped), in partition order, to `handle` in the chunk's
 * transaction, so the handler can apply them set-wise and do per-aggregate work once at the end.
 * When the chunk fails, each event is retried alone and reaches `handle` as a run of one. The
 * handler must give the same result as applying the events one at a time, in order.
 */
export function onBatch<const TEvents extends readonly EventDefinition<string, TObject>[]>(
  events: TEvents,
  handle: (items: BatchItemOf<TEvents[number]>[], ctx: BatchContext) => Promise<void>,
  options: { topic?: string; ownInbox?: boolean } = {},
): EventHandler[] {
  const batch: BatchHandler = {
    handle: handle as BatchHandler['handle'],
    ...(options.ownInbox ? { ownInbox: true } : {}),
  };
  return events.map((event) => {
    const single = on(
      event,
      (payload, ctx) =>
        batch.handle(
          [{ type: event.type, payload, envelope: ctx.envelope, key: ctx.key, offset: ctx.offset }],
          { client: ctx.client, topic: ctx.topic, partition: ctx.partition, log: ctx.log },
        ),
      options.topic ? { topic: options.topic } : {},
    );
    return { ...single, batch };
  });
}

export interface ConsumerRunnerOptions {
  kafka: Kafka;
  pool: pg.Pool;
  /** Consumer group; also the inbox's consumer name, so replicas of one service share dedupe. */
  groupId: string;
  /** One list per service; the topics to subscribe to follow from it. */
  handlers: readonly EventHandler[];
  logger: Logger;
  registry?: Registry;
  /** Attempts before an event is dead-lettered (default 5). */
  maxAttempts?: number;
  /** First retry delay; doubles up to maxBackoffMs (defaults 200 ms and 5 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /**
   * For high-volume consumers: handle up to this many events of a partition in ONE transaction,
   * their inbox rows recorded in one statement and runs of `onBatch` handlers' events handed over
   * at once. Records that cannot be decoded are dead-lettered without holding the rest back. If
   * the transaction fails, the events are retried one by one, so a poison event only costs its own
   * retries. Default 1 (one transaction per event).
   */
  batchSize?: number;
  /** Read a new group's partitions from the beginning (default true: projections rebuild from history). */
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  partitionsConsumedConcurrently?: number;
  /** How often lag is measured from the broker's end offsets, with a registry (default 15 s). */
  lagIntervalMs?: number;
  now?: () => Date;
}

export interface ConsumerRunner {
  start(): Promise<void>;
  /** Finishes the event in hand, commits what is done, leaves the group. */
  stop(): Promise<void>;
  /** Backpressure: stop fetching (the group membership stays). */
  pause(): void;
  resume(): void;
}

type Decoded =
  | { kind: 'handle'; handler: EventHandler; envelope: EventEnvelope; payload: unknown }
  | { kind: 'skip'; type: string }
  | { kind: 'poison'; error: Error };

/**
 * How long the group waits for a member that stopped heartbeating (killed, frozen, cut off) before
 * its partitions move: the stall a consumer killed from outside costs its group. 10 s, down from
 * kafkajs's 30 s: a heartbeat goes out every second between batches (and while a retry backs off),
 * so only a single event held for over 10 s would cost a member its place. A member that stops
 * (SIGTERM → runner.stop()) leaves the group at once and waits for nothing. Measured on Apache
 * Kafka in libs/kafka/test/faults.apache.test.ts (docs/architecture.md, "Apache Kafka").
 */
export const CONSUMER_SESSION_TIMEOUT_MS = 10_000;
export const CONSUMER_HEARTBEAT_INTERVAL_MS = 1000;
export const CONSUMER_MAX_WAIT_MS = 1000;

class PoisonEventError extends Error {
  override name = 'PoisonEventError';
}

/**
 * Runs a service's Kafka consumers under the delivery rules: each event is handled in one Postgres
 * transaction with its inbox row (a redelivery changes nothing), transient failures are retried
 * with backoff, an event that keeps failing goes to `<topic>.dlq` with the error in its headers and
 * the partition moves on. Infrastructure failures (Postgres unreachable) are never dead-lettered:
 * the batch is abandoned and kafkajs retries it from the last committed offset.
 */
export function createConsumerRunner(options: ConsumerRunnerOptions): ConsumerRunner {
  const {
    kafka,
    pool,
    groupId,
    handlers,
    logger,
    maxAttempts = 5,
    backoffMs = 200,
    maxBackoffMs = 5000,
    batchSize = 1,
    now = () => new Date(),
  } = options;
  const log = logger.child({ component: 'consumer', groupId });
  const byType = new Map<string, EventHandler>();
  for (const handler of handlers) {
    if (byType.has(handler.type)) throw new Error(`two handlers for ${handler.type} in group ${groupId}`);
    byType.set(handler.type, handler);
  }
  const topics = [...new Set(handlers.map((handler) => handler.topic))];
  const metrics: ConsumerMetrics | undefined = options.registry
    ? consumerMetrics(options.registry)
    : undefined;
  const tracer = trace.getTracer('@huimin/kafka');

  const consumer: Consumer = kafka.consumer({
    groupId,
    sessionTimeout: options.sessionTimeoutMs ?? CONSUMER_SESSION_TIMEOUT_MS,
    heartbeatInterval: options.heartbeatIntervalMs ?? CONSUMER_HEARTBEAT_INTERVAL_MS,
    // A fetch waits at most 1 s for records (kafkajs: 5 s). The member notices a rebalance and
    // stops only between fetches, so a long wait is what a graceful leave or a join costs the group.
    maxWaitTimeInMs: CONSUMER_MAX_WAIT_MS,
    allowAutoTopicCreation: false,
  });
  const lag = metrics
    ? watchLag({
        kafka,
        consumer,
        groupId,
        gauge: metrics.lag,
        intervalMs: options.lagIntervalMs ?? 15_000,
        logger: log,
      })
    : undefined;
  const dlqProducer: Producer = createProducer(kafka);
  const dlq: Publisher = createPublisher({ producer: dlqProducer });

  function decode(message: KafkaMessage): Decoded {
    const reading = fromKafkaHeaders(message.headers ?? {});
    if (!reading.ok) return { kind: 'poison', error: new PoisonEventError(reading.message) };
    const handler = byType.get(reading.envelope.type);
    // Topics carry every event type of an aggregate; a consumer handles the ones it cares about.
    if (!handler) return { kind: 'skip', type: reading.envelope.type };
    let payload: unknown;
    try {
      payload = JSON.parse(message.value?.toString('utf8') ?? '');
    } catch (err: unknown) {
      return { kind: 'poison', error: new PoisonEventError(`value is not JSON: ${(err as Error).message}`) };
    }
    // A payload that breaks its contract would only fail (or worse, half-apply) in the handler.
    const verdict = handler.accepts(payload);
    if (!verdict.ok) {
      return {
        kind: 'poison',
        error: new PoisonEventError(`payload breaks ${reading.envelope.type}: ${verdict.problems}`),
      };
    }
    return { kind: 'handle', handler, envelope: reading.envelope, payload };
  }

  async function applyInTransaction(
    client: pg.PoolClient,
    batch: Batch,
    message: KafkaMessage,
    item: Extract<Decoded, { kind: 'handle' }>,
  ): Promise<'handled' | 'duplicate'> {
    if (!item.handler.batch?.ownInbox && !(await recordInbox(client, groupId, item.envelope.id)))
      return 'duplicate';
    await applyHandler(client, batch, message, item);
    return 'handled';
  }

  /** One event's handler, traced and timed; the caller has recorded its inbox row. */
  async function applyHandler(
    client: pg.PoolClient,
    batch: Batch,
    message: KafkaMessage,
    item: Extract<Decoded, { kind: 'handle' }>,
  ): Promise<void> {
    const carrier = item.envelope.traceparent ? { traceparent: item.envelope.traceparent } : {};
    const parent = propagation.extract(ROOT_CONTEXT, carrier);
    const span = tracer.startSpan(
      `process ${batch.topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.operation.name': 'process',
          'messaging.destination.name': batch.topic,
          'messaging.destination.partition.id': String(batch.partition),
          'messaging.kafka.offset': Number(message.offset),
          'messaging.consumer.group.name': groupId,
          'messaging.message.id': item.envelope.id,
          'cloudevents.event_type': item.envelope.type,
        },
      },
      parent,
    );
    const started = performance.now();
    try {
      await context.with(trace.setSpan(parent, span), () =>
        item.handler.handle(item.payload, {
          client,
          envelope: item.envelope,
          key: message.key?.toString('utf8') ?? null,
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          log: log.child({ eventId: item.envelope.id, type: item.envelope.type }),
        }),
      );
    } catch (err: unknown) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
      metrics?.handlerSeconds.observe(
        { group: groupId, topic: batch.topic, type: item.envelope.type },
        (performance.now() - started) / 1000,
      );
    }
  }

  async function deadLetter(
    batch: Batch,
    message: KafkaMessage,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    await dlq.publishRecords([
      deadLetterRecord(
        { topic: batch.topic, partition: batch.partition, message },
        { error, attempts, group: groupId, failedAt: now() },
      ),
    ]);
    metrics?.events.inc({ group: groupId, topic: batch.topic, outcome: 'dead-lettered' });
    log.error(
      { topic: batch.topic, partition: batch.partition, offset: message.offset, attempts, err: error },
      'event dead-lettered',
    );
  }

  /** One event, retried with backoff; dead-lettered after maxAttempts. */
  async function processOne(payload: EachBatchPayload, message: KafkaMessage): Promise<void> {
    const { batch } = payload;
    const decoded = decode(message);
    if (decoded.kind === 'skip') {
      metrics?.events.inc({ group: groupId, topic: batch.topic, outcome: 'skipped' });
      return;
    }
    if (decoded.kind === 'poison') {
      await deadLetter(batch, message, decoded.error, 0);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await withTransaction(pool, (client) =>
          applyInTransaction(client, batch, message, decoded),
        );
        metrics?.events.inc({ group: groupId, topic: batch.topic, outcome });
        return;
      } catch (err: unknown) {
        if (isInfrastructureError(err)) throw err;
        if (attempt >= maxAttempts) {
          await deadLetter(batch, message, err, attempt);
          return;
        }
        const delay = Math.min(backoffMs * 2 ** (attempt - 1), maxBackoffMs);
        log.warn(
          {
            topic: batch.topic,
            partition: batch.partition,
            offset: message.offset,
            attempt,
            delayMs: delay,
            err,
          },
          'event handler failed; retrying',
        );
        await sleepWithHeartbeat(payload, delay);
      }
    }
  }

  /**
   * Records the chunk's inbox rows in one statement; returns the events seen for the first time.
   * Ids are inserted in sorted order so two replicas racing on the same events cannot deadlock.
   */
  async function recordInboxOnce(client: pg.PoolClient, eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const { rows } = await client.query<{ event_id: string }>(
      `insert into inbox (consumer, event_id)
       select $1, id from unnest($2::text[]) as id order by id
       on conflict (consumer, event_id) do nothing
       returning event_id`,
      [groupId, [...new Set(eventIds)]],
    );
    return new Set(rows.map((row) => row.event_id));
  }

  /** A run of consecutive new events for one batch handler, traced and timed as one. */
  async function applyRun(
    client: pg.PoolClient,
    batch: Batch,
    handler: BatchHandler,
    run: { message: KafkaMessage; item: Extract<Decoded, { kind: 'handle' }> }[],
  ): Promise<void> {
    const first = run[0]?.item.envelope;
    const carrier = first?.traceparent ? { traceparent: first.traceparent } : {};
    const parent = propagation.extract(ROOT_CONTEXT, carrier);
    const span = tracer.startSpan(
      `process ${batch.topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.operation.name': 'process',
          'messaging.destination.name': batch.topic,
          'messaging.destination.partition.id': String(batch.partition),
          'messaging.consumer.group.name': groupId,
          'messaging.batch.message_count': run.length,
        },
      },
      parent,
    );
    const started = performance.now();
    try {
      await context.with(trace.setSpan(parent, span), () =>
        handler.handle(
          run.map(({ message, item }) => ({
            type: item.envelope.type,
            payload: item.payload,
            envelope: item.envelope,
            key: message.key?.toString('utf8') ?? null,
            offset: message.offset,
          })),
          { client, topic: batch.topic, partition: batch.partition, log },
        ),
      );
    } catch (err: unknown) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
      // Per-event handler time, so the histogram stays comparable with one-at-a-time consumers.
      const perEvent = (performance.now() - started) / 1000 / run.length;
      for (const { item } of run) {
        metrics?.handlerSeconds.observe(
          { group: groupId, topic: batch.topic, type: item.envelope.type },
          perEvent,
        );
      }
    }
  }

  /**
   * Several events in one transaction: one inbox statement, `onBatch` handlers given their runs at
   * once, the others one by one. Undecodable records are dead-lettered after the commit. If the
   * transaction fails, every event of the chunk is handled alone (retries, dead letters).
   */
  async function processChunk(payload: EachBatchPayload, messages: KafkaMessage[]): Promise<void> {
    const { batch } = payload;
    const decoded = messages.map((message) => ({ message, item: decode(message) }));
    type Handled = { message: KafkaMessage; item: Extract<Decoded, { kind: 'handle' }> };
    const handled = decoded.filter((d): d is Handled => d.item.kind === 'handle');
    let outcomes: { handled: number; duplicate: number };
    try {
      outcomes = await withTransaction(pool, async (client) => {
        const fresh = await recordInboxOnce(
          client,
          handled.filter(({ item }) => !item.handler.batch?.ownInbox).map(({ item }) => item.envelope.id),
        );
        for (const { item } of handled) if (item.handler.batch?.ownInbox) fresh.add(item.envelope.id);
        // The same event twice in one chunk: only its first delivery counts.
        const taken = new Set<string>();
        const todo = handled.filter(({ item }) => {
          const id = item.envelope.id;
          if (!fresh.has(id) || taken.has(id)) return false;
          taken.add(id);
          return true;
        });
        for (let i = 0; i < todo.length; ) {
          const { message, item } = todo[i] as Handled;
          const group = item.handler.batch;
          if (!group) {
            await applyHandler(client, batch, message, item);
            i += 1;
            continue;
          }
          let end = i + 1;
          while (end < todo.length && todo[end]?.item.handler.batch === group) end += 1;
          await applyRun(client, batch, group, todo.slice(i, end));
          i = end;
        }
        return { handled: todo.length, duplicate: handled.length - todo.length };
      });
    } catch (err: unknown) {
      if (isInfrastructureError(err)) throw err;
      log.warn(
        { topic: batch.topic, partition: batch.partition, err },
        'batch failed; handling its events one by one',
      );
      for (const message of messages) await processOne(payload, message);
      return;
    }
    metrics?.events.inc({ group: groupId, topic: batch.topic, outcome: 'handled' }, outcomes.handled);
    metrics?.events.inc({ group: groupId, topic: batch.topic, outcome: 'duplicate' }, outcomes.duplicate);
    for (const { message, item } of decoded) {
      if (item.kind === 'skip')
        metrics?.events.inc({ group: groupId, topic: batch.topic, outcome: 'skipped' });
      else if (item.kind === 'poison') await deadLetter(batch, message, item.error, 0);
    }
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    for (let i = 0; i < batch.messages.length; i += batchSize) {
      if (!isRunning() || isStale()) break;
      const chunk = batch.messages.slice(i, i + batchSize);
      if (chunk.length === 1) await processOne(payload, chunk[0] as KafkaMessage);
      else await processChunk(payload, chunk);
      resolveOffset((chunk[chunk.length - 1] as KafkaMessage).offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
    metrics?.lag.set(
      { group: groupId, topic: batch.topic, partition: String(batch.partition) },
      Number(batch.offsetLag()),
    );
  }

  return {
    async start() {
      if (topics.length === 0) throw new Error(`consumer group ${groupId} has no handlers`);
      await dlqProducer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: options.fromBeginning ?? true });
      await consumer.run({
        eachBatchAutoResolve: false,
        autoCommit: true,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch,
      });
      await lag?.start();
      log.info({ topics }, 'consuming');
    },
    async stop() {
      await lag?.stop();
      await consumer.disconnect();
      await dlqProducer.disconnect();
    },
    pause() {
      consumer.pause(topics.map((topic) => ({ topic })));
    },
    resume() {
      consumer.resume(topics.map((topic) => ({ topic })));
    },
  };
}

async function sleepWithHeartbeat(payload: EachBatchPayload, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, deadline - Date.now())));
    await payload.heartbeat();
  }
}
