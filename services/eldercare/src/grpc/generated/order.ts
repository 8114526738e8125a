import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { GetOrderRequest as _huimin_eldercare_v1_GetOrderRequest, GetOrderRequest__Output as _huimin_eldercare_v1_GetOrderRequest__Output } from './huimin/eldercare/v1/GetOrderRequest.ts';
import type { ListOrdersForElderRequest as _huimin_eldercare_v1_ListOrdersForElderRequest, ListOrdersForElderRequest__Output as _huimin_eldercare_v1_ListOrdersForElderRequest__Output } from './huimin/eldercare/v1/ListOrdersForElderRequest.ts';
import type { ListOrdersForElderResponse as _huimin_eldercare_v1_ListOrdersForElderResponse, ListOrdersForElderResponse__Output as _huimin_eldercare_v1_ListOrdersForElderResponse__Output } from './huimin/eldercare/v1/ListOrdersForElderResponse.ts';
import type { Order as _huimin_eldercare_v1_Order, Order__Output as _huimin_eldercare_v1_Order__Output } from './huimin/eldercare/v1/Order.ts';
import type { OrderServiceClient as _huimin_eldercare_v1_OrderServiceClient, OrderServiceDefinition as _huimin_eldercare_v1_OrderServiceDefinition } from './huimin/eldercare/v1/OrderService.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  huimin: {
    eldercare: {
      v1: {
        GetOrderRequest: MessageTypeDefinition<_huimin_eldercare_v1_GetOrderRequest, _huimin_eldercare_v1_GetOrderRequest__Output>
        ListOrdersForElderRequest: MessageTypeDefinition<_huimin_eldercare_v1_ListOrdersForElderRequest, _huimin_eldercare_v1_ListOrdersForElderRequest__Output>
        ListOrdersForElderResponse: MessageTypeDefinition<_huimin_eldercare_v1_ListOrdersForElderResponse, _huimin_eldercare_v1_ListOrdersForElderResponse__Output>
        Order: MessageTypeDefinition<_huimin_eldercare_v1_Order, _huimin_eldercare_v1_Order__Output>
        OrderService: SubtypeConstructor<typeof grpc.Client, _huimin_eldercare_v1_OrderServiceClient> & { service: _huimin_eldercare_v1_OrderServiceDefinition }
      }
    }
  }
}

