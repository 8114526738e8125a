// Original file: proto/huimin/eligibility/v1/eligibility.proto

import type { Long } from '@grpc/proto-loader';

export interface Policy {
  'policyVersion'?: (string);
  'effectiveFrom'?: (string);
  'dibaoStandardFen'?: (number | string | Long);
  'tekunStandardFen'?: (number | string | Long);
  'edgeMultiplierBp'?: (number);
  'financialAssetsMonthsOfStandard'?: (number);
  'rigidSpendingRatioBp'?: (number);
  'rigidSpendingWindowMonths'?: (number);
  'lastYearDisposableIncomeFen'?: (number | string | Long);
  'disabilityLivingSubsidyFen'?: (number | string | Long);
  'disabilityNursingSubsidyFen'?: (number | string | Long);
  'assumed'?: (string)[];
}

export interface Policy__Output {
  'policyVersion': (string);
  'effectiveFrom': (string);
  'dibaoStandardFen': (string);
  'tekunStandardFen': (string);
  'edgeMultiplierBp': (number);
  'financialAssetsMonthsOfStandard': (number);
  'rigidSpendingRatioBp': (number);
  'rigidSpendingWindowMonths': (number);
  'lastYearDisposableIncomeFen': (string);
  'disabilityLivingSubsidyFen': (string);
  'disabilityNursingSubsidyFen': (string);
  'assumed': (string)[];
}
