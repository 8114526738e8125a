// Original file: proto/huimin/discovery/v1/alert.proto


export interface ListOpenAlertsForHouseholdRequest {
  'householdId'?: (string);
}

export interface ListOpenAlertsForHouseholdRequest__Output {
  'householdId': (string);
}
