import type { ServiceType } from './service-types.ts';
import { ageOn } from './shanghai-time.ts';

/** One version of eldercare policy: what an elder is entitled to and what a visit costs. */
export interface EldercarePolicy {
  policyVersion: string;
  /** Asia/Shanghai date the version applies from. */
  effectiveFrom: string;
  rules: EldercareRules;
  /** Names of the figures that are placeholders until the bureau confirms them. */
  assumed: string[];
}

export interface EldercareRules {
  /** Monthly entitlement components in fen; an elder's entitlement is the sum of those that apply. */
  entitlement: {
    age60to79Fen: number;
    age80plusFen: number;
    livingAloneFen: number;
    dibaoFen: number;
    tekunFen: number;
    /** Disability grade 1–2 (severe). */
    severeDisabilityFen: number;
    /** By assessed dependency level (失能等级) 1, 2, 3. */
    dependencyFen: [number, number, number];
  };
  /** Whether unused quota carries into the next month (one month only). */
  rollover: boolean;
  /** Price of one visit, fen. */
  priceFen: Record<ServiceType, number>;
  /** EVV: check-in and check-out must be within this distance of the elder's address. */
  radiusM: number;
  /** EVV: visits shorter or longer than these (minutes) are flagged. */
  minMinutes: Record<ServiceType, number>;
  maxMinutes: Record<ServiceType, number>;
  /** Daily check-on for elders living alone must be completed by this Shanghai hour. */
  checkOnCutoffHour: number;
}

/** What the entitlement depends on. */
export interface ElderFacts {
  birthDate: string;
  livingAlone: boolean;
  dibao: boolean;
  tekun: boolean;
  disabilityGrade: number | null;
  dependencyLevel: number;
}

/** The version in force on a date: the latest effective on or before it. */
export function policyOn(policies: readonly EldercarePolicy[], date: string): EldercarePolicy | undefined {
  let found: EldercarePolicy | undefined;
  for (const p of policies) {
    if (p.effectiveFrom <= date && (!found || p.effectiveFrom > found.effectiveFrom)) found = p;
  }
  return found;
}

/** Monthly entitlement in fen, from the elder's age on the first of the month and their status. */
export function monthlyEntitlementFen(elder: ElderFacts, rules: EldercareRules, monthStart: string): number {
  const e = rules.entitlement;
  const age = ageOn(elder.birthDate, monthStart);
  if (age < 60) return 0;
  let fen = age >= 80 ? e.age80plusFen : e.age60to79Fen;
  if (elder.livingAlone) fen += e.livingAloneFen;
  if (elder.dibao) fen += e.dibaoFen;
  if (elder.tekun) fen += e.tekunFen;
  if (elder.disabilityGrade !== null && elder.disabilityGrade <= 2) fen += e.severeDisabilityFen;
  if (elder.dependencyLevel >= 1) fen += e.dependencyFen[elder.dependencyLevel - 1] ?? 0;
  return fen;
}

/** The split of a visit's price: subsidy from what is left of the quota, the rest paid by the family. */
export function splitCost(
  priceFen: number,
  remainingFen: number,
): { subsidyFen: number; selfPayFen: number } {
  const subsidyFen = Math.max(0, Math.min(priceFen, remainingFen));
  return { subsidyFen, selfPayFen: priceFen - subsidyFen };
}

const perService = (values: Record<ServiceType, number>): Record<ServiceType, number> => values;

/**
 * The seed version. Every figure is a placeholder (DOMAIN.md: eldercare prices and quotas are to be
 * confirmed by the bureau), hence `assumed` lists them all.
 */
export const seedPolicies: EldercarePolicy[] = [
  {
    policyVersion: 'eldercare-2021-01-01',
    effectiveFrom: '2021-01-01',
    rules: {
      entitlement: {
        age60to79Fen: 0,
        age80plusFen: 10_000,
        livingAloneFen: 5_000,
        dibaoFen: 20_000,
        tekunFen: 40_000,
        severeDisabilityFen: 10_000,
        dependencyFen: [10_000, 20_000, 30_000],
      },
      rollover: false,
      priceFen: perService({
        'meal-help': 1_500,
        'personal-care': 4_000,
        'rehab-nursing': 8_000,
        bathing: 6_000,
        cleaning: 4_000,
        'daily-check-on': 500,
        'home-adaptation-assessment': 20_000,
        'night-care': 12_000,
      }),
      radiusM: 200,
      minMinutes: perService({
        'meal-help': 3,
        'personal-care': 30,
        'rehab-nursing': 30,
        bathing: 30,
        cleaning: 45,
        'daily-check-on': 3,
        'home-adaptation-assessment': 30,
        'night-care': 240,
      }),
      maxMinutes: perService({
        'meal-help': 60,
        'personal-care': 240,
        'rehab-nursing': 180,
        bathing: 180,
        cleaning: 240,
        'daily-check-on': 90,
        'home-adaptation-assessment': 240,
        'night-care': 720,
      }),
      checkOnCutoffHour: 10,
    },
    assumed: [
      'entitlement',
      'rollover',
      'priceFen',
      'radiusM',
      'minMinutes',
      'maxMinutes',
      'checkOnCutoffHour',
    ],
  },
];
