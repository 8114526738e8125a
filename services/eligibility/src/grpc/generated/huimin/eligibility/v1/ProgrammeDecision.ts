// Original file: proto/huimin/eligibility/v1/eligibility.proto

import type { Check as _huimin_eligibility_v1_Check, Check__Output as _huimin_eligibility_v1_Check__Output } from '../../../huimin/eligibility/v1/Check.ts';
import type { Long } from '@grpc/proto-loader';

export interface ProgrammeDecision {
  'programme'?: (string);
  'status'?: (string);
  'monthlyAmountFen'?: (number | string | Long);
  'members'?: (number);
  'checks'?: (_huimin_eligibility_v1_Check)[];
}

export interface ProgrammeDecision__Output {
  'programme': (string);
  'status': (string);
  'monthlyAmountFen': (string);
  'members': (number);
  'checks': (_huimin_eligibility_v1_Check__Output)[];
}
