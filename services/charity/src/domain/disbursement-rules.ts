// A disbursement goes applied → approved → paid, or applied → rejected. The four-eyes rule: the
// person who applied never approves (the charity's internal control, 申请与审批分离).

export type DisbursementStatus = 'applied' | 'approved' | 'rejected' | 'paid';

export type DisbursementAction = 'approve' | 'reject' | 'pay';

const allowedFrom: Record<DisbursementAction, DisbursementStatus> = {
  approve: 'applied',
  reject: 'applied',
  pay: 'approved',
};

export type DecisionProblem =
  | { code: 'INVALID_STATE'; message: string }
  | { code: 'SELF_APPROVAL'; message: string }
  | undefined;

/** Whether `actorId` may take `action` on a disbursement in `status` applied for by `applicantId`. */
export function decisionProblem(
  action: DisbursementAction,
  disbursement: { status: DisbursementStatus; applicantId: string },
  actorId: string,
): DecisionProblem {
  if (disbursement.status !== allowedFrom[action]) {
    return {
      code: 'INVALID_STATE',
      message: `a disbursement that is ${disbursement.status} cannot be ${pastTense[action]}`,
    };
  }
  if ((action === 'approve' || action === 'reject') && actorId === disbursement.applicantId) {
    return { code: 'SELF_APPROVAL', message: 'the applicant cannot decide on their own application' };
  }
  return undefined;
}

const pastTense: Record<DisbursementAction, string> = {
  approve: 'approved',
  reject: 'rejected',
  pay: 'paid',
};
