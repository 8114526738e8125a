import { CloneType, type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event.ts';
import {
  BusinessDate,
  CalendarDate,
  closedObject,
  DisabilityCategory,
  DisabilityGrade,
  ResidentId,
  retractionFields,
} from '../schema-types.ts';
import { disabilityFeed } from '../topics.ts';
import { wangLei } from './example-people.ts';

// The second-generation disability certificate number (第二代残疾人证号) is the holder's resident ID
// followed by a category digit and a grade digit.
const CATEGORY_DIGIT = {
  visual: '1',
  hearing: '2',
  speech: '3',
  physical: '4',
  intellectual: '5',
  mental: '6',
  multiple: '7',
} as const;

const CertificateNo = Type.String({
  pattern: '^\\d{17}[\\dX][1-7][1-4]$',
  description: 'resident ID + category digit (1 visual … 7 multiple) + grade digit',
});

export const DisabilityCertified = defineEvent({
  name: 'DisabilityCertified',
  type: 'huimin.feed.disability.certified.v1',
  version: 1,
  topic: disabilityFeed,
  key: (p) => p.residentId,
  schema: closedObject({
    residentId: ResidentId,
    businessDate: CloneType(BusinessDate, { description: 'date the certificate was issued or re-assessed' }),
    grade: DisabilityGrade,
    category: DisabilityCategory,
    certificateNo: CertificateNo,
    validUntil: Type.Optional(CalendarDate),
  }),
  description:
    "A person's disability was certified or re-assessed; the latest certification per person is current.",
  example: {
    residentId: wangLei.residentId,
    businessDate: '2023-09-18',
    grade: 2,
    category: 'physical',
    certificateNo: `${wangLei.residentId}42`,
    validUntil: '2033-09-17',
  },
  rules: (p) =>
    p.certificateNo === `${p.residentId}${CATEGORY_DIGIT[p.category]}${p.grade}`
      ? []
      : [
          {
            pointer: '/certificateNo',
            code: 'INCONSISTENT',
            message: 'must be the resident ID followed by the category digit and the grade',
          },
        ],
});
export type DisabilityCertified = Static<typeof DisabilityCertified.schema>;

export const DisabilityCertificationRetracted = defineEvent({
  name: 'DisabilityCertificationRetracted',
  type: 'huimin.feed.disability.retracted.v1',
  version: 1,
  topic: disabilityFeed,
  key: (p) => p.residentId,
  schema: closedObject({
    residentId: ResidentId,
    certificateNo: Type.Optional(CertificateNo),
    ...retractionFields,
  }),
  description:
    'A certification is withdrawn (issued in error, or revoked); the previous one, if any, applies again.',
  example: {
    residentId: wangLei.residentId,
    certificateNo: `${wangLei.residentId}42`,
    businessDate: '2023-09-18',
    reason: 'entered-in-error',
  },
});
export type DisabilityCertificationRetracted = Static<typeof DisabilityCertificationRetracted.schema>;
