import type { Role } from '@huimin/auth';
import type { Jurisdiction } from '@huimin/contracts';

const bureauRoleNames = {
  'bureau-admin': 'admins',
  auditor: 'auditors',
  'bureau-leader': 'leaders',
} as const;

export interface Assignment {
  role: Role;
  jurisdictions: readonly string[];
  providerId?: string | undefined;
}

/**
 * What is wrong with giving a person this role over these division codes (empty when nothing):
 * a case handler covers one or more communities, a supervisor one town, a charity approver a town
 * or the county (one charity association per town, and the county's own), the bureau's admins,
 * auditors and leaders (read-only: the plan's scorecard) the county; provider staff cover no territory but belong to exactly one provider.
 */
export function assignmentProblems(assignment: Assignment, tree: Jurisdiction): string[] {
  const { role, jurisdictions, providerId } = assignment;
  const problems: string[] = [];
  const unknown = jurisdictions.filter((code) => tree.unit(code) === undefined);
  if (unknown.length > 0) problems.push(`not a division of ${tree.county.name}: ${unknown.join(', ')}`);
  if (new Set(jurisdictions).size !== jurisdictions.length) problems.push('a division code is listed twice');
  if (role === 'provider-staff') {
    if (!providerId) problems.push('provider staff need a providerId');
    if (jurisdictions.length > 0) problems.push('provider staff cover no territory; give no jurisdictions');
    return problems;
  }
  if (providerId) problems.push('only provider staff belong to a provider');
  const levels = jurisdictions.map((code) => tree.unit(code)?.level);
  switch (role) {
    case 'case-handler':
      if (jurisdictions.length === 0 || levels.some((level) => level !== 'community'))
        problems.push('a case handler covers one or more communities');
      break;
    case 'town-supervisor':
      if (jurisdictions.length !== 1 || levels[0] !== 'town')
        problems.push('a town supervisor covers one town');
      break;
    case 'charity-approver':
      if (jurisdictions.length !== 1 || levels[0] === 'community')
        problems.push('a charity approver covers one town or the county');
      break;
    case 'bureau-admin':
    case 'auditor':
    case 'bureau-leader':
      if (jurisdictions.length !== 1 || jurisdictions[0] !== tree.county.code)
        problems.push(`the bureau's ${bureauRoleNames[role]} cover the county (${tree.county.code})`);
      break;
    default: {
      const never: never = role;
      throw new Error(`unhandled role ${String(never)}`);
    }
  }
  return problems;
}
