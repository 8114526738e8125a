import {
  AlertAssigned,
  AlertEvidenceAdded,
  AlertOpened,
  AlertTaken,
  AssistanceEnrolmentChanged,
  AssistanceEnrolmentRetracted,
  CaregiverRecorded,
  FundClosed,
  FundOpened,
  HouseholdDissolved,
  HouseholdRecordRetracted,
  HouseholdRegistered,
  HouseholdUpdated,
  OrderCancelled,
  OrderCompleted,
  OrderCreated,
  shanghaiDateOf,
  VisitAnomalyFlagged,
} from '@huimin/contracts';
import { type EventHandler, on } from '@huimin/kafka';
import { personKey } from '../domain/person-key.ts';
import { projectionStore as store } from '../store/projection-store.ts';

/**
 * The platform's streams the scorecard reads: households (registered elders, tekun members'
 * towns), enrolments (tekun, centralised or not), eldercare orders (visits, home adaptation) and
 * caregivers, charity funds, discovery's alerts. Each handler writes in the consumer's transaction
 * with the event's inbox row, so a redelivery changes nothing.
 */
export function feedHandlers(): EventHandler[] {
  const household = (p: HouseholdRegistered, eventId: string) => ({
    eventId,
    householdId: p.householdId,
    businessDate: p.businessDate,
    dissolved: false,
    townCode: p.townCode,
    communityCode: p.communityCode,
    members: p.members.map((m) => ({ k: personKey(m.residentId), b: m.birthDate, l: m.hukouLocal })),
  });
  return [
    on(HouseholdRegistered, (p, ctx) => store.householdReport(ctx.client, household(p, ctx.envelope.id))),
    on(HouseholdUpdated, (p, ctx) => store.householdReport(ctx.client, household(p, ctx.envelope.id))),
    on(HouseholdDissolved, (p, ctx) =>
      store.householdReport(ctx.client, {
        eventId: ctx.envelope.id,
        householdId: p.householdId,
        businessDate: p.businessDate,
        dissolved: true,
        townCode: null,
        communityCode: null,
        members: [],
      }),
    ),
    on(HouseholdRecordRetracted, (p, ctx) => store.retractHouseholdReport(ctx.client, p)),
    on(AssistanceEnrolmentChanged, (p, ctx) =>
      store.enrolmentChange(ctx.client, {
        eventId: ctx.envelope.id,
        enrolmentId: p.enrolmentId,
        householdId: p.householdId,
        businessDate: p.businessDate,
        programme: p.programme,
        change: p.change,
        beneficiaries: (p.beneficiaryResidentIds ?? []).map(personKey),
        wantsCentralisedCare: p.wantsCentralisedCare ?? null,
        cannotSelfCare: p.cannotSelfCare ?? null,
      }),
    ),
    on(AssistanceEnrolmentRetracted, (p, ctx) => store.retractEnrolmentChange(ctx.client, p)),
    on(OrderCreated, (p, ctx) => store.orderCreated(ctx.client, p)),
    on(OrderCompleted, (p, ctx) =>
      store.orderCompleted(ctx.client, p.orderId, shanghaiDateOf(new Date(p.startedAt))),
    ),
    on(OrderCancelled, (p, ctx) => store.orderCancelled(ctx.client, p.orderId)),
    on(VisitAnomalyFlagged, (p, ctx) => store.visitAnomaly(ctx.client, p.orderId)),
    on(CaregiverRecorded, (p, ctx) => store.caregiver(ctx.client, p)),
    on(FundOpened, (p, ctx) => store.fundOpened(ctx.client, p)),
    on(FundClosed, (p, ctx) => store.fundClosed(ctx.client, p)),
    on(AlertOpened, (p, ctx) =>
      store.alertOpened(ctx.client, {
        alertId: p.alertId,
        communityCode: p.communityCode,
        townCode: p.townCode,
        raisedAt: p.raisedAt,
        acknowledgeDueAt: p.acknowledgeDueAt,
        assignee: p.assigneeUserId,
        routedBy: p.routedBy,
      }),
    ),
    on(AlertEvidenceAdded, (p, ctx) => store.alertDeadlineMoved(ctx.client, p.alertId, p.acknowledgeDueAt)),
    // Routed by the roster or reassigned: the community has a handler. Given to the town's
    // supervisor for want of a roster: it has none.
    on(AlertAssigned, (p, ctx) =>
      store.alertAssigned(ctx.client, {
        alertId: p.alertId,
        communityCode: p.communityCode,
        townCode: p.townCode,
        rostered: p.reason !== 'no-roster',
        at: p.assignedAt,
      }),
    ),
    on(AlertTaken, (p, ctx) => store.alertAcknowledged(ctx.client, p.alertId, p.acknowledgedAt)),
  ];
}
