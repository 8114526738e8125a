import { defineErrors } from '@huimin/kit';

/** The assistance service's own error codes; the kit's (VALIDATION_FAILED, FORBIDDEN, …) are always there too. */
export const assistanceErrors = defineErrors({
  /** No application with that number that you may see. */
  APPLICATION_NOT_FOUND: { status: 404, grpc: 5 },
  /** No alert with that id that you may see, or it names no household. */
  ALERT_NOT_FOUND: { status: 404, grpc: 5 },
  /** The rule refuses the household: details.refusals says why, each with its Chinese message. */
  NOT_ELIGIBLE: { status: 422, grpc: 9 },
  /** The application is not in a state that allows this step. */
  INVALID_STATE: { status: 409, grpc: 9 },
  /** Four eyes: the applicant cannot approve their own application, nor one approver twice. */
  SECOND_APPROVER_REQUIRED: { status: 409, grpc: 9 },
  /** The amount needs a higher approval level than the approver holds. */
  APPROVAL_LEVEL: { status: 403, grpc: 7 },
  /** Evidence that is empty, too large, or not what its content type says. */
  INVALID_EVIDENCE: { status: 422, grpc: 3 },
  /** Discovery or eligibility could not be asked. */
  UPSTREAM_UNAVAILABLE: { status: 503, grpc: 14 },
});
