// Original file: proto/huimin/eligibility/v1/eligibility.proto

import type { HouseholdFacts as _huimin_eligibility_v1_HouseholdFacts, HouseholdFacts__Output as _huimin_eligibility_v1_HouseholdFacts__Output } from '../../../huimin/eligibility/v1/HouseholdFacts.ts';

export interface EvaluateRequest {
  'facts'?: (_huimin_eligibility_v1_HouseholdFacts | null);
  'asOf'?: (string);
}

export interface EvaluateRequest__Output {
  'facts': (_huimin_eligibility_v1_HouseholdFacts__Output | null);
  'asOf': (string);
}
