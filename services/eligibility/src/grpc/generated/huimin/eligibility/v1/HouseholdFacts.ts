// Original file: proto/huimin/eligibility/v1/eligibility.proto

import type { Member as _huimin_eligibility_v1_Member, Member__Output as _huimin_eligibility_v1_Member__Output } from '../../../huimin/eligibility/v1/Member.ts';
import type { Assets as _huimin_eligibility_v1_Assets, Assets__Output as _huimin_eligibility_v1_Assets__Output } from '../../../huimin/eligibility/v1/Assets.ts';
import type { Long } from '@grpc/proto-loader';

export interface HouseholdFacts {
  'householdId'?: (string);
  'members'?: (_huimin_eligibility_v1_Member)[];
  'assets'?: (_huimin_eligibility_v1_Assets | null);
  'rigidSpendingFen'?: (number | string | Long);
}

export interface HouseholdFacts__Output {
  'householdId': (string);
  'members': (_huimin_eligibility_v1_Member__Output)[];
  'assets': (_huimin_eligibility_v1_Assets__Output | null);
  'rigidSpendingFen': (string);
}
