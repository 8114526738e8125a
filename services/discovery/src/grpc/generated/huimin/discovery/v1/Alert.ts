// Original file: proto/huimin/discovery/v1/alert.proto


export interface Alert {
  'alertId'?: (string);
  'householdId'?: (string);
  'communityCode'?: (string);
  'status'?: (string);
  'townCode'?: (string);
  'type'?: (string);
  'title'?: (string);
  'priority'?: (string);
  'assigneeUserId'?: (string);
  'raisedAt'?: (string);
  'acknowledgeDueAt'?: (string);
  'visitDueAt'?: (string);
  'acknowledgedAt'?: (string);
  'closedAt'?: (string);
  'outcome'?: (string);
  'reasons'?: (string)[];
}

export interface Alert__Output {
  'alertId': (string);
  'householdId': (string);
  'communityCode': (string);
  'status': (string);
  'townCode': (string);
  'type': (string);
  'title': (string);
  'priority': (string);
  'assigneeUserId': (string);
  'raisedAt': (string);
  'acknowledgeDueAt': (string);
  'visitDueAt': (string);
  'acknowledgedAt': (string);
  'closedAt': (string);
  'outcome': (string);
  'reasons': (string)[];
}
