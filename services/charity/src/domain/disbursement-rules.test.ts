import { describe, expect, it } from 'vitest';
import { decisionProblem } from './disbursement-rules.ts';

describe('deciding on a disbursement', () => {
  const applied = { status: 'applied' as const, applicantId: 'u-clerk' };

  it('lets another person approve or reject an application', () => {
    expect(decisionProblem('approve', applied, 'u-approver')).toBeUndefined();
    expect(decisionProblem('reject', applied, 'u-approver')).toBeUndefined();
  });

  it('never lets the applicant approve or reject their own application', () => {
    expect(decisionProblem('approve', applied, 'u-clerk')?.code).toBe('SELF_APPROVAL');
    expect(decisionProblem('reject', applied, 'u-clerk')?.code).toBe('SELF_APPROVAL');
  });

  it('pays only what was approved, and decides only what is still open', () => {
    expect(decisionProblem('pay', applied, 'u-approver')).toEqual({
      code: 'INVALID_STATE',
      message: 'a disbursement that is applied cannot be paid',
    });
    expect(decisionProblem('pay', { ...applied, status: 'approved' }, 'u-clerk')).toBeUndefined();
    expect(decisionProblem('approve', { ...applied, status: 'paid' }, 'u-approver')?.code).toBe(
      'INVALID_STATE',
    );
    expect(decisionProblem('reject', { ...applied, status: 'rejected' }, 'u-approver')?.code).toBe(
      'INVALID_STATE',
    );
  });
});
