import type { EventDefinition } from '@huimin/contracts';
import type { Static, TObject } from '@sinclair/typebox';
import {
  CompressionTypes,
  type Kafka,
  type Message,
  Partitioners,
  type Producer,
  type TopicMessages,
} from 'kafkajs';
import { type EventRecord, type EventRecordOptions, eventRecord } from './event-record.ts';
import { tracedSend } from './tracing.ts';

/**
 * The producer every service uses: idempotent (a retried batch is written once), acks from all
 * in-sync replicas, one request in flight per broker so retries cannot reorder a key's events.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // Murmur2, as the Java client: co-partitioning with topics written by other clients holds.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

export interface Publisher {
  /** Publishes one contract event and resolves once every in-sync replica has it. */
  publish<TSchema extends TObject>(
    event: EventDefinition<string, TSchema>,
    payload: Static<TSchema>,
    options: EventRecordOptions,
  ): Promise<EventRecord>;
  /** Publishes records in order, in one request per broker; per-key order is kept. */
  publishRecords(records: readonly PublishableRecord[]): Promise<void>;
}

/** What the relay and the repartitioner send: already-built records (value as JSON text). */
export interface PublishableRecord {
  topic: string;
  key: string;
  /** Header values as text, or already encoded (a batch's shared headers, encoded once). */
  headers: Record<string, string | Buffer>;
  value: string | Buffer;
}

export interface PublisherOptions {
  producer: Producer;
  /** Compress batches on the wire (stored compressed by the broker). */
  compression?: 'none' | 'gzip';
}

/**
 * Direct publishing, for ingest only (it owns no state, so Kafka is its durable store). Every other
 * service appends to its outbox and lets the relay publish. The producer must be connected.
 */
export function createPublisher({ producer, compression = 'none' }: PublisherOptions): Publisher {
  const codec = compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;

  async function publishRecords(records: readonly PublishableRecord[]): Promise<void> {
    if (records.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const record of records) {
      let messages = byTopic.get(record.topic);
      if (!messages) {
        messages = [];
        byTopic.set(record.topic, messages);
      }
      messages.push({ key: record.key, value: record.value, headers: record.headers });
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    await tracedSend(records, async () => {
      await producer.sendBatch({ topicMessages, acks: -1, compression: codec });
    });
  }

  return {
    async publish(event, payload, options) {
      const record = eventRecord(event, payload, options);
      await publishRecords([
        {
          topic: record.topic,
          key: record.key,
          headers: record.headers,
          value: JSON.stringify(record.payload),
        },
      ]);
      return record;
    },
    publishRecords,
  };
}
