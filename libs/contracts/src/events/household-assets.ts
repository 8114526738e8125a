import { CloneType, type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event.ts';
import { BusinessDate, closedObject, Fen, HouseholdId, retractionFields } from '../schema-types.ts';
import { householdAssetsFeed } from '../topics.ts';
import { chenHousehold, wangHousehold } from './example-people.ts';

export const HouseholdAssetsReported = defineEvent({
  name: 'HouseholdAssetsReported',
  type: 'huimin.feed.household-assets.reported.v1',
  version: 1,
  topic: householdAssetsFeed,
  key: (p) => p.householdId,
  schema: closedObject({
    householdId: HouseholdId,
    businessDate: BusinessDate,
    financialAssetsFen: CloneType(Fen, {
      description: 'deposits, securities, insurance cash value, … of all members, in fen',
    }),
    vehicleCount: Type.Integer({ minimum: 0, maximum: 99 }),
    hasNonEssentialVehicle: Type.Boolean({
      description: 'owns a vehicle beyond what work or disability requires (非生活必需车辆)',
    }),
    propertyCount: Type.Integer({ minimum: 0, maximum: 99, description: 'homes owned (房产套数)' }),
  }),
  description:
    "The household's assets as the asset-check system found them on the business date (the whole picture).",
  example: {
    householdId: wangHousehold.householdId,
    businessDate: '2025-01-10',
    financialAssetsFen: 3_850_000,
    vehicleCount: 1,
    hasNonEssentialVehicle: false,
    propertyCount: 1,
  },
  rules: (p) =>
    p.hasNonEssentialVehicle && p.vehicleCount === 0
      ? [
          {
            pointer: '/hasNonEssentialVehicle',
            code: 'INCONSISTENT',
            message: 'set but the vehicle count is 0',
          },
        ]
      : [],
});
export type HouseholdAssetsReported = Static<typeof HouseholdAssetsReported.schema>;

export const HouseholdAssetsRetracted = defineEvent({
  name: 'HouseholdAssetsRetracted',
  type: 'huimin.feed.household-assets.retracted.v1',
  version: 1,
  topic: householdAssetsFeed,
  key: (p) => p.householdId,
  schema: closedObject({ householdId: HouseholdId, ...retractionFields }),
  description: "An asset report is withdrawn; the household's previous report applies again.",
  example: { householdId: chenHousehold.householdId, businessDate: '2024-12-05', reason: 'duplicate' },
});
export type HouseholdAssetsRetracted = Static<typeof HouseholdAssetsRetracted.schema>;
