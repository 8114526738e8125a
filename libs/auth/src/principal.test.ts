import { describe, expect, it } from 'vitest';
import { hasRole, inJurisdiction, type UserPrincipal } from './principal.ts';

// Two towns of Taicang: 娄东街道 (320585001) with 常胜社区 and 府南社区, 陆渡街道 (320585002).
const CHANGSHENG = '320585001001';
const FUNAN = '320585001002';
const LUDU_COMMUNITY = '320585002001';
const LOUDONG = '320585001';
const LUDU = '320585002';

const person = (
  role: UserPrincipal['role'],
  jurisdictions: string[],
  providerId?: string,
): UserPrincipal => ({
  kind: 'user',
  userId: `u-${role}`,
  role,
  jurisdictions,
  ...(providerId ? { providerId } : {}),
});

describe('inJurisdiction', () => {
  const cases: [string, UserPrincipal, string, boolean][] = [
    ['a handler, in their community', person('case-handler', [CHANGSHENG]), CHANGSHENG, true],
    [
      'a handler, in a neighbouring community of the same town',
      person('case-handler', [CHANGSHENG]),
      FUNAN,
      false,
    ],
    ['a handler of two communities, in the second', person('case-handler', [CHANGSHENG, FUNAN]), FUNAN, true],
    ['a handler, asked about their whole town', person('case-handler', [CHANGSHENG]), LOUDONG, false],
    ['a supervisor, in a community of their town', person('town-supervisor', [LOUDONG]), FUNAN, true],
    [
      'a supervisor, in another town’s community',
      person('town-supervisor', [LOUDONG]),
      LUDU_COMMUNITY,
      false,
    ],
    ['a supervisor, on another town', person('town-supervisor', [LOUDONG]), LUDU, false],
    ['the bureau admin, anywhere in the county', person('bureau-admin', ['320585']), LUDU_COMMUNITY, true],
    ['an auditor, anywhere in the county', person('auditor', ['320585']), CHANGSHENG, true],
    ['a charity approver of a town, in that town', person('charity-approver', [LUDU]), LUDU_COMMUNITY, true],
    ['a charity approver of a town, elsewhere', person('charity-approver', [LUDU]), CHANGSHENG, false],
    ['provider staff cover no territory', person('provider-staff', [], 'P-001'), CHANGSHENG, false],
    ['the bureau admin, outside the county', person('bureau-admin', ['320585']), '320586001001', false],
  ];
  for (const [name, principal, code, expected] of cases) {
    it(`${name}: ${expected ? 'inside' : 'outside'}`, () => {
      expect(inJurisdiction(principal, code)).toBe(expected);
    });
  }
});

describe('hasRole', () => {
  it('holds for a person with one of the roles, never for a service or nobody', () => {
    expect(hasRole(person('auditor', ['320585']), 'auditor', 'bureau-admin')).toBe(true);
    expect(hasRole(person('case-handler', [CHANGSHENG]), 'auditor')).toBe(false);
    expect(hasRole({ kind: 'service', service: 'discovery' }, 'auditor')).toBe(false);
    expect(hasRole(undefined, 'auditor')).toBe(false);
  });
});
