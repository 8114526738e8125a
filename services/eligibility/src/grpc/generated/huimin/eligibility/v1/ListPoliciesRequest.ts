// Original file: proto/huimin/eligibility/v1/eligibility.proto


export interface ListPoliciesRequest {
}

export interface ListPoliciesRequest__Output {
}
