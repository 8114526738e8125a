// Original file: proto/huimin/eligibility/v1/eligibility.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Decision as _huimin_eligibility_v1_Decision, Decision__Output as _huimin_eligibility_v1_Decision__Output } from '../../../huimin/eligibility/v1/Decision.ts';
import type { EvaluateRequest as _huimin_eligibility_v1_EvaluateRequest, EvaluateRequest__Output as _huimin_eligibility_v1_EvaluateRequest__Output } from '../../../huimin/eligibility/v1/EvaluateRequest.ts';
import type { GetStatusRequest as _huimin_eligibility_v1_GetStatusRequest, GetStatusRequest__Output as _huimin_eligibility_v1_GetStatusRequest__Output } from '../../../huimin/eligibility/v1/GetStatusRequest.ts';
import type { ListPoliciesRequest as _huimin_eligibility_v1_ListPoliciesRequest, ListPoliciesRequest__Output as _huimin_eligibility_v1_ListPoliciesRequest__Output } from '../../../huimin/eligibility/v1/ListPoliciesRequest.ts';
import type { ListPoliciesResponse as _huimin_eligibility_v1_ListPoliciesResponse, ListPoliciesResponse__Output as _huimin_eligibility_v1_ListPoliciesResponse__Output } from '../../../huimin/eligibility/v1/ListPoliciesResponse.ts';
import type { ProposeTemporaryAssistanceRequest as _huimin_eligibility_v1_ProposeTemporaryAssistanceRequest, ProposeTemporaryAssistanceRequest__Output as _huimin_eligibility_v1_ProposeTemporaryAssistanceRequest__Output } from '../../../huimin/eligibility/v1/ProposeTemporaryAssistanceRequest.ts';
import type { TemporaryAssistanceDecision as _huimin_eligibility_v1_TemporaryAssistanceDecision, TemporaryAssistanceDecision__Output as _huimin_eligibility_v1_TemporaryAssistanceDecision__Output } from '../../../huimin/eligibility/v1/TemporaryAssistanceDecision.ts';

export interface EligibilityServiceClient extends grpc.Client {
  Evaluate(argument: _huimin_eligibility_v1_EvaluateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eligibility_v1_Decision__Output>): grpc.ClientUnaryCall;
  Evaluate(argument: _huimin_eligibility_v1_EvaluateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_huimin_eligibility_v1_Decision__Output>): grpc.ClientUnaryCall;
  Evaluate(argument: _huimin_eligibility_v1_EvaluateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eligibility_v1_Decision__Output>): grpc.ClientUnaryCall;
  Evaluate(argument: _huimin_eligibility_v1_EvaluateRequest, callback: grpc.requestCallback<_huimin_eligibility_v1_Decision__Output>): grpc.ClientUnaryCall;
  evaluate(argument: _huimin_eligibility_v1_EvaluateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eligibility_v1_Decision__Output>): grpc.ClientUnaryCall;
  evaluate(argument: _huimin_eligibility_v1_EvaluateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_huimin_eligibility_v1_Decision__Output>): grpc.ClientUnaryCall;
  evaluate(argument: _huimin_eligibility_v1_EvaluateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eligibility_v1_Decision__Output>): grpc.ClientUnaryCall;
  evaluate(argument: _huimin_eligibility_v1_EvaluateRequest, callback: grpc.requestCallback<_huimin_eligibility_v1_Decision__Output>): grpc.ClientUnaryCall;
  
  GetStatus(argument: _huimin_eligibility_v1_GetStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eligibility_v1_Decision__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _huimin_eligibility_v1_GetStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_huimin_eligibility_v1_Decision__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _huimin_eligibility_v1_GetStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eligibility_v1_Decision__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _huimin_eligibility_v1_GetStatusRequest, callback: grpc.requestCallback<_huimin_eligibility_v1_Decision__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _huimin_eligibility_v1_GetStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eligibility_v1_Decision__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _huimin_eligibility_v1_GetStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_huimin_eligibility_v1_Decision__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _huimin_eligibility_v1_GetStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eligibility_v1_Decision__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _huimin_eligibility_v1_GetStatusRequest, callback: grpc.requestCallback<_huimin_eligibility_v1_Decision__Output>): grpc.ClientUnaryCall;
  
  ListPolicies(argument: _huimin_eligibility_v1_ListPoliciesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eligibility_v1_ListPoliciesResponse__Output>): grpc.ClientUnaryCall;
  ListPolicies(argument: _huimin_eligibility_v1_ListPoliciesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_huimin_eligibility_v1_ListPoliciesResponse__Output>): grpc.ClientUnaryCall;
  ListPolicies(argument: _huimin_eligibility_v1_ListPoliciesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eligibility_v1_ListPoliciesResponse__Output>): grpc.ClientUnaryCall;
  ListPolicies(argument: _huimin_eligibility_v1_ListPoliciesRequest, callback: grpc.requestCallback<_huimin_eligibility_v1_ListPoliciesResponse__Output>): grpc.ClientUnaryCall;
  listPolicies(argument: _huimin_eligibility_v1_ListPoliciesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eligibility_v1_ListPoliciesResponse__Output>): grpc.ClientUnaryCall;
  listPolicies(argument: _huimin_eligibility_v1_ListPoliciesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_huimin_eligibility_v1_ListPoliciesResponse__Output>): grpc.ClientUnaryCall;
  listPolicies(argument: _huimin_eligibility_v1_ListPoliciesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eligibility_v1_ListPoliciesResponse__Output>): grpc.ClientUnaryCall;
  listPolicies(argument: _huimin_eligibility_v1_ListPoliciesRequest, callback: grpc.requestCallback<_huimin_eligibility_v1_ListPoliciesResponse__Output>): grpc.ClientUnaryCall;
  
  ProposeTemporaryAssistance(argument: _huimin_eligibility_v1_ProposeTemporaryAssistanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eligibility_v1_TemporaryAssistanceDecision__Output>): grpc.ClientUnaryCall;
  ProposeTemporaryAssistance(argument: _huimin_eligibility_v1_ProposeTemporaryAssistanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_huimin_eligibility_v1_TemporaryAssistanceDecision__Output>): grpc.ClientUnaryCall;
  ProposeTemporaryAssistance(argument: _huimin_eligibility_v1_ProposeTemporaryAssistanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eligibility_v1_TemporaryAssistanceDecision__Output>): grpc.ClientUnaryCall;
  ProposeTemporaryAssistance(argument: _huimin_eligibility_v1_ProposeTemporaryAssistanceRequest, callback: grpc.requestCallback<_huimin_eligibility_v1_TemporaryAssistanceDecision__Output>): grpc.ClientUnaryCall;
  proposeTemporaryAssistance(argument: _huimin_eligibility_v1_ProposeTemporaryAssistanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eligibility_v1_TemporaryAssistanceDecision__Output>): grpc.ClientUnaryCall;
  proposeTemporaryAssistance(argument: _huimin_eligibility_v1_ProposeTemporaryAssistanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_huimin_eligibility_v1_TemporaryAssistanceDecision__Output>): grpc.ClientUnaryCall;
  proposeTemporaryAssistance(argument: _huimin_eligibility_v1_ProposeTemporaryAssistanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eligibility_v1_TemporaryAssistanceDecision__Output>): grpc.ClientUnaryCall;
  proposeTemporaryAssistance(argument: _huimin_eligibility_v1_ProposeTemporaryAssistanceRequest, callback: grpc.requestCallback<_huimin_eligibility_v1_TemporaryAssistanceDecision__Output>): grpc.ClientUnaryCall;
  
}

export interface EligibilityServiceHandlers extends grpc.UntypedServiceImplementation {
  Evaluate: grpc.handleUnaryCall<_huimin_eligibility_v1_EvaluateRequest__Output, _huimin_eligibility_v1_Decision>;
  
  GetStatus: grpc.handleUnaryCall<_huimin_eligibility_v1_GetStatusRequest__Output, _huimin_eligibility_v1_Decision>;
  
  ListPolicies: grpc.handleUnaryCall<_huimin_eligibility_v1_ListPoliciesRequest__Output, _huimin_eligibility_v1_ListPoliciesResponse>;
  
  ProposeTemporaryAssistance: grpc.handleUnaryCall<_huimin_eligibility_v1_ProposeTemporaryAssistanceRequest__Output, _huimin_eligibility_v1_TemporaryAssistanceDecision>;
  
}

export interface EligibilityServiceDefinition extends grpc.ServiceDefinition {
  Evaluate: MethodDefinition<_huimin_eligibility_v1_EvaluateRequest, _huimin_eligibility_v1_Decision, _huimin_eligibility_v1_EvaluateRequest__Output, _huimin_eligibility_v1_Decision__Output>
  GetStatus: MethodDefinition<_huimin_eligibility_v1_GetStatusRequest, _huimin_eligibility_v1_Decision, _huimin_eligibility_v1_GetStatusRequest__Output, _huimin_eligibility_v1_Decision__Output>
  ListPolicies: MethodDefinition<_huimin_eligibility_v1_ListPoliciesRequest, _huimin_eligibility_v1_ListPoliciesResponse, _huimin_eligibility_v1_ListPoliciesRequest__Output, _huimin_eligibility_v1_ListPoliciesResponse__Output>
  ProposeTemporaryAssistance: MethodDefinition<_huimin_eligibility_v1_ProposeTemporaryAssistanceRequest, _huimin_eligibility_v1_TemporaryAssistanceDecision, _huimin_eligibility_v1_ProposeTemporaryAssistanceRequest__Output, _huimin_eligibility_v1_TemporaryAssistanceDecision__Output>
}
