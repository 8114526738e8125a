/** The field (or rule) a topic's records are keyed by; Kafka keeps per-key order within a partition. */
export type TopicKey =
  | 'householdId'
  | 'patientResidentId'
  | 'residentId'
  | 'householdId|residentId'
  | 'alertId'
  | 'orderId'
  | 'caregiverId'
  | 'policyVersion'
  | 'applicationId'
  | 'fundId'
  | 'actorId';

export interface TopicRetention {
  /** Dev and test brokers keep everything so any service can rebuild from the beginning. */
  dev: 'forever';
  /** `compact` keeps the latest record per key; `{ ms }` deletes records older than that. */
  prod: 'compact' | { ms: number };
}

export interface TopicDefinition<TName extends string = string> {
  name: TName;
  partitions: number;
  key: TopicKey;
  retention: TopicRetention;
  description: string;
}

const TOPIC_NAME = /^huimin(\.[a-z0-9]+(-[a-z0-9]+)*)+$/;

export function defineTopic<const TName extends string>(
  topic: TopicDefinition<TName>,
): TopicDefinition<TName> {
  if (!TOPIC_NAME.test(topic.name))
    throw new Error(`topic name ${topic.name} is not huimin.<dotted kebab-case>`);
  if (!Number.isInteger(topic.partitions) || topic.partitions < 1) {
    throw new Error(`topic ${topic.name}: partitions must be a positive integer`);
  }
  if (
    typeof topic.retention.prod === 'object' &&
    !(Number.isInteger(topic.retention.prod.ms) && topic.retention.prod.ms > 0)
  ) {
    throw new Error(`topic ${topic.name}: retention ms must be a positive integer`);
  }
  return topic;
}
