import {
  type AlertAssigned,
  type AlertCauseWithdrawn,
  type AlertClosed,
  type AlertDismissed,
  type AlertEvidenceAdded,
  type AlertNoteAdded,
  type AlertOpened,
  type AlertSlaBreached,
  type AlertTaken,
  type AlertVisitStarted,
  nameOf,
} from '@huimin/contracts';

/** The alert events notify pushes, by contract name. */
export type AlertEvent =
  | { name: 'AlertOpened'; payload: AlertOpened }
  | { name: 'AlertEvidenceAdded'; payload: AlertEvidenceAdded }
  | { name: 'AlertAssigned'; payload: AlertAssigned }
  | { name: 'AlertTaken'; payload: AlertTaken }
  | { name: 'AlertVisitStarted'; payload: AlertVisitStarted }
  | { name: 'AlertNoteAdded'; payload: AlertNoteAdded }
  | { name: 'AlertSlaBreached'; payload: AlertSlaBreached }
  | { name: 'AlertClosed'; payload: AlertClosed }
  | { name: 'AlertDismissed'; payload: AlertDismissed }
  | { name: 'AlertCauseWithdrawn'; payload: AlertCauseWithdrawn };

export type AlertEventName = AlertEvent['name'];

/**
 * What a handler's console receives for one event (the `data` of an SSE `alert` event): the
 * event's own fields, the community's and town's names, and when it happened. A resident ID
 * never leaves discovery through notify: the few alerts about a person without a household carry
 * `subject: 'person'` and the console asks discovery (which audits the read) for more.
 */
export interface Notice {
  event: AlertEventName;
  eventId: string;
  occurredAt: string;
  alertId: string;
  communityCode: string;
  communityName: string;
  townCode: string;
  townName: string;
  assigneeUserId?: string;
  /** The alert's title when notify has seen it opened (later events do not carry it). */
  title?: string;
  subject?: 'household' | 'person';
  [field: string]: unknown;
}

export function noticeOf(
  event: AlertEvent,
  meta: { eventId: string; occurredAt: string; title?: string | undefined },
): Notice {
  const {
    residentId: _personal,
    householdId,
    ...fields
  } = event.payload as Record<string, unknown> & {
    residentId?: string;
    householdId?: string;
  };
  const p = event.payload;
  const notice: Notice = {
    ...fields,
    event: event.name,
    eventId: meta.eventId,
    occurredAt: meta.occurredAt,
    alertId: p.alertId,
    communityCode: p.communityCode,
    communityName: nameOf(p.communityCode) ?? p.communityCode,
    townCode: p.townCode,
    townName: nameOf(p.townCode) ?? p.townCode,
  };
  if (householdId !== undefined) {
    notice.householdId = householdId;
    notice.subject = 'household';
  } else if (_personal !== undefined) {
    notice.subject = 'person';
  }
  if (p.assigneeUserId !== undefined) notice.assigneeUserId = p.assigneeUserId;
  if (meta.title !== undefined && notice.title === undefined) notice.title = meta.title;
  return notice;
}
