import { randomUUID } from 'node:crypto';
import { createEnvelope, type EventDefinition, type EventEnvelope, toKafkaHeaders } from '@huimin/contracts';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import type { Static, TObject } from '@sinclair/typebox';
import { MESSAGING_SYSTEM, messagingTracer } from './tracing.ts';

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
 * CloudEvents attributes and the W3C trace context of the message's `create` span (a child of the
 * active span).
 */
export function eventRecord<TSchema extends TObject>(
  event: EventDefinition<string, TSchema>,
  payload: Static<TSchema>,
  options: EventRecordOptions,
): EventRecord {
  // The message's creation context (semantic conventions: a `create` span per message). The
  // envelope carries it, the outbox stores it with the row, the relay's `send` span and every
  // consumer's `process` span continue from it, so the event stays in the trace that made it.
  const span = messagingTracer().startSpan(`create ${event.topic.name}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.system': MESSAGING_SYSTEM,
      'messaging.operation.type': 'create',
      'messaging.operation.name': 'create',
      'messaging.destination.name': event.topic.name,
      'cloudevents.event_type': event.type,
    },
  });
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  const envelope = createEnvelope(
    {
      type: event.type,
      source: options.source,
      ...(options.subject === undefined ? {} : { subject: options.subject }),
      ...(carrier.traceparent === undefined ? {} : { traceparent: carrier.traceparent }),
    },
    { newId: () => options.id ?? randomUUID(), now: options.now ?? (() => new Date()) },
  );
  span.setAttribute('messaging.message.id', envelope.id);
  span.end();
  return {
    topic: event.topic.name,
    key: event.key(payload),
    headers: toKafkaHeaders(envelope),
    envelope,
    payload,
  };
}
