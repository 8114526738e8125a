// Original file: proto/huimin/discovery/v1/alert.proto

import type { Alert as _huimin_discovery_v1_Alert, Alert__Output as _huimin_discovery_v1_Alert__Output } from '../../../huimin/discovery/v1/Alert.ts';

export interface GetAlertResponse {
  'alert'?: (_huimin_discovery_v1_Alert | null);
}

export interface GetAlertResponse__Output {
  'alert': (_huimin_discovery_v1_Alert__Output | null);
}
