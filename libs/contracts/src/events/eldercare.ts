import { CloneType, type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event.ts';
import {
  CalendarDate,
  CommunityCode,
  closedObject,
  HouseholdId,
  Instant,
  RecordId,
  ResidentId,
} from '../schema-types.ts';
import { eldercareOrderStream } from '../topics.ts';
import { chenGuiying, chenHousehold } from './example-people.ts';

export const CheckOnMissed = defineEvent({
  name: 'CheckOnMissed',
  type: 'huimin.eldercare.check-on.missed.v1',
  version: 1,
  topic: eldercareOrderStream,
  key: (p) => p.orderId,
  schema: closedObject({
    orderId: CloneType(RecordId, { description: 'the daily check-on (日常关爱) service order' }),
    elderResidentId: ResidentId,
    householdId: Type.Optional(HouseholdId),
    communityCode: CommunityCode,
    providerId: RecordId,
    scheduledDate: CalendarDate,
    cutoffAt: CloneType(Instant, { description: 'the check-on had to be recorded by this instant' }),
    consecutiveMisses: Type.Integer({ minimum: 1, maximum: 366 }),
  }),
  description: 'No check-on visit or call was recorded for an elder by the day’s cut-off.',
  example: {
    orderId: 'EO-2025-00318',
    elderResidentId: chenGuiying.residentId,
    householdId: chenHousehold.householdId,
    communityCode: chenHousehold.communityCode,
    providerId: 'PV-0012',
    scheduledDate: '2025-03-11',
    cutoffAt: '2025-03-11T10:00:00.000Z',
    consecutiveMisses: 2,
  },
});
export type CheckOnMissed = Static<typeof CheckOnMissed.schema>;
