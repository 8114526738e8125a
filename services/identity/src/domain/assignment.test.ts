import { type Role, roles } from '@huimin/auth';
import { taicang } from '@huimin/contracts';
import { describe, expect, it } from 'vitest';
import { assignmentProblems } from './assignment.ts';

const COMMUNITY = '320585001001';
const TOWN = '320585001';
const COUNTY = '320585';

describe('what a role may cover', () => {
  const valid: Record<Role, { jurisdictions: string[]; providerId?: string }> = {
    'case-handler': { jurisdictions: [COMMUNITY, '320585001002'] },
    'town-supervisor': { jurisdictions: [TOWN] },
    'bureau-admin': { jurisdictions: [COUNTY] },
    'provider-staff': { jurisdictions: [], providerId: 'P-ANYANG' },
    'charity-approver': { jurisdictions: [TOWN] },
    auditor: { jurisdictions: [COUNTY] },
    'bureau-leader': { jurisdictions: [COUNTY] },
  };
  const invalid: Record<Role, { jurisdictions: string[]; providerId?: string }> = {
    'case-handler': { jurisdictions: [TOWN] },
    'town-supervisor': { jurisdictions: [COMMUNITY] },
    'bureau-admin': { jurisdictions: [TOWN] },
    'provider-staff': { jurisdictions: [] },
    'charity-approver': { jurisdictions: [COMMUNITY] },
    auditor: { jurisdictions: [] },
    'bureau-leader': { jurisdictions: [TOWN] },
  };
  for (const role of roles) {
    it(`accepts a well-formed ${role} and refuses a malformed one`, () => {
      expect(assignmentProblems({ role, ...valid[role] }, taicang)).toEqual([]);
      expect(assignmentProblems({ role, ...invalid[role] }, taicang)).not.toEqual([]);
    });
  }

  it('names codes outside the county', () => {
    expect(assignmentProblems({ role: 'case-handler', jurisdictions: ['320586001001'] }, taicang)).toContain(
      'not a division of 太仓市: 320586001001',
    );
  });

  it('lets the county’s charity approver cover the county', () => {
    expect(assignmentProblems({ role: 'charity-approver', jurisdictions: [COUNTY] }, taicang)).toEqual([]);
  });
});
