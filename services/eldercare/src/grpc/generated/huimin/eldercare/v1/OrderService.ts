// Original file: proto/huimin/eldercare/v1/order.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetOrderRequest as _huimin_eldercare_v1_GetOrderRequest, GetOrderRequest__Output as _huimin_eldercare_v1_GetOrderRequest__Output } from '../../../huimin/eldercare/v1/GetOrderRequest.ts';
import type { ListOrdersForElderRequest as _huimin_eldercare_v1_ListOrdersForElderRequest, ListOrdersForElderRequest__Output as _huimin_eldercare_v1_ListOrdersForElderRequest__Output } from '../../../huimin/eldercare/v1/ListOrdersForElderRequest.ts';
import type { ListOrdersForElderResponse as _huimin_eldercare_v1_ListOrdersForElderResponse, ListOrdersForElderResponse__Output as _huimin_eldercare_v1_ListOrdersForElderResponse__Output } from '../../../huimin/eldercare/v1/ListOrdersForElderResponse.ts';
import type { Order as _huimin_eldercare_v1_Order, Order__Output as _huimin_eldercare_v1_Order__Output } from '../../../huimin/eldercare/v1/Order.ts';

export interface OrderServiceClient extends grpc.Client {
  GetOrder(argument: _huimin_eldercare_v1_GetOrderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eldercare_v1_Order__Output>): grpc.ClientUnaryCall;
  GetOrder(argument: _huimin_eldercare_v1_GetOrderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_huimin_eldercare_v1_Order__Output>): grpc.ClientUnaryCall;
  GetOrder(argument: _huimin_eldercare_v1_GetOrderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eldercare_v1_Order__Output>): grpc.ClientUnaryCall;
  GetOrder(argument: _huimin_eldercare_v1_GetOrderRequest, callback: grpc.requestCallback<_huimin_eldercare_v1_Order__Output>): grpc.ClientUnaryCall;
  getOrder(argument: _huimin_eldercare_v1_GetOrderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eldercare_v1_Order__Output>): grpc.ClientUnaryCall;
  getOrder(argument: _huimin_eldercare_v1_GetOrderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_huimin_eldercare_v1_Order__Output>): grpc.ClientUnaryCall;
  getOrder(argument: _huimin_eldercare_v1_GetOrderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eldercare_v1_Order__Output>): grpc.ClientUnaryCall;
  getOrder(argument: _huimin_eldercare_v1_GetOrderRequest, callback: grpc.requestCallback<_huimin_eldercare_v1_Order__Output>): grpc.ClientUnaryCall;
  
  ListOrdersForElder(argument: _huimin_eldercare_v1_ListOrdersForElderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eldercare_v1_ListOrdersForElderResponse__Output>): grpc.ClientUnaryCall;
  ListOrdersForElder(argument: _huimin_eldercare_v1_ListOrdersForElderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_huimin_eldercare_v1_ListOrdersForElderResponse__Output>): grpc.ClientUnaryCall;
  ListOrdersForElder(argument: _huimin_eldercare_v1_ListOrdersForElderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eldercare_v1_ListOrdersForElderResponse__Output>): grpc.ClientUnaryCall;
  ListOrdersForElder(argument: _huimin_eldercare_v1_ListOrdersForElderRequest, callback: grpc.requestCallback<_huimin_eldercare_v1_ListOrdersForElderResponse__Output>): grpc.ClientUnaryCall;
  listOrdersForElder(argument: _huimin_eldercare_v1_ListOrdersForElderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eldercare_v1_ListOrdersForElderResponse__Output>): grpc.ClientUnaryCall;
  listOrdersForElder(argument: _huimin_eldercare_v1_ListOrdersForElderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_huimin_eldercare_v1_ListOrdersForElderResponse__Output>): grpc.ClientUnaryCall;
  listOrdersForElder(argument: _huimin_eldercare_v1_ListOrdersForElderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_huimin_eldercare_v1_ListOrdersForElderResponse__Output>): grpc.ClientUnaryCall;
  listOrdersForElder(argument: _huimin_eldercare_v1_ListOrdersForElderRequest, callback: grpc.requestCallback<_huimin_eldercare_v1_ListOrdersForElderResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface OrderServiceHandlers extends grpc.UntypedServiceImplementation {
  GetOrder: grpc.handleUnaryCall<_huimin_eldercare_v1_GetOrderRequest__Output, _huimin_eldercare_v1_Order>;
  
  ListOrdersForElder: grpc.handleUnaryCall<_huimin_eldercare_v1_ListOrdersForElderRequest__Output, _huimin_eldercare_v1_ListOrdersForElderResponse>;
  
}

export interface OrderServiceDefinition extends grpc.ServiceDefinition {
  GetOrder: MethodDefinition<_huimin_eldercare_v1_GetOrderRequest, _huimin_eldercare_v1_Order, _huimin_eldercare_v1_GetOrderRequest__Output, _huimin_eldercare_v1_Order__Output>
  ListOrdersForElder: MethodDefinition<_huimin_eldercare_v1_ListOrdersForElderRequest, _huimin_eldercare_v1_ListOrdersForElderResponse, _huimin_eldercare_v1_ListOrdersForElderRequest__Output, _huimin_eldercare_v1_ListOrdersForElderResponse__Output>
}
