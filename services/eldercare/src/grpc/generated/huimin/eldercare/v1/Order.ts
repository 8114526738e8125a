// Original file: proto/huimin/eldercare/v1/order.proto

import type { Long } from '@grpc/proto-loader';

export interface Order {
  'orderId'?: (string);
  'elderId'?: (string);
  'townCode'?: (string);
  'communityCode'?: (string);
  'serviceType'?: (string);
  'status'?: (string);
  'providerId'?: (string);
  'caregiverId'?: (string);
  'windowStart'?: (string);
  'windowEnd'?: (string);
  'checkedInAt'?: (string);
  'checkedOutAt'?: (string);
  'priceFen'?: (number | string | Long);
  'subsidyFen'?: (number | string | Long);
  'selfPayFen'?: (number | string | Long);
  'quotaMonth'?: (string);
  'policyVersion'?: (string);
}

export interface Order__Output {
  'orderId': (string);
  'elderId': (string);
  'townCode': (string);
  'communityCode': (string);
  'serviceType': (string);
  'status': (string);
  'providerId': (string);
  'caregiverId': (string);
  'windowStart': (string);
  'windowEnd': (string);
  'checkedInAt': (string);
  'checkedOutAt': (string);
  'priceFen': (string);
  'subsidyFen': (string);
  'selfPayFen': (string);
  'quotaMonth': (string);
  'policyVersion': (string);
}
