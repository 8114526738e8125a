// Original file: proto/huimin/discovery/v1/alert.proto


export interface GetAlertRequest {
  'alertId'?: (string);
}

export interface GetAlertRequest__Output {
  'alertId': (string);
}
