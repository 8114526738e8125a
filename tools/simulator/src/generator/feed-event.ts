import type { EventPayload, EventType } from '@huimin/contracts';
import type { Department } from '../departments.ts';

/** One event as a department sends it: what it is, who sends it, and the id it is sent under. */
export type FeedEvent = {
  [T in EventType]: {
    /** The department's event id: the Idempotency-Key of a single POST, the `id` of a batch line. */
    id: string;
    type: T;
    department: Department;
    payload: EventPayload<T>;
  };
}[EventType];

/** A feed event of one type. */
export type FeedEventOf<T extends EventType> = Extract<FeedEvent, { type: T }>;

/**
 * The CloudEvents id consumers see for an event a department sent: ingest publishes it as
 * `<department>:<event id>`, so that is what a correction's `correctsEventId` names.
 */
export function publishedEventId(event: Pick<FeedEvent, 'id' | 'department'>): string {
  return `${event.department}:${event.id}`;
}
