import {
  type Context,
  context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';

/**
 * Messaging spans follow one pinned version of the OpenTelemetry semantic conventions:
 * v1.37.0, "Semantic conventions for messaging spans" and its Kafka page. Per message, a
 * `create <topic>` span (PRODUCER) where the event is built (inside the handler or request that
 * caused it, before the outbox row is written); per publish request and trace, a
 * `send <topic>` span (CLIENT, since creation has its own span) parented by the message's creation
 * context and linked to every message it sends; per handled event (or run of events), a
 * `process <topic>` span (CONSUMER) parented by the creation context the event carries. Attributes
 * are the convention's `messaging.*` names; nothing personal (no keys, no payloads).
 */
export const SEMCONV_VERSION = '1.37.0';
export const MESSAGING_SYSTEM = 'kafka';

export function messagingTracer(): Tracer {
  return trace.getTracer('@huimin/kafka');
}

/** The context a `traceparent` header (text or bytes) names, or none. */
export function contextFromTraceparent(value: string | Buffer | undefined): Context | undefined {
  if (value === undefined) return undefined;
  const traceparent = typeof value === 'string' ? value : value.toString('utf8');
  const extracted = propagation.extract(ROOT_CONTEXT, { traceparent });
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

/**
 * Runs one Kafka publish request inside `send <topic>` spans: one per (topic, trace) among the
 * records, parented by that trace's creation context and linked to each message's, so a relay batch
 * that carries many claims adds a `send` span to each claim's trace.
 */
export async function tracedSend<R extends { topic: string; headers: Record<string, string | Buffer> }>(
  records: readonly R[],
  send: () => Promise<void>,
): Promise<void> {
  const tracer = messagingTracer();
  const groups = new Map<string, { topic: string; parent: Context; links: Link[]; count: number }>();
  for (const record of records) {
    const created = contextFromTraceparent(record.headers.traceparent);
    const spanContext = created ? trace.getSpanContext(created) : undefined;
    const key = `${record.topic}\u0000${spanContext?.traceId ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = { topic: record.topic, parent: created ?? context.active(), links: [], count: 0 };
      groups.set(key, group);
    }
    group.count += 1;
    if (spanContext) group.links.push({ context: spanContext });
  }
  const spans = [...groups.values()].map((group) =>
    tracer.startSpan(
      `send ${group.topic}`,
      {
        kind: SpanKind.CLIENT,
        links: group.links,
        attributes: {
          'messaging.system': MESSAGING_SYSTEM,
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'send',
          'messaging.destination.name': group.topic,
          ...(group.count > 1 ? { 'messaging.batch.message_count': group.count } : {}),
        },
      },
      group.parent,
    ),
  );
  try {
    await send();
  } catch (err: unknown) {
    for (const span of spans) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    throw err;
  } finally {
    for (const span of spans) span.end();
  }
}
