// Original file: proto/huimin/discovery/v1/alert.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetAlertRequest as _huimin_discovery_v1_GetAlertRequest, GetAlertRequest__Output as _huimin_discovery_v1_GetAlertRequest__Output } from '../../../huimin/discovery/v1/GetAlertRequest.ts';
import type { GetAlertResponse as _huimin_discovery_v1_GetAlertResponse, GetAlertResponse__Output as _huimin_discovery_v1_GetAlertResponse__Output } from '../../../huimin/discovery/v1/GetAlertResponse.ts';
import type { ListOpenAlertsForHouseholdRequest as _huimin_discovery_v1_ListOpenAlertsForHouseholdRequest, ListOpenAlertsForHouseholdRequest__Output as _huimin_discovery_v1_ListOpenAlertsForHouseholdRequest__Output } from '../../../huimin/discovery/v1/ListOpenAlertsForHouseholdRequest.ts';
import type { ListOpenAlertsForHouseholdResponse as _huimin_discovery_v1_ListOpenAlertsForHouseholdResponse, ListOpenAlertsForHouseholdResponse__Output as _huimin_discovery_v1_ListOpenAlertsForHouseholdResponse__Output } from '../../../huimin/discovery/v1/ListOpenAlertsForHouseholdResponse.ts';

export interface AlertServiceClient extends grpc.Client {
  GetAlert(argument: _huimin_discovery_v1_GetAlertRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_discovery_v1_GetAlertResponse__Output>): grpc.ClientUnaryCall;
  GetAlert(argument: _huimin_discovery_v1_GetAlertRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_huimin_discovery_v1_GetAlertResponse__Output>): grpc.ClientUnaryCall;
  GetAlert(argument: _huimin_discovery_v1_GetAlertRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_discovery_v1_GetAlertResponse__Output>): grpc.ClientUnaryCall;
  GetAlert(argument: _huimin_discovery_v1_GetAlertRequest, callback: grpc.requestCallback<_huimin_discovery_v1_GetAlertResponse__Output>): grpc.ClientUnaryCall;
  getAlert(argument: _huimin_discovery_v1_GetAlertRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_discovery_v1_GetAlertResponse__Output>): grpc.ClientUnaryCall;
  getAlert(argument: _huimin_discovery_v1_GetAlertRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_huimin_discovery_v1_GetAlertResponse__Output>): grpc.ClientUnaryCall;
  getAlert(argument: _huimin_discovery_v1_GetAlertRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_discovery_v1_GetAlertResponse__Output>): grpc.ClientUnaryCall;
  getAlert(argument: _huimin_discovery_v1_GetAlertRequest, callback: grpc.requestCallback<_huimin_discovery_v1_GetAlertResponse__Output>): grpc.ClientUnaryCall;
  
  ListOpenAlertsForHousehold(argument: _huimin_discovery_v1_ListOpenAlertsForHouseholdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_discovery_v1_ListOpenAlertsForHouseholdResponse__Output>): grpc.ClientUnaryCall;
  ListOpenAlertsForHousehold(argument: _huimin_discovery_v1_ListOpenAlertsForHouseholdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_huimin_discovery_v1_ListOpenAlertsForHouseholdResponse__Output>): grpc.ClientUnaryCall;
  ListOpenAlertsForHousehold(argument: _huimin_discovery_v1_ListOpenAlertsForHouseholdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_discovery_v1_ListOpenAlertsForHouseholdResponse__Output>): grpc.ClientUnaryCall;
  ListOpenAlertsForHousehold(argument: _huimin_discovery_v1_ListOpenAlertsForHouseholdRequest, callback: grpc.requestCallback<_huimin_discovery_v1_ListOpenAlertsForHouseholdResponse__Output>): grpc.ClientUnaryCall;
  listOpenAlertsForHousehold(argument: _huimin_discovery_v1_ListOpenAlertsForHouseholdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_discovery_v1_ListOpenAlertsForHouseholdResponse__Output>): grpc.ClientUnaryCall;
  listOpenAlertsForHousehold(argument: _huimin_discovery_v1_ListOpenAlertsForHouseholdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_huimin_discovery_v1_ListOpenAlertsForHouseholdResponse__Output>): grpc.ClientUnaryCall;
  listOpenAlertsForHousehold(argument: _huimin_discovery_v1_ListOpenAlertsForHouseholdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_discovery_v1_ListOpenAlertsForHouseholdResponse__Output>): grpc.ClientUnaryCall;
  listOpenAlertsForHousehold(argument: _huimin_discovery_v1_ListOpenAlertsForHouseholdRequest, callback: grpc.requestCallback<_huimin_discovery_v1_ListOpenAlertsForHouseholdResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AlertServiceHandlers extends grpc.UntypedServiceImplementation {
  GetAlert: grpc.handleUnaryCall<_huimin_discovery_v1_GetAlertRequest__Output, _huimin_discovery_v1_GetAlertResponse>;
  
  ListOpenAlertsForHousehold: grpc.handleUnaryCall<_huimin_discovery_v1_ListOpenAlertsForHouseholdRequest__Output, _huimin_discovery_v1_ListOpenAlertsForHouseholdResponse>;
  
}

export interface AlertServiceDefinition extends grpc.ServiceDefinition {
  GetAlert: MethodDefinition<_huimin_discovery_v1_GetAlertRequest, _huimin_discovery_v1_GetAlertResponse, _huimin_discovery_v1_GetAlertRequest__Output, _huimin_discovery_v1_GetAlertResponse__Output>
  ListOpenAlertsForHousehold: MethodDefinition<_huimin_discovery_v1_ListOpenAlertsForHouseholdRequest, _huimin_discovery_v1_ListOpenAlertsForHouseholdResponse, _huimin_discovery_v1_ListOpenAlertsForHouseholdRequest__Output, _huimin_discovery_v1_ListOpenAlertsForHouseholdResponse__Output>
}
