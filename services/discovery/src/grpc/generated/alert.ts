import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Alert as _huimin_discovery_v1_Alert, Alert__Output as _huimin_discovery_v1_Alert__Output } from './huimin/discovery/v1/Alert.ts';
import type { AlertServiceClient as _huimin_discovery_v1_AlertServiceClient, AlertServiceDefinition as _huimin_discovery_v1_AlertServiceDefinition } from './huimin/discovery/v1/AlertService.ts';
import type { GetAlertRequest as _huimin_discovery_v1_GetAlertRequest, GetAlertRequest__Output as _huimin_discovery_v1_GetAlertRequest__Output } from './huimin/discovery/v1/GetAlertRequest.ts';
import type { GetAlertResponse as _huimin_discovery_v1_GetAlertResponse, GetAlertResponse__Output as _huimin_discovery_v1_GetAlertResponse__Output } from './huimin/discovery/v1/GetAlertResponse.ts';
import type { ListOpenAlertsForHouseholdRequest as _huimin_discovery_v1_ListOpenAlertsForHouseholdRequest, ListOpenAlertsForHouseholdRequest__Output as _huimin_discovery_v1_ListOpenAlertsForHouseholdRequest__Output } from './huimin/discovery/v1/ListOpenAlertsForHouseholdRequest.ts';
import type { ListOpenAlertsForHouseholdResponse as _huimin_discovery_v1_ListOpenAlertsForHouseholdResponse, ListOpenAlertsForHouseholdResponse__Output as _huimin_discovery_v1_ListOpenAlertsForHouseholdResponse__Output } from './huimin/discovery/v1/ListOpenAlertsForHouseholdResponse.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  huimin: {
    discovery: {
      v1: {
        Alert: MessageTypeDefinition<_huimin_discovery_v1_Alert, _huimin_discovery_v1_Alert__Output>
        AlertService: SubtypeConstructor<typeof grpc.Client, _huimin_discovery_v1_AlertServiceClient> & { service: _huimin_discovery_v1_AlertServiceDefinition }
        GetAlertRequest: MessageTypeDefinition<_huimin_discovery_v1_GetAlertRequest, _huimin_discovery_v1_GetAlertRequest__Output>
        GetAlertResponse: MessageTypeDefinition<_huimin_discovery_v1_GetAlertResponse, _huimin_discovery_v1_GetAlertResponse__Output>
        ListOpenAlertsForHouseholdRequest: MessageTypeDefinition<_huimin_discovery_v1_ListOpenAlertsForHouseholdRequest, _huimin_discovery_v1_ListOpenAlertsForHouseholdRequest__Output>
        ListOpenAlertsForHouseholdResponse: MessageTypeDefinition<_huimin_discovery_v1_ListOpenAlertsForHouseholdResponse, _huimin_discovery_v1_ListOpenAlertsForHouseholdResponse__Output>
      }
    }
  }
}

