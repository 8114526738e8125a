import { defineErrors } from '@huimin/kit';

/**
 * Charity's own error codes; the kit's (VALIDATION_FAILED for a zero or negative amount or a
 * malformed body, UNAUTHENTICATED, FORBIDDEN, …) are always there too. Every 4xx leaves nothing
 * written.
 */
export const charityErrors = defineErrors({
  FUND_NOT_FOUND: { status: 404, grpc: 5 },
  DONATION_NOT_FOUND: { status: 404, grpc: 5 },
  DISBURSEMENT_NOT_FOUND: { status: 404, grpc: 5 },
  /** Restricted money for the wrong purpose or community, or a restriction the fund cannot take. */
  RESTRICTION_VIOLATED: { status: 422, grpc: 9 },
  /** Paying this would take the fund, or the restricted money it is paid from, below zero. */
  INSUFFICIENT_FUNDS: { status: 409, grpc: 9 },
  /** The applicant tried to decide on their own application. */
  SELF_APPROVAL: { status: 403, grpc: 7 },
  /** The disbursement or donation is not in a state that allows this (details.status). */
  INVALID_STATE: { status: 409, grpc: 9 },
  /** The linked discovery alert does not exist, or is about another household. */
  ALERT_NOT_FOUND: { status: 422, grpc: 9 },
  ALERT_MISMATCH: { status: 422, grpc: 9 },
  /** The linked temporary-assistance application is not one charity has seen on the assistance stream. */
  ASSISTANCE_APPLICATION_NOT_FOUND: { status: 422, grpc: 9 },
  /** The linked temporary-assistance application is about another household. */
  ASSISTANCE_APPLICATION_MISMATCH: { status: 422, grpc: 9 },
  /** Discovery could not be asked about the alert; nothing was written, retry later. */
  ALERT_CHECK_UNAVAILABLE: { status: 503, grpc: 14 },
  /**
   * The household is not in the registry charity holds, or lives outside the caller's jurisdiction
   * (the same answer, so a household's existence elsewhere is not leaked).
   */
  HOUSEHOLD_NOT_FOUND: { status: 404, grpc: 5 },
  IDEMPOTENCY_KEY_REQUIRED: { status: 400, grpc: 3 },
  /** This Idempotency-Key was used before for a different donation. */
  IDEMPOTENCY_KEY_REUSED: { status: 422, grpc: 9 },
  /** A payment notification whose signature (or encryption) does not hold. */
  NOTIFICATION_FORGED: { status: 401, grpc: 16 },
  /** The same signed delivery again, or one outside the provider's timestamp window. */
  NOTIFICATION_REPLAYED: { status: 409, grpc: 6 },
  /** A genuine notification that does not fit our payment order (unknown order, other amount). */
  NOTIFICATION_MISMATCH: { status: 422, grpc: 9 },
  NOTIFICATION_MALFORMED: { status: 400, grpc: 3 },
  /** The payment provider is not configured on this deployment. */
  PROVIDER_NOT_CONFIGURED: { status: 404, grpc: 12 },
  RECEIPT_NOT_FOUND: { status: 404, grpc: 5 },
});

export type CharityErrorCode = keyof typeof charityErrors;
