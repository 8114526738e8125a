import type { EldercareRules } from './policy.ts';
import type { ServiceType } from './service-types.ts';

export type AnomalyKind =
  | 'too-short'
  | 'too-long'
  | 'outside-radius'
  | 'caregiver-overlap'
  | 'check-out-without-check-in';

export interface Anomaly {
  kind: AnomalyKind;
  detail: string;
}

/** EVV duration check at check-out: a visit outside the service's usual length is flagged, not refused. */
export function durationAnomalies(
  serviceType: ServiceType,
  startedAt: Date,
  endedAt: Date,
  rules: EldercareRules,
): Anomaly[] {
  const minutes = Math.round((endedAt.getTime() - startedAt.getTime()) / 60_000);
  const min = rules.minMinutes[serviceType];
  const max = rules.maxMinutes[serviceType];
  if (minutes < min)
    return [{ kind: 'too-short', detail: `visit lasted ${minutes} min, minimum ${min} min` }];
  if (minutes > max) return [{ kind: 'too-long', detail: `visit lasted ${minutes} min, maximum ${max} min` }];
  return [];
}
