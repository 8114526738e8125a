import type { Role } from '@huimin/auth';

// People are authenticated with @huimin/auth (JWTs from identity, verified locally against its
// JWKS). Which of the platform's roles may do what with charity's money:
export const CHARITY_ACCESS = {
  /** Record a donation taken at the counter or by bank transfer. */
  recordDonation: ['charity-approver', 'bureau-admin'],
  /** Apply for help for a household of one's jurisdiction. */
  apply: ['case-handler', 'town-supervisor', 'charity-approver'],
  /** Approve, reject or pay an application (never one's own approval), reverse a donation. */
  decide: ['charity-approver'],
  /** Read donations and disbursements (with household numbers; audited). */
  read: ['case-handler', 'town-supervisor', 'charity-approver', 'bureau-admin', 'auditor'],
  /** Run the reconciliation now. */
  reconcile: ['charity-approver', 'bureau-admin'],
} as const satisfies Record<string, readonly Role[]>;
