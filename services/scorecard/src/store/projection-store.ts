import type {
  AssistanceEnrolmentRetracted,
  CaregiverRecorded,
  FundClosed,
  FundOpened,
  HouseholdRecordRetracted,
  OrderCreated,
} from '@huimin/contracts';
import type { Queryable } from '@huimin/pg';

export interface HouseholdReport {
  eventId: string;
  householdId: string;
  businessDate: string;
  dissolved: boolean;
  townCode: string | null;
  communityCode: string | null;
  /** k: person key, b: birth date, l: registered locally (户籍在本地). */
  members: { k: string; b: string; l: boolean }[];
}

export interface EnrolmentChange {
  eventId: string;
  enrolmentId: string;
  householdId: string;
  businessDate: string;
  programme: string;
  change: 'enrolled' | 'amount-changed' | 'exited';
  beneficiaries: string[];
  wantsCentralisedCare: boolean | null;
  cannotSelfCare: boolean | null;
}

export interface AlertOpening {
  alertId: string;
  communityCode: string;
  townCode: string;
  raisedAt: string;
  acknowledgeDueAt: string;
  assignee: string | undefined;
  /** How discovery chose the assignee; absent in events from before it said. */
  routedBy?: 'roster' | 'delegate' | 'supervisors' | 'unassigned' | undefined;
}

/** The scorecard's projections of the platform's streams (histories, so past months recompute). */
export const projectionStore = {
  async householdReport(db: Queryable, r: HouseholdReport): Promise<void> {
    await db.query(
      `insert into household_reports (event_id, household_id, business_date, dissolved, town_code,
                                      community_code, members)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict (event_id) do nothing`,
      [
        r.eventId,
        r.householdId,
        r.businessDate,
        r.dissolved,
        r.townCode,
        r.communityCode,
        JSON.stringify(r.members),
      ],
    );
  },

  /** The exact event when named, otherwise the household's reports of that business date. */
  async retractHouseholdReport(db: Queryable, p: HouseholdRecordRetracted): Promise<void> {
    if (p.retractsEventId !== undefined) {
      await db.query(
        `update household_reports set retracted = true where event_id = $1 and household_id = $2`,
        [p.retractsEventId, p.householdId],
      );
    } else {
      await db.query(
        `update household_reports set retracted = true where household_id = $1 and business_date = $2`,
        [p.householdId, p.businessDate],
      );
    }
  },

  async enrolmentChange(db: Queryable, c: EnrolmentChange): Promise<void> {
    await db.query(
      `insert into enrolment_changes (event_id, enrolment_id, household_id, business_date, programme,
                                      change, beneficiaries, wants_centralised_care, cannot_self_care)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (event_id) do nothing`,
      [
        c.eventId,
        c.enrolmentId,
        c.householdId,
        c.businessDate,
        c.programme,
        c.change,
        c.beneficiaries,
        c.wantsCentralisedCare,
        c.cannotSelfCare,
      ],
    );
  },

  /** The enrolment stands as before the retracted change. */
  async retractEnrolmentChange(db: Queryable, p: AssistanceEnrolmentRetracted): Promise<void> {
    if (p.retractsEventId !== undefined) {
      await db.query(
        `update enrolment_changes set retracted = true where event_id = $1 and enrolment_id = $2`,
        [p.retractsEventId, p.enrolmentId],
      );
    } else {
      await db.query(
        `update enrolment_changes set retracted = true where enrolment_id = $1 and business_date = $2`,
        [p.enrolmentId, p.businessDate],
      );
    }
  },

  async orderCreated(db: Queryable, p: OrderCreated): Promise<void> {
    await db.query(
      `insert into orders (order_id, elder_id, household_id, town_code, community_code, service_type)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (order_id) do update set elder_id = excluded.elder_id,
         household_id = excluded.household_id, town_code = excluded.town_code,
         community_code = excluded.community_code, service_type = excluded.service_type`,
      [p.orderId, p.elderId, p.householdId ?? null, p.townCode, p.communityCode, p.serviceType],
    );
  },

  async orderCompleted(db: Queryable, orderId: string, serviceDate: string): Promise<void> {
    await db.query(
      `insert into orders (order_id, completed_on) values ($1, $2)
       on conflict (order_id) do update set completed_on = excluded.completed_on`,
      [orderId, serviceDate],
    );
  },

  async orderCancelled(db: Queryable, orderId: string): Promise<void> {
    await db.query(
      `insert into orders (order_id, cancelled) values ($1, true)
       on conflict (order_id) do update set cancelled = true`,
      [orderId],
    );
  },

  async visitAnomaly(db: Queryable, orderId: string): Promise<void> {
    await db.query(
      `insert into orders (order_id, anomaly) values ($1, true)
       on conflict (order_id) do update set anomaly = true`,
      [orderId],
    );
  },

  /** The latest register entry per caregiver by business date; an older report changes nothing. */
  async caregiver(db: Queryable, p: CaregiverRecorded): Promise<void> {
    await db.query(
      `insert into caregivers as c (caregiver_id, provider_id, business_date, started_on, trained_on,
                                    certified_on, certificate_number, left_on)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (caregiver_id) do update set provider_id = excluded.provider_id,
         business_date = excluded.business_date, started_on = excluded.started_on,
         trained_on = excluded.trained_on, certified_on = excluded.certified_on,
         certificate_number = excluded.certificate_number, left_on = excluded.left_on
       where c.business_date <= excluded.business_date`,
      [
        p.caregiverId,
        p.providerId,
        p.businessDate,
        p.startedOn,
        p.trainedOn ?? null,
        p.certifiedOn ?? null,
        p.certificateNumber ?? null,
        p.leftOn ?? null,
      ],
    );
  },

  async fundOpened(db: Queryable, p: FundOpened): Promise<void> {
    await db.query(
      `insert into funds (fund_id, kind, jurisdiction_code, opened_on) values ($1, $2, $3, $4)
       on conflict (fund_id) do update set kind = excluded.kind,
         jurisdiction_code = excluded.jurisdiction_code, opened_on = excluded.opened_on`,
      [p.fundId, p.kind, p.jurisdictionCode, p.openedOn],
    );
  },

  async fundClosed(db: Queryable, p: FundClosed): Promise<void> {
    await db.query(`update funds set closed_on = $2 where fund_id = $1`, [p.fundId, p.closedOn]);
  },

  async alertOpened(db: Queryable, a: AlertOpening): Promise<void> {
    // Opened with an assignee: rostered unless discovery says the town's supervisors took it for
    // want of a roster (an event from before `routedBy` was recorded is taken as rostered).
    const rostered = a.assignee !== undefined && a.routedBy !== 'supervisors' && a.routedBy !== 'unassigned';
    await db.query(
      `insert into alerts (alert_id, community_code, town_code, raised_at, acknowledge_due_at, routed)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (alert_id) do update set raised_at = excluded.raised_at,
         acknowledge_due_at = coalesce(alerts.acknowledge_due_at, excluded.acknowledge_due_at),
         routed = alerts.routed or excluded.routed`,
      [a.alertId, a.communityCode, a.townCode, a.raisedAt, a.acknowledgeDueAt, rostered],
    );
    if (rostered) await handlerSeen(db, a.communityCode, a.townCode, a.raisedAt);
  },

  /** A rise in priority brings the acknowledge deadline forward. */
  async alertDeadlineMoved(db: Queryable, alertId: string, dueAt: string | undefined): Promise<void> {
    if (dueAt === undefined) return;
    await db.query(`update alerts set acknowledge_due_at = $2 where alert_id = $1`, [alertId, dueAt]);
  },

  async alertAssigned(
    db: Queryable,
    a: { alertId: string; communityCode: string; townCode: string; rostered: boolean; at: string },
  ): Promise<void> {
    await db.query(
      `insert into alerts (alert_id, community_code, town_code, routed) values ($1, $2, $3, $4)
       on conflict (alert_id) do update set routed = excluded.routed`,
      [a.alertId, a.communityCode, a.townCode, a.rostered],
    );
    if (a.rostered) await handlerSeen(db, a.communityCode, a.townCode, a.at);
  },

  async alertAcknowledged(db: Queryable, alertId: string, at: string): Promise<void> {
    await db.query(
      `update alerts set acknowledged_at = least(coalesce(acknowledged_at, $2), $2) where alert_id = $1`,
      [alertId, at],
    );
  },
};

async function handlerSeen(db: Queryable, communityCode: string, townCode: string, at: string) {
  await db.query(
    `insert into community_handlers (community_code, town_code, first_seen_at) values ($1, $2, $3)
     on conflict (community_code) do update set first_seen_at = least(community_handlers.first_seen_at, excluded.first_seen_at)`,
    [communityCode, townCode, at],
  );
}
