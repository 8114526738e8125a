import type { KafkaMessage } from 'kafkajs';
import type { PublishableRecord } from './publisher.ts';
import { dlqTopicOf } from './topics.ts';

/** Headers a dead-lettered record carries besides its original ones. */
export const DLQ_HEADERS = {
  error: 'huimin_dlq_error',
  errorType: 'huimin_dlq_error_type',
  attempts: 'huimin_dlq_attempts',
  topic: 'huimin_dlq_topic',
  partition: 'huimin_dlq_partition',
  offset: 'huimin_dlq_offset',
  group: 'huimin_dlq_group',
  failedAt: 'huimin_dlq_failed_at',
} as const;

const DLQ_PREFIX = 'huimin_dlq_';

export interface DeadLetterReason {
  error: unknown;
  attempts: number;
  group: string;
  failedAt: Date;
}

/** The record to park on `<topic>.dlq`: original key, value and headers, plus why and where it failed. */
export function deadLetterRecord(
  source: { topic: string; partition: number; message: KafkaMessage },
  reason: DeadLetterReason,
): PublishableRecord & { value: Buffer } {
  const err = reason.error;
  const message = err instanceof Error ? err.message : String(err);
  const headers: Record<string, string> = {
    ...headersAsStrings(source.message.headers),
    [DLQ_HEADERS.error]: message.slice(0, 2000),
    [DLQ_HEADERS.errorType]: err instanceof Error ? err.name : typeof err,
    [DLQ_HEADERS.attempts]: String(reason.attempts),
    [DLQ_HEADERS.topic]: source.topic,
    [DLQ_HEADERS.partition]: String(source.partition),
    [DLQ_HEADERS.offset]: source.message.offset,
    [DLQ_HEADERS.group]: reason.group,
    [DLQ_HEADERS.failedAt]: reason.failedAt.toISOString(),
  };
  return {
    topic: dlqTopicOf(source.topic),
    key: source.message.key?.toString('utf8') ?? '',
    headers,
    value: source.message.value ?? Buffer.alloc(0),
  };
}

/** The original headers of a dead-lettered record, without the DLQ's own. */
export function originalHeaders(headers: KafkaMessage['headers']): Record<string, string> {
  const all = headersAsStrings(headers);
  return Object.fromEntries(Object.entries(all).filter(([name]) => !name.startsWith(DLQ_PREFIX)));
}

export function headersAsStrings(headers: KafkaMessage['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = first.toString();
  }
  return result;
}
