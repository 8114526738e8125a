// First: kafkajs must find the header encoder in place when it loads (see the module).
import './header-encoding.ts';

export { appendEvent } from './append-event.ts';
export { createKafkaClient, type KafkaClientOptions, parseBrokers } from './client.ts';
export {
  type BatchContext,
  type BatchHandler,
  type BatchItem,
  CONSUMER_HEARTBEAT_INTERVAL_MS,
  CONSUMER_SESSION_TIMEOUT_MS,
  type ConsumerRunner,
  type ConsumerRunnerOptions,
  createConsumerRunner,
  type EventHandler,
  type HandlerContext,
  on,
  onBatch,
} from './consumer-runner.ts';
export { DLQ_HEADERS } from './dead-letter.ts';
export { type EventRecord, type EventRecordOptions, eventRecord } from './event-record.ts';
export { createGlobalTable, type GlobalTable, type GlobalTableOptions } from './global-table.ts';
export { isInfrastructureError } from './infrastructure-error.ts';
export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './outbox-relay.ts';
export { createProducer, createPublisher, type PublishableRecord, type Publisher } from './publisher.ts';
export {
  createRepartitioner,
  type RepartitionedRecord,
  type Repartitioner,
  type RepartitionerOptions,
  type RouteOutcome,
} from './repartitioner.ts';
export { type ReplayDlqOptions, type ReplayReport, replayDlq } from './replay-dlq.ts';
export { type KafkaSecurity, kafkaSecurityFromEnv } from './security.ts';
export {
  dlqTopicOf,
  type EnsureTopicsOptions,
  type EnsureTopicsReport,
  ensureTopics,
  type RetentionMode,
  topicConfigEntries,
} from './topics.ts';
