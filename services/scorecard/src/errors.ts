import { defineErrors } from '@huimin/kit';

/** The scorecard's own error codes; the kit's (VALIDATION_FAILED, FORBIDDEN, …) are always there too. */
export const scorecardErrors = defineErrors({
  /** No such indicator in the plan (1–19), or no such measure of it. */
  INDICATOR_NOT_FOUND: { status: 404, grpc: 5 },
  /** A fact for an indicator the platform computes from events: those are never typed in. */
  INDICATOR_IS_COMPUTED: { status: 422, grpc: 9 },
  /** The town code is not a town or street office of the county. */
  UNKNOWN_TOWN: { status: 422, grpc: 3 },
});
