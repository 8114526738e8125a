import type { EventDefinition } from './define-event.ts';
import type { TopicDefinition } from './define-topic.ts';
import { createEnvelope, toKafkaHeaders } from './envelope.ts';
import { eventsOnTopic, topics } from './registry.ts';

// The AsyncAPI 3.0 description of every topic (channel) and event type (message), generated from
// the declarations so the docs cannot drift from what ingest validates.

type Json = Record<string, unknown>;

const KAFKA_BINDING_VERSION = '0.5.0';

/** Plain JSON Schema of a TypeBox schema (TypeBox's symbol keys dropped). */
function jsonSchema(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema)) as Json;
}

/** The service that publishes on a topic, as the CloudEvents `source` of its events. */
export function producerSource(topic: TopicDefinition): string {
  const area = topic.name.split('.')[1] ?? 'unknown';
  return area === 'feed' ? '/huimin/ingest' : `/huimin/${area}`;
}

function headersSchema(event: EventDefinition): Json {
  return {
    type: 'object',
    description:
      'CloudEvents 1.0 attributes in binary mode (CloudEvents Kafka protocol binding) and W3C trace context',
    required: ['ce_id', 'ce_source', 'ce_type', 'ce_specversion', 'ce_time', 'content-type'],
    properties: {
      ce_id: { type: 'string', description: 'event id, unique per source; consumers deduplicate on it' },
      ce_source: { type: 'string', description: 'producing service, e.g. /huimin/ingest' },
      ce_type: { type: 'string', const: event.type },
      ce_specversion: { type: 'string', const: '1.0' },
      ce_time: { type: 'string', format: 'date-time' },
      ce_subject: { type: 'string' },
      'content-type': { type: 'string', const: 'application/json' },
      traceparent: { type: 'string', description: 'W3C Trace Context of the producing span' },
    },
  };
}

function retentionConfig(topic: TopicDefinition): Json {
  const prod = topic.retention.prod;
  return prod === 'compact'
    ? { 'cleanup.policy': ['compact'] }
    : { 'cleanup.policy': ['delete'], 'retention.ms': prod.ms };
}

function message(event: EventDefinition): Json {
  const envelope = createEnvelope(
    { type: event.type, source: producerSource(event.topic) },
    // Fixed id and time keep the generated document stable from run to run.
    { newId: () => '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b', now: () => new Date('2025-03-03T02:00:05.020Z') },
  );
  return {
    name: event.name,
    title: event.name,
    summary: event.description,
    contentType: 'application/json',
    headers: headersSchema(event),
    payload: jsonSchema(event.schema),
    examples: [{ name: `${event.name}Example`, headers: toKafkaHeaders(envelope), payload: event.example }],
    bindings: {
      kafka: {
        key: { type: 'string', description: `Kafka key: ${event.topic.key}` },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

export function buildAsyncApiDocument(): Json {
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  for (const topic of Object.values(topics) as TopicDefinition[]) {
    const onTopic = eventsOnTopic(topic);
    const prod = topic.retention.prod;
    channels[topic.name] = {
      address: topic.name,
      title: topic.name,
      description: `${topic.description}\n\nKey: ${topic.key}. Partitions: ${topic.partitions}. Retention: dev keeps everything; prod ${
        prod === 'compact' ? 'compacts (latest record per key)' : `deletes after ${prod.ms} ms`
      }.`,
      messages: Object.fromEntries(onTopic.map((e) => [e.name, { $ref: `#/components/messages/${e.name}` }])),
      bindings: {
        kafka: {
          topic: topic.name,
          partitions: topic.partitions,
          topicConfiguration: retentionConfig(topic),
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    };
    operations[`${topic.name}.publish`] = {
      action: 'send',
      title: `Publish to ${topic.name}`,
      summary: `${producerSource(topic)} publishes; every service that needs the facts consumes.`,
      channel: { $ref: `#/channels/${topic.name}` },
      messages: onTopic.map((e) => ({ $ref: `#/channels/${topic.name}/messages/${e.name}` })),
    };
    for (const event of onTopic) messages[event.name] = message(event);
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Huimin events',
      version: '1.0.0',
      description:
        'Every Kafka topic and event type of the Huimin platform, generated from @huimin/contracts. Payloads are JSON; CloudEvents attributes travel as ce_* headers. Producers reject undeclared properties; consumers must tolerate them (within a version only optional properties are added).',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}
