// Original file: proto/huimin/eligibility/v1/eligibility.proto

import type { Long } from '@grpc/proto-loader';

export interface Assets {
  'financialAssetsFen'?: (number | string | Long);
  'hasNonEssentialVehicle'?: (boolean);
  'propertyCount'?: (number);
}

export interface Assets__Output {
  'financialAssetsFen': (string);
  'hasNonEssentialVehicle': (boolean);
  'propertyCount': (number);
}
