import type {
  AssistanceEnrolmentChanged,
  DisabilityCertified,
  HouseholdAssetsReported,
  HouseholdRegistered,
  MemberIncomeReported,
} from '@huimin/contracts';
import type { Place } from './places.ts';

// The simulator's picture of one household: what the household registry knows (the snapshot it
// sends), plus what other departments know about it (incomes, assets, enrolments, certificates).

export type Member = HouseholdRegistered['members'][number];
export type LegalSupporter = HouseholdRegistered['legalSupporters'][number];
export type Income = MemberIncomeReported['incomes'][number];
export type Assets = Omit<HouseholdAssetsReported, 'householdId' | 'businessDate'>;

/** Where the household stands economically, which decides its incomes, assets and enrolments. */
export type EconomicStatus = 'ordinary' | 'edge' | 'dibao' | 'tekun';

export interface SimHousehold {
  householdId: string;
  /** Business date of the registry's first snapshot. */
  registeredOn: string;
  place: Place;
  members: Member[];
  legalSupporters: LegalSupporter[];
  /** Monthly incomes by resident ID (members of working or pension age; others have none). */
  incomes: Map<string, Income[]>;
  incomesAsOf: string;
  assets: Assets;
  assetsAsOf: string;
  status: EconomicStatus;
  enrolments: AssistanceEnrolmentChanged[];
  certifications: DisabilityCertified[];
  /** Set for scenario households: their claims are scripted and nothing random touches them. */
  scenario?: string;
}

export function snapshotOf(household: SimHousehold, businessDate: string): HouseholdRegistered {
  return {
    householdId: household.householdId,
    businessDate,
    townCode: household.place.townCode,
    communityCode: household.place.communityCode,
    address: { ...household.place.address },
    members: household.members.map((m) => ({ ...m })),
    legalSupporters: household.legalSupporters.map((s) => ({ ...s })),
  };
}

/** The household's monthly income in fen: every member's latest incomes summed. */
export function monthlyIncomeFen(household: SimHousehold): number {
  let total = 0;
  for (const incomes of household.incomes.values()) for (const income of incomes) total += income.monthlyFen;
  return total;
}
