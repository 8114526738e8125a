import type { Logger } from '@huimin/kit';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
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
  rekey: (record: RepartitionedRecord) => Promise<string | null>;
  logger: Logger;
  fromBeginning?: boolean;
}

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
  const { kafka, groupId, from, to, rekey, logger } = options;
  const log = logger.child({ component: 'repartitioner', from, to });
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const producer: Producer = createProducer(kafka);
  const publisher = createPublisher({ producer });

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
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      const record: RepartitionedRecord = {
        key: message.key?.toString('utf8') ?? null,
        value: message.value,
        headers: headersAsStrings(message.headers),
      };
      // A `process <from>` span per record, in the record's trace. The re-keyed copy is the same
      // message and keeps its creation context (`traceparent` unchanged): its `send` and the next
      // consumer's `process` hang off the `create` span, beside this one.
      const parent = contextFromTraceparent(record.headers.traceparent) ?? context.active();
      const span = messagingTracer().startSpan(
        `process ${batch.topic}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': MESSAGING_SYSTEM,
            'messaging.operation.type': 'process',
            'messaging.operation.name': 'process',
            'messaging.destination.name': batch.topic,
            'messaging.destination.partition.id': String(batch.partition),
            'messaging.kafka.offset': Number(message.offset),
            'messaging.consumer.group.name': groupId,
          },
        },
        parent,
      );
      const spanContext = trace.setSpan(parent, span);
      let key: string | null;
      try {
        key = await context.with(spanContext, () => rekey(record));
      } catch (err: unknown) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw err;
      } finally {
        span.end();
      }
      if (key === null) {
        out.push(
          deadLetterRecord(
            { topic: batch.topic, partition: batch.partition, message },
            {
              error: new Error('no key for this record yet'),
              attempts: 1,
              group: groupId,
              failedAt: new Date(),
            },
          ),
        );
      } else {
        out.push({ topic: to, key, headers: record.headers, value: message.value ?? Buffer.alloc(0) });
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
      await consumer.run({ eachBatchAutoResolve: false, autoCommit: true, eachBatch });
    },
    async stop() {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
