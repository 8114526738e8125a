import { CloneType, type Static, Type } from '@sinclair/typebox';
import { defineEvent, type RuleViolation } from '../define-event.ts';
import {
  BusinessDate,
  CalendarDate,
  closedObject,
  EventId,
  Fen,
  RecordId,
  ResidentId,
  retractionFields,
  stringEnum,
} from '../schema-types.ts';
import { medicalExpenseFeed } from '../topics.ts';
import { chenGuiying, wangJianguo } from './example-people.ts';

const DiagnosisCategory = stringEnum(
  [
    'malignant-tumour',
    'uraemia-dialysis',
    'organ-transplant',
    'heart-disease',
    'cerebrovascular',
    'severe-mental-illness',
    'haemophilia',
    'diabetes',
    'chronic-respiratory',
    'injury',
    'maternity',
    'other',
  ],
  {
    description:
      'broad diagnosis group as the medical insurance bureau classifies the claim (大病 groups first)',
  },
);

const claimFields = {
  claimId: CloneType(RecordId, { description: "the medical insurance bureau's settlement number" }),
  patientResidentId: ResidentId,
  businessDate: CloneType(BusinessDate, { description: 'settlement date: the claim holds from here' }),
  dateOfCare: CloneType(CalendarDate, {
    description: 'admission date for inpatient care, visit date otherwise; the risk window counts by it',
  }),
  totalCostFen: Fen,
  insurancePaidFen: CloneType(Fen, { description: 'paid by basic and serious-illness insurance' }),
  medicalAssistancePaidFen: CloneType(Fen, { description: 'already paid by medical assistance (医疗救助)' }),
  inpatient: Type.Boolean(),
  diagnosisCategory: DiagnosisCategory,
};

const Claim = closedObject(claimFields);
type Claim = Static<typeof Claim>;

function claimRules(claim: Claim): RuleViolation[] {
  const violations: RuleViolation[] = [];
  // Out of pocket = total − insurance − assistance cannot be negative.
  if (claim.insurancePaidFen + claim.medicalAssistancePaidFen > claim.totalCostFen) {
    violations.push({
      pointer: '/insurancePaidFen',
      code: 'INCONSISTENT',
      message: 'insurance plus medical assistance exceed the total cost',
    });
  }
  if (claim.dateOfCare > claim.businessDate) {
    violations.push({
      pointer: '/dateOfCare',
      code: 'INCONSISTENT',
      message: 'is after the settlement date',
    });
  }
  return violations;
}

const claimExample: Claim = {
  claimId: 'YB320585-2025-000187456',
  patientResidentId: wangJianguo.residentId,
  businessDate: '2025-03-02',
  dateOfCare: '2025-02-11',
  totalCostFen: 4_286_500,
  insurancePaidFen: 2_572_000,
  medicalAssistancePaidFen: 214_300,
  inpatient: true,
  diagnosisCategory: 'malignant-tumour',
};

export const MedicalExpenseRecorded = defineEvent({
  name: 'MedicalExpenseRecorded',
  type: 'huimin.feed.medical-expense.recorded.v1',
  version: 1,
  topic: medicalExpenseFeed,
  key: (p) => p.patientResidentId,
  schema: Claim,
  description: 'A medical claim was settled. Out of pocket = total − insurance − medical assistance.',
  example: claimExample,
  rules: claimRules,
});
export type MedicalExpenseRecorded = Static<typeof MedicalExpenseRecorded.schema>;

export const MedicalExpenseCorrected = defineEvent({
  name: 'MedicalExpenseCorrected',
  type: 'huimin.feed.medical-expense.corrected.v1',
  version: 1,
  topic: medicalExpenseFeed,
  key: (p) => p.patientResidentId,
  schema: closedObject({
    ...claimFields,
    correctsEventId: Type.Optional(
      CloneType(EventId, { description: 'the event whose figures this replaces' }),
    ),
  }),
  description:
    'A settled claim was re-settled: the payload holds the whole claim as it now stands and replaces the earlier figures for the claim id.',
  example: {
    ...claimExample,
    businessDate: '2025-03-20',
    insurancePaidFen: 2_680_000,
    correctsEventId: '9d2e4b71-0c3a-4f5e-8b6a-1e2d3c4b5a69',
  },
  rules: claimRules,
});
export type MedicalExpenseCorrected = Static<typeof MedicalExpenseCorrected.schema>;

export const MedicalExpenseReversed = defineEvent({
  name: 'MedicalExpenseReversed',
  type: 'huimin.feed.medical-expense.reversed.v1',
  version: 1,
  topic: medicalExpenseFeed,
  key: (p) => p.patientResidentId,
  schema: closedObject({
    claimId: RecordId,
    patientResidentId: ResidentId,
    ...retractionFields,
    businessDate: CloneType(BusinessDate, { description: 'date the reversal takes effect' }),
    retractsEventId: Type.Optional(
      CloneType(EventId, {
        description: 'an event of the claim, for the record; the whole claim is reversed regardless',
      }),
    ),
  }),
  description:
    "The medical-expense feed's retraction: the claim is withdrawn as a whole (reversed settlement or a report in error) and no longer counts.",
  example: {
    claimId: 'YB320585-2025-000190012',
    patientResidentId: chenGuiying.residentId,
    businessDate: '2025-04-08',
    reason: 'withdrawn-by-source',
    note: '结算撤销',
  },
});
export type MedicalExpenseReversed = Static<typeof MedicalExpenseReversed.schema>;
