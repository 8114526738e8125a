import { defineErrors, kitErrors } from '@huimin/kit';

/** Discovery's error codes, besides the kit's. Every 4xx leaves nothing changed. */
export const discoveryErrors = defineErrors({
  ...kitErrors,
  /** No such alert, or not one the caller may see (the same answer, so existence is not leaked). */
  ALERT_NOT_FOUND: { status: 404, grpc: 5 },
  /** The alert is not in a state that allows this (details.status), e.g. resolving a dismissed alert. */
  INVALID_STATE: { status: 409, grpc: 9 },
  /** The new assignee is not a handler or supervisor of the alert's community. */
  INVALID_ASSIGNEE: { status: 422, grpc: 9 },
  /** A policy version that fails its checks (details.problems). */
  INVALID_POLICY: { status: 422, grpc: 3 },
  /** A photo that is too large, of a type not accepted, or not what its type says. */
  INVALID_ATTACHMENT: { status: 422, grpc: 3 },
  /** A manual alert for a community outside the caller's jurisdiction or a type the rules don't know. */
  INVALID_ALERT: { status: 422, grpc: 3 },
  /** identity could not be asked (the roster); retry. */
  ROSTER_UNAVAILABLE: { status: 503, grpc: 14 },
});
