// Original file: proto/huimin/discovery/v1/alert.proto

import type { Alert as _huimin_discovery_v1_Alert, Alert__Output as _huimin_discovery_v1_Alert__Output } from '../../../huimin/discovery/v1/Alert.ts';

export interface ListOpenAlertsForHouseholdResponse {
  'alerts'?: (_huimin_discovery_v1_Alert)[];
}

export interface ListOpenAlertsForHouseholdResponse__Output {
  'alerts': (_huimin_discovery_v1_Alert__Output)[];
}
