import { randomUUID } from 'node:crypto';
import { createEnvelope, type EventDefinition, type EventEnvelope, toKafkaHeaders } from '@huimin/contracts';
import { context, propagation } from '@opentelemetry/api';
import type { Static, TObject } from '@sinclair/typebox';

/** One contract event, ready to go to Kafka: topic, key, CloudEvents headers and JSON value. */
export interface EventRecord {
  topic: string;
  key: string;
  headers: Record<string, string>;
  envelope: EventEnvelope;
  payload: unknown;
}

export interface EventRecordOptions {
  /** CloudEvents `source` of the producing service, e.g. `/huimin/risk`. */
  source: string;
  subject?: string;
  /** Defaults to a fresh UUID; pass one to make a retried publish idempotent downstream. */
  id?: string;
  now?: () => Date;
}

/**
 * Builds the record for a contract event: the topic and key come from the contract (never from
 * the caller, so an aggregate's events cannot land on different partitions), the headers carry the
 * CloudEvents attributes and the W3C trace context of the active span.
 */
export function eventRecord<TSchema extends TObject>(
  event: EventDefinition<string, TSchema>,
  payload: Static<TSchema>,
  options: EventRecordOptions,
): EventRecord {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const envelope = createEnvelope(
    {
      type: event.type,
      source: options.source,
      ...(options.subject === undefined ? {} : { subject: options.subject }),
      ...(carrier.traceparent === undefined ? {} : { traceparent: carrier.traceparent }),
    },
    { newId: () => options.id ?? randomUUID(), now: options.now ?? (() => new Date()) },
  );
  return {
    topic: event.topic.name,
    key: event.key(payload),
    headers: toKafkaHeaders(envelope),
    envelope,
    payload,
  };
}
