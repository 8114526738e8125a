// Original file: proto/huimin/eligibility/v1/eligibility.proto


export interface Check {
  'code'?: (string);
  'passed'?: (boolean);
  'actual'?: (string);
  'threshold'?: (string);
}

export interface Check__Output {
  'code': (string);
  'passed': (boolean);
  'actual': (string);
  'threshold': (string);
}
