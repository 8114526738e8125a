import type { Static } from '@sinclair/typebox';
import type { EventDefinition } from './define-event.ts';
import type { TopicDefinition } from './define-topic.ts';
import { AlertAcknowledged, AlertEscalated, AlertRaised, AlertResolved } from './events/alert.ts';
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
} from './events/alert-case.ts';
import {
  TemporaryAssistanceApplied,
  TemporaryAssistanceApproved,
  TemporaryAssistanceEvidenceAttached,
  TemporaryAssistancePaid,
  TemporaryAssistanceRefused,
} from './events/assistance.ts';
import { AssistanceEnrolmentChanged, AssistanceEnrolmentRetracted } from './events/assistance-enrolment.ts';
import { PersonRecordRead } from './events/audit.ts';
import {
  DisbursementApproved,
  DisbursementPaid,
  DisbursementRejected,
  DisbursementRequested,
  DonationReceived,
  DonationReversed,
  FundClosed,
  FundOpened,
  ReconciliationFailed,
} from './events/charity.ts';
import { DepartmentSignalReported, DepartmentSignalRetracted } from './events/department-signal.ts';
import { DisabilityCertificationRetracted, DisabilityCertified } from './events/disability.ts';
import {
  CaregiverRecorded,
  CheckOnMissed,
  OrderAssigned,
  OrderCancelled,
  OrderCheckedIn,
  OrderCompleted,
  OrderCreated,
  VisitAnomalyFlagged,
} from './events/eldercare.ts';
import { EligibilityDecided, EnrolmentGapsChanged } from './events/eligibility.ts';
import {
  HouseholdDissolved,
  HouseholdRecordRetracted,
  HouseholdRegistered,
  HouseholdUpdated,
} from './events/household.ts';
import { HouseholdAssetsReported, HouseholdAssetsRetracted } from './events/household-assets.ts';
import {
  MedicalExpenseCorrected,
  MedicalExpenseRecorded,
  MedicalExpenseReversed,
} from './events/medical-expense.ts';
import { MemberIncomeReported, MemberIncomeRetracted } from './events/member-income.ts';
import { PolicyVersionPublished } from './events/policy.ts';
import { RiskCleared, RiskFlagged } from './events/risk.ts';
import {
  assistanceApplicationStream,
  assistanceEnrolmentFeed,
  charityFundStream,
  departmentSignalFeed,
  disabilityFeed,
  discoveryAlertStream,
  eldercareCaregiverStream,
  eldercareOrderStream,
  eligibilityHouseholdStream,
  eligibilityPolicyStream,
  householdAssetsFeed,
  householdFeed,
  identityAuditStream,
  medicalExpenseFeed,
  memberIncomeFeed,
  riskHouseholdStream,
} from './topics.ts';

// Listed, not gathered from the module namespace, so the order (feeds, then service streams) is
// the same under every loader and the generated docs are stable.
const declaredTopics = [
  householdFeed,
  memberIncomeFeed,
  householdAssetsFeed,
  medicalExpenseFeed,
  disabilityFeed,
  assistanceEnrolmentFeed,
  departmentSignalFeed,
  riskHouseholdStream,
  eligibilityHouseholdStream,
  eligibilityPolicyStream,
  discoveryAlertStream,
  eldercareOrderStream,
  eldercareCaregiverStream,
  charityFundStream,
  assistanceApplicationStream,
  identityAuditStream,
] as const;

const declared = [
  HouseholdRegistered,
  HouseholdUpdated,
  HouseholdDissolved,
  HouseholdRecordRetracted,
  MemberIncomeReported,
  MemberIncomeRetracted,
  HouseholdAssetsReported,
  HouseholdAssetsRetracted,
  MedicalExpenseRecorded,
  MedicalExpenseCorrected,
  MedicalExpenseReversed,
  DisabilityCertified,
  DisabilityCertificationRetracted,
  AssistanceEnrolmentChanged,
  AssistanceEnrolmentRetracted,
  DepartmentSignalReported,
  DepartmentSignalRetracted,
  RiskFlagged,
  RiskCleared,
  EligibilityDecided,
  EnrolmentGapsChanged,
  PolicyVersionPublished,
  AlertRaised,
  AlertAcknowledged,
  AlertEscalated,
  AlertResolved,
  AlertOpened,
  AlertEvidenceAdded,
  AlertAssigned,
  AlertTaken,
  AlertVisitStarted,
  AlertNoteAdded,
  AlertSlaBreached,
  AlertClosed,
  AlertCauseWithdrawn,
  AlertDismissed,
  CheckOnMissed,
  OrderCreated,
  OrderAssigned,
  OrderCheckedIn,
  OrderCompleted,
  OrderCancelled,
  VisitAnomalyFlagged,
  CaregiverRecorded,
  TemporaryAssistanceApplied,
  TemporaryAssistanceEvidenceAttached,
  TemporaryAssistanceApproved,
  TemporaryAssistanceRefused,
  TemporaryAssistancePaid,
  FundOpened,
  FundClosed,
  DonationReceived,
  DonationReversed,
  DisbursementRequested,
  DisbursementApproved,
  DisbursementRejected,
  DisbursementPaid,
  ReconciliationFailed,
  PersonRecordRead,
] as const;

type Declared = (typeof declared)[number];

/** Every event type the platform knows, e.g. `'huimin.risk.flagged.v1'`. */
export type EventType = Declared['type'];
export type EventDefinitionOf<T extends EventType> = Extract<Declared, { type: T }>;
export type EventPayload<T extends EventType> = Static<EventDefinitionOf<T>['schema']>;

/** One event of any type, for an exhaustive `switch (event.type)` ending in a `never` check. */
export type AnyEvent = { [T in EventType]: { type: T; payload: EventPayload<T> } }[EventType];

/** Every event definition, keyed by its `ce_type`. */
export const events = Object.freeze(Object.fromEntries(declared.map((d) => [d.type, d]))) as {
  readonly [T in EventType]: EventDefinitionOf<T>;
};

type Topic = (typeof declaredTopics)[number];
export type TopicName = Topic['name'];

/** Every topic, keyed by its name. */
export const topics = Object.freeze(Object.fromEntries(declaredTopics.map((t) => [t.name, t]))) as {
  readonly [N in TopicName]: Extract<Topic, { name: N }>;
};

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(events, type);
}

/** The definition for a `ce_type`, or undefined for a type nobody declared. */
export function eventDefinition(type: string): EventDefinition | undefined {
  return isEventType(type) ? events[type] : undefined;
}

/** The events published on a topic, in declaration order. */
export function eventsOnTopic(topic: TopicDefinition | string): EventDefinition[] {
  const name = typeof topic === 'string' ? topic : topic.name;
  return (declared as readonly EventDefinition[]).filter((d) => d.topic.name === name);
}

// Declaring a type or a name twice is a programming error worth failing at import.
for (const field of ['type', 'name'] as const) {
  const seen = new Set<string>();
  for (const d of declared) {
    if (seen.has(d[field])) throw new Error(`event ${field} ${d[field]} is declared twice`);
    seen.add(d[field]);
  }
}
