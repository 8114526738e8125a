import type { DepartmentCode } from './departments.ts';

// The department names each event (the Idempotency-Key of a single POST, the `id` of a batch
// line). Ingest publishes it as the CloudEvents id prefixed with the department, so two departments
// that happen to pick the same id never collide in a consumer's inbox, and a retry after a Redis
// loss still carries the same ce_id and is dropped by the consumers' inboxes.

const EVENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,95}$/;

export const EVENT_ID_PATTERN = EVENT_ID.source;

export function isEventId(value: unknown): value is string {
  return typeof value === 'string' && EVENT_ID.test(value);
}

/** The `ce_id` an event of this department is published under. */
export function publishedEventId(department: DepartmentCode, eventId: string): string {
  return `${department}:${eventId}`;
}
