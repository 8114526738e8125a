import { CloneType, type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event.ts';
import { BusinessDate, CommunityCode, RecordId, retractionFields, stringEnum } from '../schema-types.ts';
import { departmentSignalFeed } from '../topics.ts';
import { chenGuiying, chenHousehold } from './example-people.ts';
import { knownCommunity } from './rules.ts';
import { subjectKey, subjectRule, withSubject } from './subject.ts';

// The Kafka key is the household id when present, otherwise the resident id; a retraction carries
// the same ids as its signal so it lands on the same partition, behind it.

export const DepartmentSignalReported = defineEvent({
  name: 'DepartmentSignalReported',
  type: 'huimin.feed.department-signal.reported.v1',
  version: 1,
  topic: departmentSignalFeed,
  key: subjectKey,
  schema: withSubject({
    signalId: CloneType(RecordId, { description: "the reporting department's reference" }),
    businessDate: CloneType(BusinessDate, { description: 'date the reported fact happened' }),
    kind: stringEnum(['death', 'unemployment', 'hospitalisation', 'grid-worker-report']),
    reportedBy: stringEnum(
      ['public-security', 'human-resources', 'health', 'medical-insurance', 'grid-management', 'other'],
      { description: 'department or channel the signal came from' },
    ),
    communityCode: CommunityCode,
    detail: Type.String({ maxLength: 500, description: 'free text for the case handler; may be empty' }),
  }),
  description:
    'Another department or a grid worker reports something that may put a household in difficulty.',
  example: {
    signalId: 'WG-20250312-0456',
    householdId: chenHousehold.householdId,
    residentId: chenGuiying.residentId,
    businessDate: '2025-03-12',
    kind: 'grid-worker-report',
    reportedBy: 'grid-management',
    communityCode: chenHousehold.communityCode,
    detail: '独居老人，近一周未见出门，邻居反映行动不便，需上门核实。',
  },
  rules: (p) => [...subjectRule(p), ...knownCommunity('/communityCode', p.communityCode)],
});
export type DepartmentSignalReported = Static<typeof DepartmentSignalReported.schema>;

export const DepartmentSignalRetracted = defineEvent({
  name: 'DepartmentSignalRetracted',
  type: 'huimin.feed.department-signal.retracted.v1',
  version: 1,
  topic: departmentSignalFeed,
  key: subjectKey,
  schema: withSubject({ signalId: RecordId, ...retractionFields }),
  description:
    'A signal was sent in error and is withdrawn. It carries the same household and resident ids as the signal.',
  example: {
    signalId: 'WG-20250312-0456',
    householdId: chenHousehold.householdId,
    residentId: chenGuiying.residentId,
    businessDate: '2025-03-12',
    reason: 'wrong-subject',
  },
  rules: subjectRule,
});
export type DepartmentSignalRetracted = Static<typeof DepartmentSignalRetracted.schema>;
