// Original file: proto/huimin/eligibility/v1/eligibility.proto

import type { Policy as _huimin_eligibility_v1_Policy, Policy__Output as _huimin_eligibility_v1_Policy__Output } from '../../../huimin/eligibility/v1/Policy.ts';

export interface ListPoliciesResponse {
  'policies'?: (_huimin_eligibility_v1_Policy)[];
}

export interface ListPoliciesResponse__Output {
  'policies': (_huimin_eligibility_v1_Policy__Output)[];
}
