// Original file: proto/huimin/eligibility/v1/eligibility.proto

import type { Check as _huimin_eligibility_v1_Check, Check__Output as _huimin_eligibility_v1_Check__Output } from '../../../huimin/eligibility/v1/Check.ts';
import type { Long } from '@grpc/proto-loader';

export interface TemporaryAssistanceDecision {
  'householdId'?: (string);
  'asOf'?: (string);
  'policyVersion'?: (string);
  'standardPolicyVersion'?: (string);
  'dibaoStandardFen'?: (number | string | Long);
  'householdSize'?: (number);
  'cause'?: (string);
  'status'?: (string);
  'maximumFen'?: (number | string | Long);
  'proposedFen'?: (number | string | Long);
  'approvalLevel'?: (string);
  'nextPossibleOn'?: (string);
  'checks'?: (_huimin_eligibility_v1_Check)[];
}

export interface TemporaryAssistanceDecision__Output {
  'householdId': (string);
  'asOf': (string);
  'policyVersion': (string);
  'standardPolicyVersion': (string);
  'dibaoStandardFen': (string);
  'householdSize': (number);
  'cause': (string);
  'status': (string);
  'maximumFen': (string);
  'proposedFen': (string);
  'approvalLevel': (string);
  'nextPossibleOn': (string);
  'checks': (_huimin_eligibility_v1_Check__Output)[];
}
