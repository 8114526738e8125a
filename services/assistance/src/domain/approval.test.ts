import type { UserPrincipal } from '@huimin/auth';
import { describe, expect, it } from 'vitest';
import { approvalsNeeded, judgeApproval } from './approval.ts';
import { refusalsOf, yuan } from './refusals.ts';

const person = (userId: string, role: UserPrincipal['role']): UserPrincipal => ({
  kind: 'user',
  userId,
  role,
  jurisdictions: ['320585100'],
});

describe('four eyes', () => {
  it('needs two approvers strictly above the configured amount, one at it', () => {
    expect(approvalsNeeded(200_000, 200_000)).toBe(1);
    expect(approvalsNeeded(200_001, 200_000)).toBe(2);
  });

  it('refuses the applicant, then the same approver twice; the second person completes it', () => {
    const app = { appliedBy: 'u-sup-1', approvalLevel: 'town' as const, approvalsNeeded: 2, approvedBy: [] };
    expect(judgeApproval(person('u-sup-1', 'town-supervisor'), app)).toMatchObject({
      ok: false,
      code: 'SECOND_APPROVER_REQUIRED',
    });
    expect(judgeApproval(person('u-sup-2', 'town-supervisor'), app)).toEqual({ ok: true, approved: false });
    const once = { ...app, approvedBy: ['u-sup-2'] };
    expect(judgeApproval(person('u-sup-2', 'town-supervisor'), once)).toMatchObject({ ok: false });
    expect(judgeApproval(person('u-sup-3', 'town-supervisor'), once)).toEqual({ ok: true, approved: true });
  });

  it('a bureau-level amount is beyond a town supervisor', () => {
    const app = { appliedBy: 'u-h', approvalLevel: 'bureau' as const, approvalsNeeded: 1, approvedBy: [] };
    expect(judgeApproval(person('u-sup-2', 'town-supervisor'), app)).toMatchObject({
      code: 'APPROVAL_LEVEL',
    });
    expect(judgeApproval(person('u-admin', 'bureau-admin'), app)).toEqual({ ok: true, approved: true });
  });
});

describe('refusals in Chinese', () => {
  it('name the figure and the limit of each failed check', () => {
    expect(yuan(1_254_000)).toBe('12,540.00');
    expect(
      refusalsOf([
        { code: 'TA_INCOME_WITHIN_LINE', passed: false, actual: '627001', threshold: '627000' },
        { code: 'TA_WAITING_PERIOD_OVER', passed: false, actual: '2025-01-01', threshold: '2025-06-30' },
        { code: 'TA_WITHIN_CEILING', passed: false, actual: '3000001', threshold: '3000000' },
        { code: 'TA_ASSETS_WITHIN_LIMIT', passed: true, actual: '0', threshold: '1' },
      ]),
    ).toEqual([
      { code: 'TA_INCOME_WITHIN_LINE', message: '家庭月收入 6,270.01 元，超过临时救助收入标准 6,270.00 元' },
      {
        code: 'TA_WAITING_PERIOD_OVER',
        message: '该家庭已于 2025-01-01 获得临时救助，尚在等待期内，2025-06-30 起方可再次申请',
      },
      { code: 'TA_WITHIN_CEILING', message: '申请金额 30,000.01 元，超过单次临时救助上限 30,000.00 元' },
    ]);
  });
});
