import { defineErrors } from '@huimin/kit';

/** Notify's error codes, besides the kit's (VALIDATION_FAILED, UNAUTHENTICATED, FORBIDDEN, …). */
export const notifyErrors = defineErrors({
  /** Not a community (村/社区) code of the platform's jurisdiction table. */
  COMMUNITY_NOT_FOUND: { status: 404, grpc: 5 },
  ROBOT_NOT_FOUND: { status: 404, grpc: 5 },
  /** The webhook URL is not a URL this platform's robots use (details say why). */
  INVALID_WEBHOOK: { status: 422, grpc: 3 },
  /** The webhook's host is not in ROBOT_WEBHOOK_HOSTS: notify calls no other address. */
  WEBHOOK_HOST_NOT_ALLOWED: { status: 422, grpc: 7 },
});
