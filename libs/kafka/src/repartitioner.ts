import type { Logger } from '@huimin/kit';
import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { deadLetterRecord, headersAsStrings } from './dead-letter.ts';
import { createProducer, createPublisher, type PublishableRecord } from './publisher.ts';
import { contextFromTraceparent, MESSAGING_SYSTEM, messagingTracer } from './tracing.ts';

export interface RepartitionedRecord {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface RepartitionerOptions {
  kafka: Kafka;
  groupId: string;
  /** The topic read, keyed by one thing (e.g. the patient's resident ID). */
  from: string;
  /**
   * The topic written, keyed by another (e.g. household id). Give it the same partition count as
   * the topic it is joined with: Kafka's default partitioner (murmur2 of the key, which kafkajs
   * shares with the Java client) then puts a key on the same partition number in both, so one
   * consumer instance sees both sides of a key (co-partitioning).
   */
  to: string;
  /** The new key, or null when it cannot be known yet (the record is then dead-lettered with the reason). */
  rekey?: (record: RepartitionedRecord) => Promise<string | null>;
  /**
   * Instead of `rekey`: decides a whole fetched batch at once (one look-up for the lot), one
   * outcome per record in order: published under `key`, `held` by the caller (it has stored the
   * record itself, durably, before resolving; nothing is published), `skip`ped, or dead-lettered
   * with `error`. Offsets are committed only after the published records are acknowledged.
   */
  route?: (records: RepartitionedRecord[]) => Promise<RouteOutcome[]>;
  logger: Logger;
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  partitionsConsumedConcurrently?: number;
}

export type RouteOutcome = { key: string } | { held: true } | { skip: true } | { error: Error };

export interface Repartitioner {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Consumes a topic and republishes each record, unchanged but for its key, onto another topic.
 * Records of a source partition are re-keyed and published in order, and offsets are committed
 * only after the target has them (acks=all), so per-key order holds for every source key and
 * nothing is lost; a crash in between republishes (consumers dedupe on `ce_id`).
 */
export function createRepartitioner(options: RepartitionerOptions): Repartitioner {
  const { kafka, groupId, from, to, rekey, route, logger } = options;
  const log = logger.child({ component: 'repartitioner', from, to });
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    ...(options.sessionTimeoutMs ? { sessionTimeout: options.sessionTimeoutMs } : {}),
    ...(options.heartbeatIntervalMs ? { heartbeatInterval: options.heartbeatIntervalMs } : {}),
  });
  if (!rekey === !route) throw new Error('give the repartitioner rekey or route');
  const producer: Producer = createProducer(kafka);
  const publisher = createPublisher({ producer });

  async function rekeyEach(records: RepartitionedRecord[]): Promise<RouteOutcome[]> {
    const outcomes: RouteOutcome[] = [];
    for (const record of records) {
      const key = await (rekey as NonNullable<typeof rekey>)(record);
      outcomes.push(key === null ? { error: new Error('no key for this record yet') } : { key });
    }
    return outcomes;
  }

  function processSpan(
    topic: string,
    partition: number,
    message: KafkaMessage,
    record: RepartitionedRecord,
    outcome: RouteOutcome,
  ): void {
    const parent = contextFromTraceparent(record.headers.traceparent) ?? context.active();
    const span = messagingTracer().startSpan(
      `process ${topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': MESSAGING_SYSTEM,
          'messaging.operation.type': 'process',
          'messaging.operation.name': 'process',
          'messaging.destination.name': topic,
          'messaging.destination.partition.id': String(partition),
          'messaging.kafka.offset': Number(message.offset),
          'messaging.consumer.group.name': groupId,
        },
      },
      parent,
    );
    if ('error' in outcome) {
      span.recordException(outcome.error);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  }

  async function eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload) {
    const out: PublishableRecord[] = [];
    let last: KafkaMessage | undefined;
    const messages: KafkaMessage[] = [];
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      messages.push(message);
    }
    const records = messages.map(
      (message): RepartitionedRecord => ({
        key: message.key?.toString('utf8') ?? null,
        value: message.value,
        headers: headersAsStrings(message.headers),
      }),
    );
    const outcomes = route ? await route(records) : await rekeyEach(records);
    for (const [i, message] of messages.entries()) {
      const outcome = outcomes[i];
      const record = records[i] as RepartitionedRecord;
      if (!outcome) throw new Error('route gave fewer outcomes than records');
      // A `process <from>` span per record, in the record's trace (the batch was decided at once,
      // so the span marks the record's outcome rather than timing it). The re-keyed copy is the
      // same message and keeps its creation context (`traceparent` unchanged): its `send` and the
      // next consumer's `process` hang off the `create` span, beside this one.
      processSpan(batch.topic, batch.partition, message, record, outcome);
      if ('key' in outcome) {
        out.push({
          topic: to,
          key: outcome.key,
          headers: record.headers,
          value: message.value ?? Buffer.alloc(0),
        });
      } else if ('error' in outcome) {
        out.push(
          deadLetterRecord(
            { topic: batch.topic, partition: batch.partition, message },
            { error: outcome.error, attempts: 1, group: groupId, failedAt: new Date() },
          ),
        );
      }
      last = message;
    }
    if (!last) return;
    await publisher.publishRecords(out);
    resolveOffset(last.offset);
    await commitOffsetsIfNecessary();
    await heartbeat();
    log.debug({ partition: batch.partition, records: out.length }, 'records repartitioned');
  }

  return {
    async start() {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: from, fromBeginning: options.fromBeginning ?? true });
      await consumer.run({
        eachBatchAutoResolve: false,
        autoCommit: true,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch,
      });
    },
    async stop() {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
