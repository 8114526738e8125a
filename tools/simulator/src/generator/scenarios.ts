import type { Sex } from '@huimin/contracts';
import { addDays, ageOn, compactDate, laterOf } from './calendar.ts';
import type { Diagnosis } from './claims.ts';
import { DIBAO_STANDARD_FEN } from './figures.ts';
import type { Income, Member, SimHousehold } from './household.ts';
import { pickPlace } from './places.ts';
import { createMember, type PopulationContext } from './population.ts';

// Scenario households: low-income (低保边缘) households whose scripted claims cross the risk
// service's yardsticks (DOMAIN.md, "Catastrophic health expenditure") early in the live trickle,
// so a person watching the console sees alerts arrive within the first minute. Their earlier claim
// (in the initial load) keeps them below every line; the live claim takes them over one.
//
// Amounts are written for the 1,045-yuan dibao standard and scaled with it, which keeps every
// yardstick (shares of income, capacity to pay, per-capita income against the standard) where it is.

export type ScenarioLevel = 'catastrophic' | 'severe';

interface ScriptedClaim {
  patient: number;
  phase: 'bulk' | 'live';
  /** Days before today the care started, and the claim was settled (live claims settle today). */
  careDaysAgo: number;
  settledDaysAgo: number;
  inpatient: boolean;
  diagnosis: Diagnosis;
  totalFen: number;
  insuranceFen: number;
  assistanceFen: number;
}

interface ScenarioTemplate {
  name: string;
  story: string;
  expectedLevel: ScenarioLevel;
  people: {
    relation: Member['relationToHead'];
    age: number;
    sex: Sex;
    workAbility: Member['workAbility'];
    disability?: Member['disability'];
    incomes: Income[];
  }[];
  claims: ScriptedClaim[];
}

const TEMPLATES: readonly ScenarioTemplate[] = [
  {
    name: 'severe',
    story:
      '3 people on 3,510 yuan a month (42,120 a year); 19,000 yuan out of pocket leaves 642 yuan per person a month, below the dibao standard',
    expectedLevel: 'severe',
    people: [
      {
        relation: 'head',
        age: 52,
        sex: 'male',
        workAbility: 'full',
        incomes: [{ type: 'wage', monthlyFen: 231_000 }],
      },
      {
        relation: 'spouse',
        age: 50,
        sex: 'female',
        workAbility: 'partial',
        incomes: [{ type: 'wage', monthlyFen: 120_000 }],
      },
      {
        relation: 'child',
        age: 24,
        sex: 'male',
        workAbility: 'none',
        disability: { grade: 2, category: 'physical' },
        incomes: [],
      },
    ],
    claims: [
      {
        patient: 0,
        phase: 'bulk',
        careDaysAgo: 75,
        settledDaysAgo: 65,
        inpatient: true,
        diagnosis: 'diabetes',
        totalFen: 1_000_000,
        insuranceFen: 700_000,
        assistanceFen: 180_000,
      },
      {
        patient: 0,
        phase: 'live',
        careDaysAgo: 14,
        settledDaysAgo: 0,
        inpatient: true,
        diagnosis: 'malignant-tumour',
        totalFen: 4_286_500,
        insuranceFen: 2_400_000,
        assistanceFen: 106_500,
      },
    ],
  },
  {
    name: 'capacity-to-pay',
    story:
      '4 people on 5,600 yuan a month; 9,000 yuan out of pocket is only 13% of income but over 40% of capacity to pay (income − dibao subsistence)',
    expectedLevel: 'catastrophic',
    people: [
      {
        relation: 'head',
        age: 45,
        sex: 'male',
        workAbility: 'full',
        incomes: [{ type: 'wage', monthlyFen: 320_000 }],
      },
      {
        relation: 'spouse',
        age: 43,
        sex: 'female',
        workAbility: 'full',
        incomes: [{ type: 'wage', monthlyFen: 240_000 }],
      },
      { relation: 'child', age: 14, sex: 'female', workAbility: 'none', incomes: [] },
      { relation: 'child', age: 9, sex: 'male', workAbility: 'none', incomes: [] },
    ],
    claims: [
      {
        patient: 2,
        phase: 'bulk',
        careDaysAgo: 120,
        settledDaysAgo: 110,
        inpatient: true,
        diagnosis: 'injury',
        totalFen: 800_000,
        insuranceFen: 560_000,
        assistanceFen: 40_000,
      },
      {
        patient: 1,
        phase: 'live',
        careDaysAgo: 9,
        settledDaysAgo: 0,
        inpatient: true,
        diagnosis: 'heart-disease',
        totalFen: 2_600_000,
        insuranceFen: 1_690_000,
        assistanceFen: 210_000,
      },
    ],
  },
  {
    name: 'major-illness',
    story:
      'an elderly couple on 2,600 yuan of pensions a month; a 160,000-yuan cancer stay leaves 46,400 yuan out of pocket, more than a year of income',
    expectedLevel: 'severe',
    people: [
      {
        relation: 'head',
        age: 72,
        sex: 'male',
        workAbility: 'none',
        incomes: [{ type: 'pension', monthlyFen: 130_000 }],
      },
      {
        relation: 'spouse',
        age: 69,
        sex: 'female',
        workAbility: 'partial',
        incomes: [{ type: 'pension', monthlyFen: 130_000 }],
      },
    ],
    claims: [
      {
        patient: 1,
        phase: 'bulk',
        careDaysAgo: 40,
        settledDaysAgo: 40,
        inpatient: false,
        diagnosis: 'chronic-respiratory',
        totalFen: 90_000,
        insuranceFen: 30_000,
        assistanceFen: 0,
      },
      {
        patient: 0,
        phase: 'live',
        careDaysAgo: 18,
        settledDaysAgo: 0,
        inpatient: true,
        diagnosis: 'malignant-tumour',
        totalFen: 16_000_000,
        insuranceFen: 9_920_000,
        assistanceFen: 1_500_000,
      },
    ],
  },
];

/** What a scenario household is set up to trigger, for tests, e2e runs and the person watching. */
export interface ScenarioHousehold {
  name: string;
  story: string;
  householdId: string;
  townCode: string;
  communityCode: string;
  residentIds: string[];
  householdSize: number;
  /** Members' monthly incomes × 12, as the risk service sums them. */
  annualIncomeFen: number;
  dibaoStandardFen: number;
  /** Out of pocket in the window from the initial load's claims: below every line. */
  outOfPocketBeforeFen: number;
  /** Out of pocket once the live claim is in. */
  outOfPocketFen: number;
  /** The highest level DOMAIN.md's yardsticks give after the live claim. */
  expectedLevel: ScenarioLevel;
  claimIds: string[];
  crossingClaimId: string;
  /** The department's id of the crossing claim (published by ingest as `medical-insurance-bureau:<id>`). */
  crossingEventId: string;
  /** Index of the crossing claim in the live stream, and the second of the trickle it is due at. */
  livePosition: number;
  liveSecond: number;
}

export interface ScriptedClaimEvent {
  claimId: string;
  patientResidentId: string;
  phase: 'bulk' | 'live';
  figures: {
    businessDate: string;
    dateOfCare: string;
    totalCostFen: number;
    insurancePaidFen: number;
    medicalAssistancePaidFen: number;
    inpatient: boolean;
    diagnosisCategory: Diagnosis;
  };
}

export interface BuiltScenario {
  household: SimHousehold;
  claims: ScriptedClaimEvent[];
  expectation: Omit<ScenarioHousehold, 'crossingEventId' | 'livePosition' | 'liveSecond'>;
}

export function buildScenario(ctx: PopulationContext, index: number, householdId: string): BuiltScenario {
  const template = TEMPLATES[index % TEMPLATES.length] as ScenarioTemplate;
  const scale = (fen: number): number => Math.round((fen * ctx.dibaoStandardFen) / DIBAO_STANDARD_FEN);
  const surname = ['陆', '顾', '沈', '钱', '朱', '徐'][index % 6] as string;
  const members = template.people.map((person, i) => {
    const member = createMember(ctx, {
      relation: person.relation,
      age: person.age + ctx.random.between(0, 0.9),
      sex: person.sex,
      surname: person.relation === 'child' || i === 0 ? surname : '李',
    });
    member.workAbility = person.workAbility;
    member.hukouLocal = true;
    if (person.disability) member.disability = { ...person.disability };
    else delete member.disability;
    return member;
  });
  const incomes = new Map<string, Income[]>();
  template.people.forEach((person, i) => {
    const member = members[i] as Member;
    if (ageOn(member.birthDate, ctx.today) >= 16) {
      incomes.set(
        member.residentId,
        person.incomes.map((income) => ({ type: income.type, monthlyFen: scale(income.monthlyFen) })),
      );
    }
  });
  const household: SimHousehold = {
    householdId,
    registeredOn: addDays(ctx.today, -400),
    place: pickPlace(ctx.random),
    members,
    legalSupporters: [],
    incomes,
    incomesAsOf: addDays(ctx.today, -30),
    assets: {
      financialAssetsFen: scale(2_000_000),
      vehicleCount: 0,
      hasNonEssentialVehicle: false,
      propertyCount: 1,
    },
    assetsAsOf: addDays(ctx.today, -30),
    status: 'edge',
    enrolments: [],
    certifications: [],
    scenario: template.name,
  };
  household.enrolments.push({
    enrolmentId: `BY${ctx.seed}-${String(ctx.nextEnrolmentNo()).padStart(6, '0')}`,
    householdId,
    businessDate: addDays(ctx.today, -300),
    programme: 'edge',
    change: 'enrolled',
    monthlyAmountFen: 0,
  });
  for (const member of members) {
    if (!member.disability) continue;
    const { grade, category } = member.disability;
    const digit = { visual: 1, hearing: 2, speech: 3, physical: 4, intellectual: 5, mental: 6, multiple: 7 }[
      category
    ];
    household.certifications.push({
      residentId: member.residentId,
      businessDate: addDays(ctx.today, -1000),
      grade,
      category,
      certificateNo: `${member.residentId}${digit}${grade}`,
      validUntil: addDays(ctx.today, 2650),
    });
  }

  const claimNo = String(index + 1).padStart(2, '0');
  const claims = template.claims.map((claim, i): ScriptedClaimEvent => {
    const patient = members[claim.patient] as Member;
    const dateOfCare = addDays(ctx.today, -claim.careDaysAgo);
    return {
      claimId: `YB${ctx.seed}-${compactDate(ctx.today)}-R${claimNo}-${i + 1}`,
      patientResidentId: patient.residentId,
      phase: claim.phase,
      figures: {
        businessDate: addDays(ctx.today, -claim.settledDaysAgo),
        dateOfCare: laterOf(dateOfCare, patient.birthDate),
        totalCostFen: scale(claim.totalFen),
        insurancePaidFen: scale(claim.insuranceFen),
        medicalAssistancePaidFen: scale(claim.assistanceFen),
        inpatient: claim.inpatient,
        diagnosisCategory: claim.diagnosis,
      },
    };
  });
  const outOfPocket = (phases: readonly string[]): number =>
    claims
      .filter((c) => phases.includes(c.phase))
      .reduce(
        (sum, c) =>
          sum + c.figures.totalCostFen - c.figures.insurancePaidFen - c.figures.medicalAssistancePaidFen,
        0,
      );
  const crossing = claims.find((c) => c.phase === 'live');
  if (!crossing) throw new Error(`scenario ${template.name} has no live claim`);
  let monthly = 0;
  for (const list of incomes.values()) for (const income of list) monthly += income.monthlyFen;
  return {
    household,
    claims,
    expectation: {
      name: template.name,
      story: template.story,
      householdId,
      townCode: household.place.townCode,
      communityCode: household.place.communityCode,
      residentIds: members.map((m) => m.residentId),
      householdSize: members.length,
      annualIncomeFen: monthly * 12,
      dibaoStandardFen: ctx.dibaoStandardFen,
      outOfPocketBeforeFen: outOfPocket(['bulk']),
      outOfPocketFen: outOfPocket(['bulk', 'live']),
      expectedLevel: template.expectedLevel,
      claimIds: claims.map((c) => c.claimId),
      crossingClaimId: crossing.claimId,
    },
  };
}
