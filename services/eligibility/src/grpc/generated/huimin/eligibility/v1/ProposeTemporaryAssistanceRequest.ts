// Original file: proto/huimin/eligibility/v1/eligibility.proto

import type { Long } from '@grpc/proto-loader';

export interface ProposeTemporaryAssistanceRequest {
  'householdId'?: (string);
  'cause'?: (string);
  'requestedFen'?: (number | string | Long);
  'lastGrantedOn'?: (string);
  'asOf'?: (string);
}

export interface ProposeTemporaryAssistanceRequest__Output {
  'householdId': (string);
  'cause': (string);
  'requestedFen': (string);
  'lastGrantedOn': (string);
  'asOf': (string);
}
