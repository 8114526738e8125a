// Original file: proto/huimin/eldercare/v1/order.proto


export interface ListOrdersForElderRequest {
  'elderId'?: (string);
  'month'?: (string);
  'limit'?: (number);
}

export interface ListOrdersForElderRequest__Output {
  'elderId': (string);
  'month': (string);
  'limit': (number);
}
