import type { AssistanceEnrolmentChanged, DisabilityCertified, Sex } from '@huimin/contracts';
import { addDays, ageOn, earlierOf, laterOf, yearsBefore } from './calendar.ts';
import {
  ASSET_MONTHS_PER_PERSON,
  DISABILITY_LIVING_SUBSIDY_FEN,
  DISABILITY_NURSING_SUBSIDY_FEN,
  TEKUN_STANDARD_FEN,
} from './figures.ts';
import type { Assets, EconomicStatus, Income, LegalSupporter, Member, SimHousehold } from './household.ts';
import { pickGivenName, pickSurname } from './names.ts';
import { pickPlace } from './places.ts';
import type { Random } from './random.ts';

// Made-up households for one county, drawn so that the shares look like Taicang's: about 31% of
// registered people are 60 or older (DOMAIN.md: 158,400 of ~510,000), households of 2–3 people on
// average, a few percent on dibao or at its edge, a few percent with a disability certificate.

export interface PopulationContext {
  random: Random;
  /** Distinct synthetic resident IDs (region 990000), seeded. */
  newResidentId: (want: { birthDate: string; sex: Sex }) => string;
  seed: number;
  today: string;
  /** Ages are drawn as of this date (see POPULATION_REFERENCE_DATE). */
  referenceDate: string;
  dibaoStandardFen: number;
  nextEnrolmentNo: () => number;
}

type Relation = Member['relationToHead'];
interface PersonSpec {
  relation: Relation;
  age: number;
  sex: Sex;
  surname: string;
}

type Composition =
  | 'elder-alone'
  | 'elder-couple'
  | 'couple-with-children'
  | 'three-generations'
  | 'couple'
  | 'single-adult'
  | 'single-parent';

// Weights chosen so that about 30% of people are 60+ and the mean size is about 2.7.
const COMPOSITIONS: readonly (readonly [Composition, number])[] = [
  ['elder-alone', 13],
  ['elder-couple', 21],
  ['couple-with-children', 28],
  ['three-generations', 18],
  ['couple', 9],
  ['single-adult', 8],
  ['single-parent', 3],
];

// Shares of households by where they stand; dibao and edge households are enrolled as such.
const STATUSES: readonly (readonly [EconomicStatus, number])[] = [
  ['ordinary', 0.949],
  ['edge', 0.025],
  ['dibao', 0.02],
  ['tekun', 0.006],
];

const DISABILITY_CATEGORIES = [
  // Shares by category from China's second national sample survey on disability (2006), rounded.
  ['physical', 29],
  ['hearing', 24],
  ['multiple', 16],
  ['visual', 14],
  ['mental', 7],
  ['intellectual', 7],
  ['speech', 2],
] as const;
const DISABILITY_GRADES = [
  [1, 10],
  [2, 20],
  [3, 30],
  [4, 40],
] as const;
const CATEGORY_DIGIT = {
  visual: '1',
  hearing: '2',
  speech: '3',
  physical: '4',
  intellectual: '5',
  mental: '6',
  multiple: '7',
} as const;

export function buildHousehold(ctx: PopulationContext, householdId: string): SimHousehold {
  const { random } = ctx;
  const status = random.weighted(STATUSES);
  const specs = status === 'tekun' ? tekunPeople(random) : peopleOf(random, random.weighted(COMPOSITIONS));
  const members = specs.map((spec) => createMember(ctx, spec, status));
  if (status === 'tekun') makeTekun(ctx, members[0] as Member);
  else if (members.length === 1 && ageOn((members[0] as Member).birthDate, ctx.referenceDate) >= 85) {
    (members[0] as Member).inInstitution = random.chance(0.06);
  }
  const household: SimHousehold = {
    householdId,
    registeredOn: registrationDate(ctx, members),
    place: pickPlace(random),
    members,
    legalSupporters: [],
    incomes: new Map(),
    incomesAsOf: addDays(ctx.today, -random.int(5, 90)),
    assets: { financialAssetsFen: 0, vehicleCount: 0, hasNonEssentialVehicle: false, propertyCount: 1 },
    assetsAsOf: addDays(ctx.today, -random.int(5, 180)),
    status,
    enrolments: [],
    certifications: [],
  };
  for (const member of members) {
    const incomes = naturalIncomes(random, member, ageOn(member.birthDate, ctx.referenceDate));
    if (ageOn(member.birthDate, ctx.referenceDate) >= 16) household.incomes.set(member.residentId, incomes);
  }
  if (status === 'dibao' || status === 'edge') fitIncomeToStatus(ctx, household);
  if (status === 'tekun') for (const id of household.incomes.keys()) household.incomes.set(id, []);
  household.assets = drawAssets(ctx, status, members.length);
  household.legalSupporters = legalSupportersOf(ctx, household);
  household.certifications = certificationsOf(ctx, members);
  household.enrolments = enrolmentsOf(ctx, household);
  return household;
}

/** A new person in the household: a member with a synthetic resident ID matching the birth date. */
export function createMember(
  ctx: PopulationContext,
  spec: PersonSpec & { birthDate?: string },
  status: EconomicStatus = 'ordinary',
): Member {
  const { random } = ctx;
  const birthDate = spec.birthDate ?? addDays(ctx.referenceDate, -Math.floor(spec.age * 365.25));
  const age = ageOn(birthDate, ctx.referenceDate);
  const disability = drawDisability(random, age, status);
  const member: Member = {
    residentId: ctx.newResidentId({ birthDate, sex: spec.sex }),
    name: spec.surname + pickGivenName(random, spec.sex, birthDate),
    relationToHead: spec.relation,
    birthDate,
    sex: spec.sex,
    hukouLocal: random.chance(0.93),
    workAbility: workAbilityOf(random, age, disability?.grade),
    inInstitution: false,
  };
  if (disability) member.disability = disability;
  return member;
}

function peopleOf(random: Random, composition: Composition): PersonSpec[] {
  const headSurname = pickSurname(random);
  const other = (): Sex => (random.chance(0.5) ? 'male' : 'female');
  const opposite = (sex: Sex): Sex => (sex === 'male' ? 'female' : 'male');
  const couple = (minAge: number, maxAge: number, headMale: number): PersonSpec[] => {
    const sex: Sex = random.chance(headMale) ? 'male' : 'female';
    const age = random.between(minAge, maxAge);
    return [
      { relation: 'head', age, sex, surname: headSurname },
      {
        relation: 'spouse',
        age: Math.max(20, age + (sex === 'male' ? -random.between(-2, 5) : random.between(-2, 5))),
        sex: opposite(sex),
        surname: pickSurname(random),
      },
    ];
  };
  // Children carry their father's surname.
  const children = (parents: PersonSpec[], maxAge: number): PersonSpec[] => {
    const father = parents.find((p) => p.sex === 'male');
    const youngest = Math.min(...parents.map((p) => p.age));
    const count = random.chance(0.6) ? 1 : 2;
    return Array.from({ length: count }, () => ({
      relation: 'child' as const,
      age: random.between(0, Math.max(0.1, Math.min(maxAge, youngest - 22))),
      sex: other(),
      surname: father?.surname ?? pickSurname(random),
    }));
  };
  switch (composition) {
    case 'elder-alone':
      return [
        {
          relation: 'head',
          age: random.between(65, 96),
          sex: random.chance(0.6) ? 'female' : 'male',
          surname: headSurname,
        },
      ];
    case 'elder-couple':
      return couple(62, 91, 0.85);
    case 'couple-with-children': {
      const parents = couple(28, 51, 0.8);
      return [...parents, ...children(parents, 18)];
    }
    case 'three-generations': {
      const parents = couple(30, 56, 0.8);
      const head = parents[0] as PersonSpec;
      const inLaws = random.chance(0.3);
      const grandSurname = inLaws ? (parents[1] as PersonSpec).surname : head.surname;
      const elders: PersonSpec[] = [
        {
          relation: inLaws ? 'parent-in-law' : 'parent',
          age: head.age + random.between(24, 34),
          sex: random.chance(0.6) ? 'female' : 'male',
          surname: grandSurname,
        },
      ];
      if (random.chance(0.45)) {
        const first = elders[0] as PersonSpec;
        elders.push({ ...first, sex: opposite(first.sex), age: first.age + random.between(-3, 5) });
      }
      return [...parents, ...children(parents, 30), ...elders];
    }
    case 'couple':
      return couple(22, 65, 0.8);
    case 'single-adult':
      return [{ relation: 'head', age: random.between(20, 60), sex: other(), surname: headSurname }];
    case 'single-parent': {
      const parent: PersonSpec = {
        relation: 'head',
        age: random.between(28, 51),
        sex: random.chance(0.7) ? 'female' : 'male',
        surname: headSurname,
      };
      return [parent, ...children([parent], 18).map((c) => ({ ...c, surname: headSurname }))];
    }
    default: {
      const never: never = composition;
      throw new Error(`unknown composition ${String(never)}`);
    }
  }
}

// 特困: an elder of 75+ living alone, or an adult with a severe disability living alone; either
// way without work ability, income source or a supporter able to support them.
function tekunPeople(random: Random): PersonSpec[] {
  return [
    {
      relation: 'head',
      age: random.chance(0.75) ? random.between(75, 95) : random.between(30, 60),
      sex: random.chance(0.5) ? 'male' : 'female',
      surname: pickSurname(random),
    },
  ];
}

function makeTekun(ctx: PopulationContext, person: Member): void {
  person.workAbility = 'none';
  person.inInstitution = ctx.random.chance(0.3);
  if (
    ageOn(person.birthDate, ctx.referenceDate) < 60 &&
    !(person.disability && person.disability.grade <= 2)
  ) {
    person.disability = {
      grade: ctx.random.chance(0.4) ? 1 : 2,
      category: ctx.random.weighted(DISABILITY_CATEGORIES),
    };
  }
}

function drawDisability(random: Random, age: number, status: EconomicStatus): Member['disability'] {
  // About 3% of people hold a certificate, more among the old; poorer households more often.
  const base = age < 1 ? 0 : age < 18 ? 0.008 : age < 60 ? 0.02 : age < 80 ? 0.045 : 0.09;
  const probability = status === 'ordinary' ? base : base * 3;
  if (!random.chance(probability)) return undefined;
  return { grade: random.weighted(DISABILITY_GRADES), category: random.weighted(DISABILITY_CATEGORIES) };
}

function workAbilityOf(random: Random, age: number, grade: number | undefined): Member['workAbility'] {
  if (age < 16) return 'none';
  if (grade !== undefined && grade <= 2) return 'none';
  if (grade !== undefined) return 'partial';
  if (age < 60) return random.chance(0.03) ? 'partial' : 'full';
  if (age < 70) return random.chance(0.7) ? 'partial' : 'full';
  return random.chance(0.6) ? 'none' : 'partial';
}

/** Monthly incomes as a member of an ordinary household would have them (whole yuan). */
function naturalIncomes(random: Random, member: Member, age: number): Income[] {
  const yuan = (value: number): number => Math.max(0, Math.round(value / 100) * 100);
  const incomes: Income[] = [];
  if (age < 16) return incomes;
  if (age >= 60) {
    // Employee pensions (median ~3,600 yuan) for most; the residents' basic pension (~700–1,100
    // yuan) for those who never held a registered job. Both approximations for southern Jiangsu.
    incomes.push({
      type: 'pension',
      monthlyFen: random.chance(0.65)
        ? yuan(random.logNormal(360_000, 0.3))
        : yuan(random.between(70_000, 110_000)),
    });
  } else if (member.workAbility !== 'none' && !(age <= 22 && random.chance(0.75))) {
    if (random.chance(0.08)) {
      // out of work: no earned income
    } else if (random.chance(0.12)) {
      incomes.push({
        type: 'business',
        monthlyFen: yuan(random.logNormalWithin(750_000, 0.7, 100_000, 10_000_000)),
      });
    } else {
      // Wages: median ~7,000 yuan a month, never below the local minimum wage (~2,490 yuan).
      const median = member.workAbility === 'partial' ? 350_000 : 700_000;
      incomes.push({ type: 'wage', monthlyFen: yuan(Math.max(249_000, random.logNormal(median, 0.45))) });
    }
  }
  if (age >= 18 && random.chance(0.1)) {
    incomes.push({
      type: 'property',
      monthlyFen: yuan(random.logNormalWithin(80_000, 0.8, 10_000, 2_000_000)),
    });
  }
  return incomes;
}

/** Scales a dibao or edge household's incomes to a per-capita level that makes it one. */
function fitIncomeToStatus(ctx: PopulationContext, household: SimHousehold): void {
  const { random, dibaoStandardFen } = ctx;
  const perCapita =
    household.status === 'dibao'
      ? random.between(0.3, 0.95) * dibaoStandardFen
      : random.between(1.02, 1.45) * dibaoStandardFen;
  const target = Math.round(perCapita * household.members.length);
  let natural = 0;
  for (const incomes of household.incomes.values()) for (const i of incomes) natural += i.monthlyFen;
  if (natural === 0) {
    const head = household.members[0] as Member;
    household.incomes.set(head.residentId, [{ type: 'other', monthlyFen: target }]);
    return;
  }
  for (const [id, incomes] of household.incomes) {
    household.incomes.set(
      id,
      incomes.map((i) => ({ type: i.type, monthlyFen: Math.round((i.monthlyFen * target) / natural) })),
    );
  }
}

function drawAssets(ctx: PopulationContext, status: EconomicStatus, size: number): Assets {
  const { random } = ctx;
  const yuan = (value: number): number => Math.round(value / 100) * 100;
  if (status === 'ordinary') {
    const vehicleCount = random.weighted([
      [0, 40],
      [1, 45],
      [2, 15],
    ] as const);
    return {
      financialAssetsFen: yuan(random.logNormalWithin(15_000_000, 1, 0, 500_000_000)),
      vehicleCount,
      hasNonEssentialVehicle: vehicleCount > 0 && random.chance(0.6),
      propertyCount: random.weighted([
        [0, 7],
        [1, 75],
        [2, 15],
        [3, 3],
      ] as const),
    };
  }
  // Within the asset limit for dibao and tekun; edge households a little either side of it.
  const limit = ASSET_MONTHS_PER_PERSON * ctx.dibaoStandardFen * size;
  const share = status === 'edge' ? random.between(0, 1.2) : random.between(0, 0.8);
  return {
    financialAssetsFen: yuan(limit * share),
    vehicleCount: random.chance(0.1) ? 1 : 0,
    hasNonEssentialVehicle: false,
    propertyCount: random.chance(status === 'edge' ? 0.75 : 0.6) ? 1 : 0,
  };
}

function registrationDate(ctx: PopulationContext, members: Member[]): string {
  const drawn = addDays(ctx.today, -ctx.random.int(30, 720));
  const youngest = members.map((m) => m.birthDate).reduce(laterOf);
  return laterOf(youngest, drawn);
}

/** Children living elsewhere who are legally bound to support the household's elders. */
function legalSupportersOf(ctx: PopulationContext, household: SimHousehold): LegalSupporter[] {
  const { random } = ctx;
  const elders = household.members.filter((m) => ageOn(m.birthDate, ctx.referenceDate) >= 60);
  if (elders.length === 0 || elders.length !== household.members.length) return [];
  if (household.status === 'tekun') return [];
  const count = random.weighted([
    [0, 10],
    [1, 35],
    [2, 35],
    [3, 20],
  ] as const);
  const canSupport = { ordinary: 0.9, edge: 0.6, dibao: 0.4, tekun: 0 }[household.status];
  const father = elders.find((m) => m.sex === 'male');
  const eldest = elders.map((m) => m.birthDate).reduce(earlierOf);
  const supporters: LegalSupporter[] = [];
  for (let i = 0; i < count; i++) {
    const sex: Sex = random.chance(0.5) ? 'male' : 'female';
    const birthDate = addDays(eldest, Math.floor(random.between(22, 36) * 365.25));
    if (ageOn(birthDate, ctx.referenceDate) < 18) continue;
    const surname = father?.name.slice(0, 1) ?? pickSurname(random);
    const residentId = random.chance(0.6) ? ctx.newResidentId({ birthDate, sex }) : undefined;
    const name = surname + pickGivenName(random, sex, birthDate);
    const able = random.chance(canSupport);
    for (const elder of elders) {
      const supporter: LegalSupporter = {
        name,
        relation: 'child',
        supportsResidentId: elder.residentId,
        canSupport: able,
      };
      if (residentId !== undefined) supporter.residentId = residentId;
      supporters.push(supporter);
    }
  }
  return supporters;
}

function certificationsOf(ctx: PopulationContext, members: Member[]): DisabilityCertified[] {
  return members.flatMap((member) => {
    if (!member.disability) return [];
    const earliest = addDays(member.birthDate, 365);
    const drawn = addDays(ctx.today, -ctx.random.int(180, 3300));
    const issued = laterOf(drawn, earliest);
    if (issued > ctx.today) return [];
    const { grade, category } = member.disability;
    return [
      {
        residentId: member.residentId,
        businessDate: issued,
        grade,
        category,
        certificateNo: `${member.residentId}${CATEGORY_DIGIT[category]}${grade}`,
        // Second-generation certificates are valid for ten years.
        validUntil: addDays(yearsBefore(issued, -10), -1),
      },
    ];
  });
}

function enrolmentsOf(ctx: PopulationContext, household: SimHousehold): AssistanceEnrolmentChanged[] {
  const { random, seed } = ctx;
  const enrolments: AssistanceEnrolmentChanged[] = [];
  const enrol = (
    prefix: string,
    programme: AssistanceEnrolmentChanged['programme'],
    monthlyAmountFen: number,
    beneficiaries?: string[],
  ): void => {
    const enrolment: AssistanceEnrolmentChanged = {
      enrolmentId: `${prefix}${seed}-${String(ctx.nextEnrolmentNo()).padStart(6, '0')}`,
      householdId: household.householdId,
      businessDate: addDays(ctx.today, -random.int(60, 1500)),
      programme,
      change: 'enrolled',
      monthlyAmountFen,
    };
    if (beneficiaries) enrolment.beneficiaryResidentIds = beneficiaries;
    enrolments.push(enrolment);
  };
  const income = [...household.incomes.values()].flat().reduce((sum, i) => sum + i.monthlyFen, 0);
  const head = household.members[0] as Member;
  switch (household.status) {
    case 'dibao':
      // The dibao benefit is the gap: standard × household size − household income.
      enrol('DB', 'dibao', Math.max(0, ctx.dibaoStandardFen * household.members.length - income));
      break;
    case 'edge':
      enrol('BY', 'edge', 0);
      break;
    case 'tekun': {
      if (head.inInstitution) enrol('TK', 'tekun-centralised', TEKUN_STANDARD_FEN, [head.residentId]);
      else enrol('TK', 'tekun-dispersed', TEKUN_STANDARD_FEN, [head.residentId]);
      // What the assistance system records about care (the scorecard's indicator #2): those in an
      // institution asked for it; a severe disability (grade 1–2) means they cannot care for themselves.
      const tekun = enrolments[enrolments.length - 1] as AssistanceEnrolmentChanged;
      tekun.wantsCentralisedCare = head.inInstitution;
      tekun.cannotSelfCare = head.disability !== undefined && head.disability.grade <= 2;
      break;
    }
    case 'ordinary':
      break;
    default: {
      const never: never = household.status;
      throw new Error(`unknown status ${String(never)}`);
    }
  }
  // 残疾人两项补贴: nursing for severe disability (grade 1–2, or 3–4 intellectual/mental); living
  // subsidy for disabled people in poor households (tekun recipients already get full support).
  const severe = household.members.filter(
    (m) =>
      m.disability &&
      (m.disability.grade <= 2 ||
        m.disability.category === 'intellectual' ||
        m.disability.category === 'mental'),
  );
  if (severe.length > 0) {
    const ids = severe.map((m) => m.residentId);
    enrol('CJ', 'disability-nursing', DISABILITY_NURSING_SUBSIDY_FEN * ids.length, ids);
  }
  const disabled = household.members.filter((m) => m.disability);
  if (disabled.length > 0 && (household.status === 'dibao' || household.status === 'edge')) {
    const ids = disabled.map((m) => m.residentId);
    enrol('CJ', 'disability-living', DISABILITY_LIVING_SUBSIDY_FEN * ids.length, ids);
  }
  return enrolments;
}
