// Original file: proto/huimin/eligibility/v1/eligibility.proto


export interface GetStatusRequest {
  'householdId'?: (string);
}

export interface GetStatusRequest__Output {
  'householdId': (string);
}
