// @huimin/contracts: the one source of every event type and topic, the CloudEvents envelope,
// resident-ID validation and the jurisdiction table.

export { isCalendarDate, isInstant, shanghaiDateOf } from './calendar-date.ts';
export { defineEvent, type EventDefinition, type RuleViolation } from './define-event.ts';
export { defineTopic, type TopicDefinition, type TopicKey, type TopicRetention } from './define-topic.ts';
export {
  createEnvelope,
  type EnvelopeAttributes,
  type EnvelopeReading,
  type EnvelopeRejection,
  type EventEnvelope,
  fromKafkaHeaders,
  isTraceparent,
  type KafkaHeaders,
  type KafkaHeaderValue,
  toKafkaHeaders,
} from './envelope.ts';
export { AlertAcknowledged, AlertEscalated, AlertRaised, AlertResolved } from './events/alert.ts';
export {
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
export {
  ApplicationId,
  TemporaryAssistanceApplied,
  TemporaryAssistanceApproved,
  TemporaryAssistanceCause,
  TemporaryAssistanceEvidenceAttached,
  TemporaryAssistancePaid,
  TemporaryAssistanceRefused,
} from './events/assistance.ts';
export { AssistanceEnrolmentChanged, AssistanceEnrolmentRetracted } from './events/assistance-enrolment.ts';
export { PersonRecordRead } from './events/audit.ts';
export {
  CharityPurpose,
  DisbursementApproved,
  DisbursementPaid,
  DisbursementRejected,
  DisbursementRequested,
  DonationReceived,
  DonationReversed,
  FundClosed,
  FundId,
  FundOpened,
  ReceiptNumber,
  ReconciliationFailed,
  Restriction,
} from './events/charity.ts';
export { DepartmentSignalReported, DepartmentSignalRetracted } from './events/department-signal.ts';
export { DisabilityCertificationRetracted, DisabilityCertified } from './events/disability.ts';
export {
  CaregiverRecorded,
  CheckOnMissed,
  OrderAssigned,
  OrderCancelled,
  OrderCheckedIn,
  OrderCompleted,
  OrderCreated,
  VisitAnomalyFlagged,
} from './events/eldercare.ts';
export { EligibilityDecided, EnrolmentGapsChanged } from './events/eligibility.ts';
export {
  HouseholdDissolved,
  HouseholdRecordRetracted,
  HouseholdRegistered,
  HouseholdUpdated,
} from './events/household.ts';
export { HouseholdAssetsReported, HouseholdAssetsRetracted } from './events/household-assets.ts';
export {
  MedicalExpenseCorrected,
  MedicalExpenseRecorded,
  MedicalExpenseReversed,
} from './events/medical-expense.ts';
export { MemberIncomeReported, MemberIncomeRetracted } from './events/member-income.ts';
export { PolicyVersionPublished } from './events/policy.ts';
export { RiskCleared, RiskFlagged } from './events/risk.ts';
export * from './jurisdiction/index.ts';
export {
  type AnyEvent,
  type EventDefinitionOf,
  type EventPayload,
  type EventType,
  eventDefinition,
  events,
  eventsOnTopic,
  isEventType,
  type TopicName,
  topics,
} from './registry.ts';
export {
  isResidentId,
  normaliseResidentId,
  type ResidentIdOptions,
  type ResidentIdRejection,
  type ResidentIdValidation,
  residentIdCheckCharacter,
  type Sex,
  validateResidentId,
} from './resident-id.ts';
export {
  BusinessDate,
  CalendarDate,
  CommunityCode,
  Fen,
  HouseholdId,
  Instant,
  ResidentId,
  TownCode,
} from './schema-types.ts';
export {
  createSyntheticResidentIdGenerator,
  isSyntheticResidentId,
  SYNTHETIC_REGION_CODE,
  type SyntheticPerson,
  type SyntheticResidentIdGeneratorOptions,
  syntheticResidentId,
} from './synthetic-resident-id.ts';
export * from './topics.ts';
export {
  type ValidateOptions,
  type ValidationError,
  type ValidationErrorCode,
  type ValidationResult,
  validateEvent,
  validatePayload,
} from './validate-event.ts';
