import {
  AlertAssigned,
  AlertCauseWithdrawn,
  AlertClosed,
  AlertDismissed,
  AlertEvidenceAdded,
  AlertNoteAdded,
  AlertOpened,
  AlertSlaBreached,
  AlertTaken,
  AlertVisitStarted,
} from '@huimin/contracts';
import { type EventHandler, type HandlerContext, on } from '@huimin/kafka';
import type { Audience } from '../domain/audience.ts';
import { type AlertEvent, noticeOf } from '../domain/notice.ts';
import type { RobotDelivery } from '../robot-delivery.ts';
import { applyToAlert, forgetStandIns, recordStandIn, standInsFor } from '../store/alerts-store.ts';
import { appendToLog } from '../store/delivery-log.ts';

/**
 * Discovery's alert stream, consumed once per event across replicas (one consumer group, inbox
 * dedupe): the projection is updated, the event is appended to the delivery log with who it
 * concerns — from there the fan-out takes it to every replica's sessions — and the community's
 * group robots get their message queued, all in the consumer's one transaction.
 */
export function alertEventHandlers(deps: { robots: RobotDelivery; now: () => Date }): EventHandler[] {
  async function handle(event: AlertEvent, ctx: HandlerContext): Promise<void> {
    const { client, envelope } = ctx;
    const at = deps.now();
    const p = event.payload;
    if (event.name === 'AlertAssigned' && p.assigneeUserId !== undefined) {
      const assigned = event.payload;
      if (assigned.onBehalfOf !== undefined) {
        await recordStandIn(client, assigned.onBehalfOf, p.assigneeUserId, p.communityCode, at);
      } else if (assigned.reason === 'routed') {
        await forgetStandIns(client, p.assigneeUserId);
      }
    }
    const alert = await applyToAlert(client, event, at);
    const standIns =
      p.assigneeUserId === undefined ? [] : await standInsFor(client, p.assigneeUserId, p.communityCode, at);
    const audience: Audience = {
      communityCode: p.communityCode,
      townCode: p.townCode,
      assigneeUserId: p.assigneeUserId,
      standInUserIds: standIns.filter((id) => id !== p.assigneeUserId),
      toSupervisors: event.name === 'AlertSlaBreached' || alert.escalated,
      escalatedUserIds: event.name === 'AlertSlaBreached' ? event.payload.escalatedTo.userIds : [],
    };
    const notice = noticeOf(event, { eventId: envelope.id, occurredAt: envelope.time, title: alert.title });
    await deps.robots.onAlertEvent(client, event, envelope.id, alert);
    // Last: the append takes the log's lock, held until commit, so the less after it the better.
    await appendToLog(client, {
      eventId: envelope.id,
      eventType: envelope.type,
      audience,
      notice,
      occurredAt: new Date(envelope.time),
    });
  }

  return [
    on(AlertOpened, (payload, ctx) => handle({ name: 'AlertOpened', payload }, ctx)),
    on(AlertEvidenceAdded, (payload, ctx) => handle({ name: 'AlertEvidenceAdded', payload }, ctx)),
    on(AlertAssigned, (payload, ctx) => handle({ name: 'AlertAssigned', payload }, ctx)),
    on(AlertTaken, (payload, ctx) => handle({ name: 'AlertTaken', payload }, ctx)),
    on(AlertVisitStarted, (payload, ctx) => handle({ name: 'AlertVisitStarted', payload }, ctx)),
    on(AlertNoteAdded, (payload, ctx) => handle({ name: 'AlertNoteAdded', payload }, ctx)),
    on(AlertSlaBreached, (payload, ctx) => handle({ name: 'AlertSlaBreached', payload }, ctx)),
    on(AlertClosed, (payload, ctx) => handle({ name: 'AlertClosed', payload }, ctx)),
    on(AlertDismissed, (payload, ctx) => handle({ name: 'AlertDismissed', payload }, ctx)),
    on(AlertCauseWithdrawn, (payload, ctx) => handle({ name: 'AlertCauseWithdrawn', payload }, ctx)),
  ];
}
