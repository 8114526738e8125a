import type { UserPrincipal } from '@huimin/auth';

// Who may approve an application, and when it is approved. The level comes from the rule (the town
// for small sums, the bureau above the rule's threshold); four eyes from the service's configured
// amount: above it two different people approve, and never the person who applied.

export const APPROVER_ROLES = ['town-supervisor', 'bureau-admin'] as const;

export type ApprovalVerdict =
  | { ok: true; approved: boolean }
  | { ok: false; code: 'SECOND_APPROVER_REQUIRED' | 'APPROVAL_LEVEL'; message: string };

export function approvalsNeeded(amountFen: number, fourEyesAboveFen: number): number {
  return amountFen > fourEyesAboveFen ? 2 : 1;
}

export function judgeApproval(
  me: UserPrincipal,
  application: {
    appliedBy: string;
    approvalLevel: 'town' | 'bureau';
    approvalsNeeded: number;
    approvedBy: readonly string[];
  },
): ApprovalVerdict {
  if (me.userId === application.appliedBy)
    return {
      ok: false,
      code: 'SECOND_APPROVER_REQUIRED',
      message: '不能审批本人提交的申请，请由其他审批人审批',
    };
  if (application.approvedBy.includes(me.userId))
    return { ok: false, code: 'SECOND_APPROVER_REQUIRED', message: '您已审批过此申请，需另一位审批人复核' };
  if (application.approvalLevel === 'bureau' && me.role !== 'bureau-admin')
    return { ok: false, code: 'APPROVAL_LEVEL', message: '该金额须由县民政局审批' };
  if (!(APPROVER_ROLES as readonly string[]).includes(me.role))
    return { ok: false, code: 'APPROVAL_LEVEL', message: '您的角色不能审批临时救助' };
  return { ok: true, approved: application.approvedBy.length + 1 >= application.approvalsNeeded };
}
