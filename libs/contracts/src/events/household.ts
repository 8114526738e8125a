import { CloneType, type Static, Type } from '@sinclair/typebox';
import { defineEvent, type RuleViolation } from '../define-event.ts';
import { validateResidentId } from '../resident-id.ts';
import {
  BusinessDate,
  CalendarDate,
  CommunityCode,
  closedObject,
  DisabilityCategory,
  DisabilityGrade,
  HouseholdId,
  PersonName,
  ResidentId,
  retractionFields,
  Sex,
  stringEnum,
  TownCode,
} from '../schema-types.ts';
import { householdFeed } from '../topics.ts';
import { liXiuying, wangFang, wangHousehold, wangJianguo, wangLei } from './example-people.ts';
import { communityInTown, duplicates } from './rules.ts';

const Member = closedObject({
  residentId: ResidentId,
  name: PersonName,
  relationToHead: stringEnum(
    [
      'head',
      'spouse',
      'child',
      'child-in-law',
      'parent',
      'parent-in-law',
      'grandchild',
      'grandparent',
      'sibling',
      'other',
    ],
    { description: '与户主关系; exactly one member is the head' },
  ),
  birthDate: CalendarDate,
  sex: Sex,
  hukouLocal: Type.Boolean({ description: 'registered (户籍) in this county' }),
  disability: Type.Optional(closedObject({ grade: DisabilityGrade, category: DisabilityCategory })),
  workAbility: stringEnum(['full', 'partial', 'none'], { description: '劳动能力' }),
  inInstitution: Type.Boolean({ description: 'lives in a care institution (集中供养 / 养老机构)' }),
});

const LegalSupporter = closedObject(
  {
    residentId: Type.Optional(ResidentId),
    name: PersonName,
    relation: stringEnum(['spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'other']),
    supportsResidentId: CloneType(ResidentId, {
      description: 'the member this person is legally obliged to support',
    }),
    canSupport: Type.Boolean({ description: 'has the means to support (有赡养/抚养/扶养能力)' }),
  },
  { description: '法定赡养、抚养、扶养义务人, usually living outside the household' },
);

const Address = closedObject(
  {
    text: Type.String({ minLength: 1, maxLength: 200 }),
    lng: Type.Number({ minimum: 73, maximum: 136, description: 'GCJ-02 longitude' }),
    lat: Type.Number({ minimum: 3, maximum: 54, description: 'GCJ-02 latitude' }),
  },
  { description: 'home address; coordinates in GCJ-02, the system Chinese map SDKs use' },
);

const HouseholdSnapshot = closedObject({
  householdId: HouseholdId,
  businessDate: BusinessDate,
  townCode: TownCode,
  communityCode: CommunityCode,
  address: Address,
  members: Type.Array(Member, { minItems: 1, maxItems: 30 }),
  legalSupporters: Type.Array(LegalSupporter, { maxItems: 30 }),
});

type HouseholdSnapshot = Static<typeof HouseholdSnapshot>;

function householdRules(household: HouseholdSnapshot): RuleViolation[] {
  const violations = communityInTown(
    '/communityCode',
    household.communityCode,
    '/townCode',
    household.townCode,
  );
  const heads = household.members.filter((m) => m.relationToHead === 'head').length;
  if (heads !== 1) {
    violations.push({
      pointer: '/members',
      code: 'INCONSISTENT',
      message: `exactly one member must be the head, found ${heads}`,
    });
  }
  violations.push(
    ...duplicates(
      household.members,
      (m) => m.residentId,
      (i) => `/members/${i}/residentId`,
    ),
  );
  household.members.forEach((member, i) => {
    // Birth date and sex are written in the resident ID; a mismatch means one of them is wrong.
    const id = validateResidentId(member.residentId);
    if (!id.ok) return;
    if (id.birthDate !== member.birthDate) {
      violations.push({
        pointer: `/members/${i}/birthDate`,
        code: 'INCONSISTENT',
        message: 'does not match the resident ID',
      });
    }
    if (id.sex !== member.sex) {
      violations.push({
        pointer: `/members/${i}/sex`,
        code: 'INCONSISTENT',
        message: 'does not match the resident ID',
      });
    }
  });
  const memberIds = new Set(household.members.map((m) => m.residentId));
  household.legalSupporters.forEach((supporter, i) => {
    if (!memberIds.has(supporter.supportsResidentId)) {
      violations.push({
        pointer: `/legalSupporters/${i}/supportsResidentId`,
        code: 'INCONSISTENT',
        message: 'is not a member of this household',
      });
    }
  });
  return violations;
}

const wangFamily: HouseholdSnapshot = {
  householdId: wangHousehold.householdId,
  businessDate: '2024-03-01',
  townCode: wangHousehold.townCode,
  communityCode: wangHousehold.communityCode,
  address: wangHousehold.address,
  members: [
    {
      residentId: wangJianguo.residentId,
      name: wangJianguo.name,
      relationToHead: 'head',
      birthDate: wangJianguo.birthDate,
      sex: wangJianguo.sex,
      hukouLocal: true,
      workAbility: 'partial',
      inInstitution: false,
    },
    {
      residentId: liXiuying.residentId,
      name: liXiuying.name,
      relationToHead: 'spouse',
      birthDate: liXiuying.birthDate,
      sex: liXiuying.sex,
      hukouLocal: true,
      workAbility: 'partial',
      inInstitution: false,
    },
    {
      residentId: wangLei.residentId,
      name: wangLei.name,
      relationToHead: 'child',
      birthDate: wangLei.birthDate,
      sex: wangLei.sex,
      hukouLocal: true,
      disability: { grade: 2, category: 'physical' },
      workAbility: 'none',
      inInstitution: false,
    },
  ],
  legalSupporters: [
    {
      residentId: wangFang.residentId,
      name: wangFang.name,
      relation: 'child',
      supportsResidentId: wangJianguo.residentId,
      canSupport: false,
    },
  ],
};

export const HouseholdRegistered = defineEvent({
  name: 'HouseholdRegistered',
  type: 'huimin.feed.household.registered.v1',
  version: 1,
  topic: householdFeed,
  key: (p) => p.householdId,
  schema: HouseholdSnapshot,
  description: 'A household is known to the bureau for the first time. The payload is the full household.',
  example: wangFamily,
  rules: householdRules,
});
export type HouseholdRegistered = Static<typeof HouseholdRegistered.schema>;

export const HouseholdUpdated = defineEvent({
  name: 'HouseholdUpdated',
  type: 'huimin.feed.household.updated.v1',
  version: 1,
  topic: householdFeed,
  key: (p) => p.householdId,
  schema: HouseholdSnapshot,
  description:
    'Something about a household changed. The payload is the full household as of its business date (a snapshot, not a diff), so the latest record per household is the household.',
  example: {
    ...wangFamily,
    businessDate: '2025-01-15',
    members: wangFamily.members.map((m) =>
      m.residentId === wangJianguo.residentId ? { ...m, workAbility: 'none' as const } : m,
    ),
  },
  rules: householdRules,
});
export type HouseholdUpdated = Static<typeof HouseholdUpdated.schema>;

const HouseholdDissolvedSchema = closedObject({
  householdId: HouseholdId,
  businessDate: BusinessDate,
  reason: stringEnum(['merged', 'split', 'moved-away', 'all-members-deceased', 'other']),
  mergedIntoHouseholdId: Type.Optional(
    CloneType(HouseholdId, { description: 'required when the reason is merged' }),
  ),
});

export const HouseholdDissolved = defineEvent({
  name: 'HouseholdDissolved',
  type: 'huimin.feed.household.dissolved.v1',
  version: 1,
  topic: householdFeed,
  key: (p) => p.householdId,
  schema: HouseholdDissolvedSchema,
  description: 'A household no longer exists as a unit from its business date on.',
  example: {
    householdId: 'HH-320585100001-0091',
    businessDate: '2025-02-10',
    reason: 'merged',
    mergedIntoHouseholdId: wangHousehold.householdId,
  },
  rules: (p) =>
    (p.reason === 'merged') === (p.mergedIntoHouseholdId !== undefined)
      ? []
      : [
          {
            pointer: '/mergedIntoHouseholdId',
            code: 'INCONSISTENT',
            message: 'is required when the reason is merged, and only then',
          },
        ],
});
export type HouseholdDissolved = Static<typeof HouseholdDissolved.schema>;

export const HouseholdRecordRetracted = defineEvent({
  name: 'HouseholdRecordRetracted',
  type: 'huimin.feed.household.retracted.v1',
  version: 1,
  topic: householdFeed,
  key: (p) => p.householdId,
  schema: closedObject({ householdId: HouseholdId, ...retractionFields }),
  description:
    'A household report (registered, updated or dissolved) was wrong and is withdrawn. In production the topic is compacted, so a retraction of the latest snapshot is followed by a re-send of the correct one.',
  example: {
    householdId: wangHousehold.householdId,
    businessDate: '2025-01-15',
    retractsEventId: '3f1c2a9e-5b7d-4e21-9a0c-6d8e7f1b2c34',
    reason: 'entered-in-error',
  },
});
export type HouseholdRecordRetracted = Static<typeof HouseholdRecordRetracted.schema>;
