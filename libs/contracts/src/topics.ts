import { defineTopic } from './define-topic.ts';

// Every Kafka topic of the platform: one per aggregate stream, event type in `ce_type`.
// Household-keyed topics all have 12 partitions: they are co-partitioned (same key → same
// partition number), so risk and eligibility can join them per partition, and a busy consumer
// (risk) can scale to 12 replicas.

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

export const householdFeed = defineTopic({
  name: 'huimin.feed.household',
  partitions: 12,
  key: 'householdId',
  // Every registered/updated event is a full snapshot, so the latest record per household is the
  // household: compaction keeps exactly what a late-deployed service needs to rebuild.
  retention: { dev: 'forever', prod: 'compact' },
  description: 'Households and their members as the civil-affairs bureau registers them (户籍 / 家庭信息).',
});

export const memberIncomeFeed = defineTopic({
  name: 'huimin.feed.member-income',
  partitions: 12,
  key: 'householdId',
  // Several members share a household key, so compaction would lose all but one member's report.
  // Incomes are re-reported at least at each annual review; three years keeps the latest ones.
  retention: { dev: 'forever', prod: { ms: 3 * YEAR_MS } },
  description:
    "Members' monthly incomes by type, as tax, human-resources and pension departments report them.",
});

export const householdAssetsFeed = defineTopic({
  name: 'huimin.feed.household-assets',
  partitions: 12,
  key: 'householdId',
  // One report covers the whole household's assets, so the latest per household is the truth.
  retention: { dev: 'forever', prod: 'compact' },
  description:
    "Households' financial assets, vehicles and homes from the asset-check (家庭经济状况核对) system.",
});

export const medicalExpenseFeed = defineTopic({
  name: 'huimin.feed.medical-expense',
  partitions: 12,
  key: 'patientResidentId',
  // The risk window is 12 months of dates of care; 400 days covers it plus late settlements.
  retention: { dev: 'forever', prod: { ms: 400 * DAY_MS } },
  description:
    'Settled medical claims from the medical insurance bureau, keyed by patient (the bureau knows the patient, not the household).',
});

export const disabilityFeed = defineTopic({
  name: 'huimin.feed.disability',
  partitions: 6,
  key: 'residentId',
  // The latest certification (or its retraction) per person is the current state.
  retention: { dev: 'forever', prod: 'compact' },
  description: "Disability certifications (残疾人证) from the disabled persons' federation.",
});

export const assistanceEnrolmentFeed = defineTopic({
  name: 'huimin.feed.assistance-enrolment',
  partitions: 12,
  key: 'householdId',
  // A household can be enrolled in several programmes under one key, so no compaction; the
  // assistance system re-sends its full enrolment list at each monthly reconciliation.
  retention: { dev: 'forever', prod: { ms: 5 * YEAR_MS } },
  description:
    "Who actually receives help: enrolments into and exits from programmes, from the bureau's assistance system.",
});

export const departmentSignalFeed = defineTopic({
  name: 'huimin.feed.department-signal',
  partitions: 6,
  key: 'householdId|residentId',
  retention: { dev: 'forever', prod: { ms: YEAR_MS } },
  description:
    'Signals from other departments and grid workers (death, unemployment, hospitalisation, door-to-door reports), keyed by household id when known, otherwise resident id.',
});

export const riskHouseholdStream = defineTopic({
  name: 'huimin.risk.household',
  partitions: 12,
  key: 'householdId',
  retention: { dev: 'forever', prod: { ms: 400 * DAY_MS } },
  description:
    "Risk's verdicts per household: catastrophic health expenditure and major-illness flags raised and cleared.",
});

export const eligibilityHouseholdStream = defineTopic({
  name: 'huimin.eligibility.household',
  partitions: 12,
  key: 'householdId',
  // Each decision covers every programme for the household, so the latest per household is the truth.
  retention: { dev: 'forever', prod: 'compact' },
  description:
    "Eligibility's screening decisions per household (not enrolments: see the assistance-enrolment feed).",
});

export const discoveryAlertStream = defineTopic({
  name: 'huimin.discovery.alert',
  partitions: 6,
  key: 'alertId',
  retention: { dev: 'forever', prod: { ms: YEAR_MS } },
  description: "Discovery's alerts (cases) through their life: raised, acknowledged, escalated, resolved.",
});

export const eldercareOrderStream = defineTopic({
  name: 'huimin.eldercare.order',
  partitions: 6,
  key: 'orderId',
  retention: { dev: 'forever', prod: { ms: YEAR_MS } },
  description:
    "Eldercare's service orders (居家养老上门服务) and what happens to them, such as missed daily check-ons.",
});

export const eldercareCaregiverStream = defineTopic({
  name: 'huimin.eldercare.caregiver',
  partitions: 3,
  key: 'caregiverId',
  // Each record is the caregiver's full register entry, so the latest per caregiver is the truth.
  retention: { dev: 'forever', prod: 'compact' },
  description:
    "Eldercare providers' staff register: each caregiver's start, pre-service training and certificate dates.",
});

export const eligibilityPolicyStream = defineTopic({
  name: 'huimin.eligibility.policy',
  // One partition: versions are few, and every reader wants them all, in order.
  partitions: 1,
  key: 'policyVersion',
  // Keyed by version, so compaction keeps every version's latest text: the full policy history.
  retention: { dev: 'forever', prod: 'compact' },
  description:
    'Assistance policy versions (standards, multipliers, limits, risk yardsticks) with their effective dates, as eligibility holds them; other services use the same figures without calling it.',
});

export const charityFundStream = defineTopic({
  name: 'huimin.charity.fund',
  partitions: 6,
  key: 'fundId',
  // Charity's Postgres ledger is the book of record (kept as accounting law requires); the stream
  // tells other services what happened and is kept long enough to rebuild a year-over-year view.
  retention: { dev: 'forever', prod: { ms: 10 * YEAR_MS } },
  description:
    "Charity's funds: donations received and reversed, disbursements requested, decided and paid, and reconciliation failures, keyed by fund.",
});

export const assistanceApplicationStream = defineTopic({
  name: 'huimin.assistance.application',
  partitions: 6,
  key: 'applicationId',
  // A grant is a payment of public money: kept as long as charity's fund stream.
  retention: { dev: 'forever', prod: { ms: 10 * YEAR_MS } },
  description:
    'Temporary-assistance (临时救助) applications: opened, evidence attached, approved or refused, paid, keyed by application.',
});

export const identityAuditStream = defineTopic({
  name: 'huimin.identity.audit',
  partitions: 6,
  key: 'actorId',
  // Access records are evidence (PIPL): kept three years, then deleted.
  retention: { dev: 'forever', prod: { ms: 3 * YEAR_MS } },
  description:
    "Every read of a person's record by a person, from every service, on its way to identity's append-only audit store.",
});
