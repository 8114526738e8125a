import { defineErrors, kitErrors } from '@huimin/kit';

/**
 * Eldercare's error codes, besides the kit's (VALIDATION_FAILED, UNAUTHENTICATED, FORBIDDEN, …).
 * Every 4xx leaves nothing changed, except CHECK_IN_MISSING, which records the anomaly it reports.
 */
export const eldercareErrors = defineErrors({
  ...kitErrors,
  /** No such elder, or not one the caller may act for (the same answer, so existence is not leaked). */
  ELDER_NOT_FOUND: { status: 404, grpc: 5 },
  ORDER_NOT_FOUND: { status: 404, grpc: 5 },
  /** No provider offers this service in the elder's town. */
  SERVICE_NOT_OFFERED: { status: 422, grpc: 9 },
  /** Providers offer it, but none has capacity left that day. */
  NO_PROVIDER_AVAILABLE: { status: 409, grpc: 9 },
  /** The time window starts in the past, ends before it starts, or is too long. */
  INVALID_WINDOW: { status: 422, grpc: 3 },
  /** The order is not in a state that allows this (details.status), e.g. a second check-out. */
  INVALID_STATE: { status: 409, grpc: 9 },
  /** The caregiver works for another provider than the one the order is assigned to. */
  NOT_ASSIGNED_PROVIDER: { status: 403, grpc: 7 },
  /** Check-in or check-out location farther from the elder's address than the policy radius. */
  OUTSIDE_RADIUS: { status: 422, grpc: 9 },
  /** A check-out for a visit that was never checked in (recorded as an anomaly). */
  CHECK_IN_MISSING: { status: 409, grpc: 9 },
  /** No eldercare policy is in force on that date. */
  POLICY_NOT_EFFECTIVE: { status: 422, grpc: 9 },
});
