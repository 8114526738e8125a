import { type EventType, type ValidationErrorCode, validateEvent } from '@huimin/contracts';
import { type Grant, outsideGrant } from './departments.ts';
import { datesInFuture } from './future-dates.ts';

/** One problem with a submitted event, located by a JSON pointer into what was sent. */
export interface Problem {
  pointer: string;
  code:
    | ValidationErrorCode
    | 'IN_FUTURE'
    | 'NOT_PERMITTED'
    | 'MALFORMED_JSON'
    | 'DUPLICATE_ID'
    | 'IDEMPOTENCY_KEY_REUSED'
    | 'IDEMPOTENCY_KEY_IN_FLIGHT';
  message: string;
}

export type EventCheck =
  | { ok: true; payload: Record<string, unknown> }
  | { ok: false; verdict: 'invalid' | 'not-permitted'; problems: Problem[] };

/**
 * Everything ingest asks of a payload before it may reach Kafka: the contract's schema and
 * producer rules (resident IDs, integer fen, a member listed twice, …), no date of an event that
 * already happened after today, and the department's grant (a grid worker's signal must be a grid
 * report). Schema problems are all reported at once; the date and grant checks read typed fields,
 * so they run only on a payload the contract accepts.
 */
export function checkEvent(type: EventType, payload: unknown, grant: Grant, today: string): EventCheck {
  const result = validateEvent(type, payload);
  if (!result.ok) return { ok: false, verdict: 'invalid', problems: result.errors };
  const value = result.value as Record<string, unknown>;
  const future = datesInFuture(type, value, today);
  if (future.length > 0) return { ok: false, verdict: 'invalid', problems: future };
  const outside = outsideGrant(grant, value);
  if (outside.length > 0) return { ok: false, verdict: 'not-permitted', problems: outside };
  return { ok: true, payload: value };
}
