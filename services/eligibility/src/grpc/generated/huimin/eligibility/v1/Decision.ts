// Original file: proto/huimin/eligibility/v1/eligibility.proto

import type { ProgrammeDecision as _huimin_eligibility_v1_ProgrammeDecision, ProgrammeDecision__Output as _huimin_eligibility_v1_ProgrammeDecision__Output } from '../../../huimin/eligibility/v1/ProgrammeDecision.ts';
import type { Long } from '@grpc/proto-loader';

export interface Decision {
  'householdId'?: (string);
  'asOf'?: (string);
  'policyVersion'?: (string);
  'householdSize'?: (number);
  'householdMonthlyIncomeFen'?: (number | string | Long);
  'perCapitaMonthlyIncomeFen'?: (number | string | Long);
  'programmes'?: (_huimin_eligibility_v1_ProgrammeDecision)[];
  'decidedAt'?: (string);
}

export interface Decision__Output {
  'householdId': (string);
  'asOf': (string);
  'policyVersion': (string);
  'householdSize': (number);
  'householdMonthlyIncomeFen': (string);
  'perCapitaMonthlyIncomeFen': (string);
  'programmes': (_huimin_eligibility_v1_ProgrammeDecision__Output)[];
  'decidedAt': (string);
}
