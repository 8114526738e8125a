// Original file: proto/huimin/eligibility/v1/eligibility.proto

import type { Long } from '@grpc/proto-loader';

export interface Member {
  'residentId'?: (string);
  'birthDate'?: (string);
  'disabilityGrade'?: (number);
  'disabilityCategory'?: (string);
  'workAbility'?: (string);
  'inInstitution'?: (boolean);
  'monthlyIncomeFen'?: (number | string | Long);
  'hasAbleSupporter'?: (boolean);
}

export interface Member__Output {
  'residentId': (string);
  'birthDate': (string);
  'disabilityGrade': (number);
  'disabilityCategory': (string);
  'workAbility': (string);
  'inInstitution': (boolean);
  'monthlyIncomeFen': (string);
  'hasAbleSupporter': (boolean);
}
