// Original file: proto/huimin/eldercare/v1/order.proto

import type { Order as _huimin_eldercare_v1_Order, Order__Output as _huimin_eldercare_v1_Order__Output } from '../../../huimin/eldercare/v1/Order.ts';

export interface ListOrdersForElderResponse {
  'orders'?: (_huimin_eldercare_v1_Order)[];
}

export interface ListOrdersForElderResponse__Output {
  'orders': (_huimin_eldercare_v1_Order__Output)[];
}
