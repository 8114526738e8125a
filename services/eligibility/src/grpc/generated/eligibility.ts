import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Assets as _huimin_eligibility_v1_Assets, Assets__Output as _huimin_eligibility_v1_Assets__Output } from './huimin/eligibility/v1/Assets.ts';
import type { Check as _huimin_eligibility_v1_Check, Check__Output as _huimin_eligibility_v1_Check__Output } from './huimin/eligibility/v1/Check.ts';
import type { Decision as _huimin_eligibility_v1_Decision, Decision__Output as _huimin_eligibility_v1_Decision__Output } from './huimin/eligibility/v1/Decision.ts';
import type { EligibilityServiceClient as _huimin_eligibility_v1_EligibilityServiceClient, EligibilityServiceDefinition as _huimin_eligibility_v1_EligibilityServiceDefinition } from './huimin/eligibility/v1/EligibilityService.ts';
import type { EvaluateRequest as _huimin_eligibility_v1_EvaluateRequest, EvaluateRequest__Output as _huimin_eligibility_v1_EvaluateRequest__Output } from './huimin/eligibility/v1/EvaluateRequest.ts';
import type { GetStatusRequest as _huimin_eligibility_v1_GetStatusRequest, GetStatusRequest__Output as _huimin_eligibility_v1_GetStatusRequest__Output } from './huimin/eligibility/v1/GetStatusRequest.ts';
import type { HouseholdFacts as _huimin_eligibility_v1_HouseholdFacts, HouseholdFacts__Output as _huimin_eligibility_v1_HouseholdFacts__Output } from './huimin/eligibility/v1/HouseholdFacts.ts';
import type { ListPoliciesRequest as _huimin_eligibility_v1_ListPoliciesRequest, ListPoliciesRequest__Output as _huimin_eligibility_v1_ListPoliciesRequest__Output } from './huimin/eligibility/v1/ListPoliciesRequest.ts';
import type { ListPoliciesResponse as _huimin_eligibility_v1_ListPoliciesResponse, ListPoliciesResponse__Output as _huimin_eligibility_v1_ListPoliciesResponse__Output } from './huimin/eligibility/v1/ListPoliciesResponse.ts';
import type { Member as _huimin_eligibility_v1_Member, Member__Output as _huimin_eligibility_v1_Member__Output } from './huimin/eligibility/v1/Member.ts';
import type { Policy as _huimin_eligibility_v1_Policy, Policy__Output as _huimin_eligibility_v1_Policy__Output } from './huimin/eligibility/v1/Policy.ts';
import type { ProgrammeDecision as _huimin_eligibility_v1_ProgrammeDecision, ProgrammeDecision__Output as _huimin_eligibility_v1_ProgrammeDecision__Output } from './huimin/eligibility/v1/ProgrammeDecision.ts';
import type { ProposeTemporaryAssistanceRequest as _huimin_eligibility_v1_ProposeTemporaryAssistanceRequest, ProposeTemporaryAssistanceRequest__Output as _huimin_eligibility_v1_ProposeTemporaryAssistanceRequest__Output } from './huimin/eligibility/v1/ProposeTemporaryAssistanceRequest.ts';
import type { TemporaryAssistanceDecision as _huimin_eligibility_v1_TemporaryAssistanceDecision, TemporaryAssistanceDecision__Output as _huimin_eligibility_v1_TemporaryAssistanceDecision__Output } from './huimin/eligibility/v1/TemporaryAssistanceDecision.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  huimin: {
    eligibility: {
      v1: {
        Assets: MessageTypeDefinition<_huimin_eligibility_v1_Assets, _huimin_eligibility_v1_Assets__Output>
        Check: MessageTypeDefinition<_huimin_eligibility_v1_Check, _huimin_eligibility_v1_Check__Output>
        Decision: MessageTypeDefinition<_huimin_eligibility_v1_Decision, _huimin_eligibility_v1_Decision__Output>
        EligibilityService: SubtypeConstructor<typeof grpc.Client, _huimin_eligibility_v1_EligibilityServiceClient> & { service: _huimin_eligibility_v1_EligibilityServiceDefinition }
        EvaluateRequest: MessageTypeDefinition<_huimin_eligibility_v1_EvaluateRequest, _huimin_eligibility_v1_EvaluateRequest__Output>
        GetStatusRequest: MessageTypeDefinition<_huimin_eligibility_v1_GetStatusRequest, _huimin_eligibility_v1_GetStatusRequest__Output>
        HouseholdFacts: MessageTypeDefinition<_huimin_eligibility_v1_HouseholdFacts, _huimin_eligibility_v1_HouseholdFacts__Output>
        ListPoliciesRequest: MessageTypeDefinition<_huimin_eligibility_v1_ListPoliciesRequest, _huimin_eligibility_v1_ListPoliciesRequest__Output>
        ListPoliciesResponse: MessageTypeDefinition<_huimin_eligibility_v1_ListPoliciesResponse, _huimin_eligibility_v1_ListPoliciesResponse__Output>
        Member: MessageTypeDefinition<_huimin_eligibility_v1_Member, _huimin_eligibility_v1_Member__Output>
        Policy: MessageTypeDefinition<_huimin_eligibility_v1_Policy, _huimin_eligibility_v1_Policy__Output>
        ProgrammeDecision: MessageTypeDefinition<_huimin_eligibility_v1_ProgrammeDecision, _huimin_eligibility_v1_ProgrammeDecision__Output>
        ProposeTemporaryAssistanceRequest: MessageTypeDefinition<_huimin_eligibility_v1_ProposeTemporaryAssistanceRequest, _huimin_eligibility_v1_ProposeTemporaryAssistanceRequest__Output>
        TemporaryAssistanceDecision: MessageTypeDefinition<_huimin_eligibility_v1_TemporaryAssistanceDecision, _huimin_eligibility_v1_TemporaryAssistanceDecision__Output>
      }
    }
  }
}

