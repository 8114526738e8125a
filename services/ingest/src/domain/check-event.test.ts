import { MedicalExpenseRecorded } from '@huimin/contracts';
import { describe, expect, it } from 'vitest';
import { checkEvent } from './check-event.ts';
import { grantFor } from './departments.ts';

const type = 'huimin.feed.medical-expense.recorded.v1';
const grant = grantFor('medical-insurance-bureau', type);
if (!grant) throw new Error('grant missing');

describe('checking a claim', () => {
  it('given the contract example on 2025-03-02, it passes', () => {
    expect(checkEvent(type, MedicalExpenseRecorded.example, grant, '2025-03-02')).toMatchObject({ ok: true });
  });

  it('given care on 2025-02-11 settled 2025-03-02, checked on 2025-03-01: both dates are in the future', () => {
    const result = checkEvent(
      type,
      { ...MedicalExpenseRecorded.example, dateOfCare: '2025-03-02' },
      grant,
      '2025-03-01',
    );
    expect(result).toEqual({
      ok: false,
      verdict: 'invalid',
      problems: [
        { pointer: '/dateOfCare', code: 'IN_FUTURE', message: 'is after today (Asia/Shanghai)' },
        { pointer: '/businessDate', code: 'IN_FUTURE', message: 'is after today (Asia/Shanghai)' },
      ],
    });
  });

  it('schema problems are reported together, before any date check', () => {
    const result = checkEvent(
      type,
      {
        ...MedicalExpenseRecorded.example,
        totalCostFen: 86_423.5,
        insurancePaidFen: -1,
        dateOfCare: '2999-01-01',
      },
      grant,
      '2025-03-02',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.pointer, p.code])).toEqual([
      ['/totalCostFen', 'NOT_INTEGER'],
      ['/insurancePaidFen', 'TOO_SMALL'],
    ]);
  });
});
