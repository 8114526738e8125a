import { defineErrors } from '@huimin/kit';

/**
 * Ingest's own error codes; the kit's (UNAUTHENTICATED, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE,
 * TOO_MANY_REQUESTS, UNAVAILABLE, …) are always there too. Every 4xx tells the sender what to fix;
 * a 503 means "outcome unknown, retry with the same Idempotency-Key".
 */
export const ingestErrors = defineErrors({
  /** The body is not JSON (or not UTF-8). */
  MALFORMED_JSON: { status: 400, grpc: 3 },
  /** The event breaks its contract: details lists every problem with a JSON pointer. */
  EVENT_INVALID: { status: 400, grpc: 3 },
  /** Idempotency-Key missing or not an event id. */
  IDEMPOTENCY_KEY_INVALID: { status: 400, grpc: 3 },
  /** The signature header is missing, malformed, stale, wrong or replayed (details.reason). */
  SIGNATURE_INVALID: { status: 401, grpc: 16 },
  /** The department may not send this event type, or this payload (details). Audited. */
  NOT_PERMITTED: { status: 403, grpc: 7 },
  /** No such feed. */
  UNKNOWN_EVENT_TYPE: { status: 404, grpc: 5 },
  RECEIPT_NOT_FOUND: { status: 404, grpc: 5 },
  /** A request with this Idempotency-Key is being processed right now; retry shortly. */
  IDEMPOTENCY_KEY_IN_FLIGHT: { status: 409, grpc: 10 },
  /** This Idempotency-Key was accepted before with a different type or body. */
  IDEMPOTENCY_KEY_REUSED: { status: 422, grpc: 9 },
  /** More lines than a batch may hold. */
  BATCH_TOO_LARGE: { status: 413, grpc: 8 },
});
