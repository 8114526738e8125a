import type { MedicalExpenseRecorded } from '@huimin/contracts';
import { addDays, ageOn } from './calendar.ts';
import type { EconomicStatus, Member } from './household.ts';
import type { Random } from './random.ts';

// Medical claims as the medical insurance bureau settles them. Most are outpatient visits of a few
// hundred yuan; a few percent are inpatient stays from 5,000 to 200,000 yuan, with a heavy tail
// for cancer, transplants and heart disease. Figures are approximations from public national
// statistics (average inpatient bill around 10,000 yuan; about one person in five or six
// hospitalised a year, far more among the old), not Taicang's own data.

export type Diagnosis = MedicalExpenseRecorded['diagnosisCategory'];
export type ClaimFigures = Omit<MedicalExpenseRecorded, 'claimId' | 'patientResidentId'>;

// [diagnosis, weight, median bill in yuan]
const INPATIENT: readonly (readonly [Diagnosis, number, number])[] = [
  ['other', 30, 8_000],
  ['malignant-tumour', 12, 38_000],
  ['heart-disease', 12, 30_000],
  ['cerebrovascular', 12, 26_000],
  ['injury', 10, 16_000],
  ['chronic-respiratory', 9, 12_000],
  ['maternity', 6, 7_000],
  ['diabetes', 5, 9_000],
  ['uraemia-dialysis', 2, 22_000],
  ['severe-mental-illness', 2, 15_000],
  ['organ-transplant', 0.4, 150_000],
  ['haemophilia', 0.2, 30_000],
];
const OUTPATIENT: readonly (readonly [Diagnosis, number, number])[] = [
  ['other', 62, 200],
  ['diabetes', 10, 260],
  ['chronic-respiratory', 8, 220],
  ['heart-disease', 8, 300],
  ['injury', 7, 240],
  ['cerebrovascular', 3, 300],
  ['malignant-tumour', 1.5, 600],
  ['uraemia-dialysis', 0.5, 450],
];

/** Claims per person per year by age: [outpatient, inpatient]. */
export function claimRates(age: number): readonly [outpatient: number, inpatient: number] {
  if (age < 18) return [1.5, 0.05];
  if (age < 60) return [1.5, 0.07];
  if (age < 80) return [4, 0.25];
  return [6, 0.4];
}

/** Share of the bill left after insurance that medical assistance (医疗救助) pays, by status. */
const ASSISTANCE_SHARE: Record<EconomicStatus, number> = { ordinary: 0, edge: 0.5, dibao: 0.7, tekun: 0.9 };

export interface ClaimRequest {
  patient: Member;
  status: EconomicStatus;
  inpatient: boolean;
  today: string;
  /** `history`: care any time in the last 13 months; `live`: settled today, care mostly days ago. */
  timing: 'history' | 'live';
}

export function drawClaim(random: Random, request: ClaimRequest): ClaimFigures {
  const { patient, inpatient, today } = request;
  const age = ageOn(patient.birthDate, today);
  const table = inpatient ? INPATIENT : OUTPATIENT;
  let [diagnosis, , medianYuan] = random.weighted(table.map((row) => [row, row[1]] as const));
  if (diagnosis === 'maternity' && !(patient.sex === 'female' && age >= 20 && age <= 45)) {
    diagnosis = 'other';
    medianYuan = 8_000;
  }
  const totalYuan = inpatient
    ? random.logNormalWithin(medianYuan, 0.7, 5_000, 200_000)
    : random.logNormalWithin(medianYuan, 0.7, 20, 5_000);
  const totalCostFen = Math.round(totalYuan * 100);
  // Basic plus serious-illness insurance: 55–80% of an inpatient bill (items outside the policy
  // list stay with the patient); outpatient visits often fall under the deductible.
  const insuranceShare = inpatient
    ? random.between(0.55, 0.8)
    : random.chance(0.2)
      ? 0
      : random.between(0.3, 0.7);
  const insurancePaidFen = Math.floor(totalCostFen * insuranceShare);
  const assistanceShare = inpatient || random.chance(0.5) ? ASSISTANCE_SHARE[request.status] : 0;
  const medicalAssistancePaidFen = Math.floor((totalCostFen - insurancePaidFen) * assistanceShare);
  const { dateOfCare, businessDate } = claimDates(random, request);
  return {
    businessDate,
    dateOfCare,
    totalCostFen,
    insurancePaidFen,
    medicalAssistancePaidFen,
    inpatient,
    diagnosisCategory: diagnosis,
  };
}

function claimDates(random: Random, request: ClaimRequest): { dateOfCare: string; businessDate: string } {
  const { today, inpatient, patient } = request;
  // Settlement follows the visit within days, the discharge for a stay; a few claims are settled
  // weeks late (transfers between hospitals, claims filed by hand).
  const stay = inpatient ? random.int(3, 20) : 0;
  const late = random.chance(0.06) ? random.int(14, 56) : 0;
  const lag = stay + late + (inpatient ? random.int(0, 10) : random.int(0, 3));
  let dateOfCare: string;
  let businessDate: string;
  if (request.timing === 'history') {
    dateOfCare = addDays(today, -random.int(1, 395));
    businessDate = addDays(dateOfCare, lag);
    if (businessDate > today) businessDate = today;
  } else {
    businessDate = today;
    dateOfCare = addDays(today, -lag);
  }
  if (dateOfCare < patient.birthDate) dateOfCare = patient.birthDate;
  if (businessDate < dateOfCare) businessDate = dateOfCare;
  return { dateOfCare, businessDate };
}
