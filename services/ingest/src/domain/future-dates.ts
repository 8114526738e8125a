import type { EventType } from '@huimin/contracts';

// Dates that record something that has already happened cannot lie after today (Asia/Shanghai).
// The contracts cannot check this (they hold no clock), so ingest does, with an injected today.
// Dates that may legitimately be ahead are not listed: an enrolment taking effect next month, a
// certificate's validUntil, a retraction's date (that of the report it withdraws).
const pastOnly: Partial<Record<EventType, readonly string[]>> = {
  'huimin.feed.medical-expense.recorded.v1': ['dateOfCare', 'businessDate'],
  'huimin.feed.medical-expense.corrected.v1': ['dateOfCare', 'businessDate'],
  'huimin.feed.disability.certified.v1': ['businessDate'],
  'huimin.feed.department-signal.reported.v1': ['businessDate'],
};

export interface FutureDateProblem {
  pointer: string;
  code: 'IN_FUTURE';
  message: string;
}

/** `today` is YYYY-MM-DD on the Asia/Shanghai calendar; dates compare as text in that shape. */
export function datesInFuture(
  type: EventType,
  payload: Record<string, unknown>,
  today: string,
): FutureDateProblem[] {
  return (pastOnly[type] ?? []).flatMap((field) => {
    const value = payload[field];
    return typeof value === 'string' && value > today
      ? [{ pointer: `/${field}`, code: 'IN_FUTURE' as const, message: 'is after today (Asia/Shanghai)' }]
      : [];
  });
}

export function pastOnlyFields(type: EventType): readonly string[] {
  return pastOnly[type] ?? [];
}
