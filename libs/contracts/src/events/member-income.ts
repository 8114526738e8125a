import { type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event.ts';
import {
  BusinessDate,
  closedObject,
  Fen,
  HouseholdId,
  ResidentId,
  retractionFields,
  stringEnum,
} from '../schema-types.ts';
import { memberIncomeFeed } from '../topics.ts';
import { liXiuying, wangHousehold, wangJianguo } from './example-people.ts';
import { duplicates } from './rules.ts';

const IncomeType = stringEnum(['wage', 'business', 'property', 'transfer', 'pension', 'other'], {
  description: '工资性, 经营净, 财产净, 转移净, 养老金, 其他',
});

export const MemberIncomeReported = defineEvent({
  name: 'MemberIncomeReported',
  type: 'huimin.feed.member-income.reported.v1',
  version: 1,
  topic: memberIncomeFeed,
  key: (p) => p.householdId,
  schema: closedObject({
    householdId: HouseholdId,
    residentId: ResidentId,
    businessDate: BusinessDate,
    incomes: Type.Array(closedObject({ type: IncomeType, monthlyFen: Fen }), {
      maxItems: 6,
      description:
        'the member’s whole income as of the business date, one entry per type; empty means no income',
    }),
  }),
  description:
    "A member's monthly income by type, as of the business date. It replaces the member's earlier report; types not listed are zero.",
  example: {
    householdId: wangHousehold.householdId,
    residentId: wangJianguo.residentId,
    businessDate: '2025-01-01',
    incomes: [
      { type: 'pension', monthlyFen: 186_000 },
      { type: 'property', monthlyFen: 20_000 },
    ],
  },
  rules: (p) =>
    duplicates(
      p.incomes,
      (i) => i.type,
      (i) => `/incomes/${i}/type`,
    ),
});
export type MemberIncomeReported = Static<typeof MemberIncomeReported.schema>;

export const MemberIncomeRetracted = defineEvent({
  name: 'MemberIncomeRetracted',
  type: 'huimin.feed.member-income.retracted.v1',
  version: 1,
  topic: memberIncomeFeed,
  key: (p) => p.householdId,
  schema: closedObject({ householdId: HouseholdId, residentId: ResidentId, ...retractionFields }),
  description:
    "A member's income report is withdrawn; the member's previous report (by business date) applies again.",
  example: {
    householdId: wangHousehold.householdId,
    residentId: liXiuying.residentId,
    businessDate: '2025-01-01',
    reason: 'wrong-subject',
    note: '误报为李秀英，实为他人收入',
  },
});
export type MemberIncomeRetracted = Static<typeof MemberIncomeRetracted.schema>;
