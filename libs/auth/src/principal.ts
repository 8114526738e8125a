import { isWithin } from '@huimin/contracts';

/** The roles a person can hold on the platform. */
export const roles = [
  'case-handler',
  'town-supervisor',
  'bureau-admin',
  'provider-staff',
  'charity-approver',
  'auditor',
  'bureau-leader',
] as const;
export type Role = (typeof roles)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

/** A person, as a verified access token describes them. */
export interface UserPrincipal {
  kind: 'user';
  userId: string;
  role: Role;
  /**
   * Division codes the person covers: communities for a case handler (plus, while a colleague is
   * on leave, the communities they stand in for), a town for a supervisor, a town or the county
   * for a charity approver, the county for the bureau's admins, auditors and leaders. Provider staff cover
   * no territory (empty): they act on their provider's orders only.
   */
  jurisdictions: string[];
  /** The eldercare provider organisation a provider's staff member works for. */
  providerId?: string;
}

/** Another Huimin service calling with its service token. */
export interface ServicePrincipal {
  kind: 'service';
  service: string;
}

export type Principal = UserPrincipal | ServicePrincipal;

/**
 * Whether a person may see and act on what lies at `code` (a community, a town, or the county),
 * by the platform's division-code table. A handler covers their communities (not the town around
 * them), a supervisor every community of their town, the bureau the whole county. A code missing
 * from the table is inside nobody's jurisdiction.
 */
export function inJurisdiction(principal: UserPrincipal, code: string): boolean {
  return principal.jurisdictions.some((covered) => isWithin(code, covered));
}

/** Whether the principal is a person holding one of the roles (a service holds none). */
export function hasRole(principal: Principal | undefined, ...allowed: Role[]): principal is UserPrincipal {
  return principal?.kind === 'user' && allowed.includes(principal.role);
}
