import { createHash } from 'node:crypto';
import type { CredentialAdmin } from './credential-admin.ts';
import { type DepartmentCode, departmentCodes } from './domain/departments.ts';
import type { CredentialStore } from './store/credential-store.ts';

// The dev stack's demo credentials: one per department, the same on every machine so the README's
// curl examples work as written. Their secrets are derived from public text, so they are worthless
// anywhere but a developer's laptop; production credentials come from `credentials create`.

const keyIds: Record<DepartmentCode, string> = {
  'medical-insurance-bureau': 'devmedical',
  'household-registry': 'devregistry',
  'human-resources': 'devhr',
  'disabled-persons-federation': 'devdisability',
  'assistance-system': 'devassistance',
  'grid-management': 'devgrid',
};

function derive(purpose: string, department: string): string {
  return createHash('sha256').update(`huimin dev ${purpose} ${department}`).digest('hex');
}

export interface DevCredential {
  department: DepartmentCode;
  keyId: string;
  apiKey: string;
  signingSecret: string;
}

export const devCredentials: readonly DevCredential[] = departmentCodes.map((department) => ({
  department,
  keyId: keyIds[department],
  apiKey: `hmk_${keyIds[department]}_${derive('api key', department)}`,
  signingSecret: `hms_${derive('signing secret', department)}`,
}));

/**
 * Idempotent: creates the demo keys that are missing, re-activates revoked ones, and switches
 * signing off for departments whose signing nobody has set (so plain curl works; turn it on with
 * `credentials signing <department> on` to try the signed example).
 */
export async function seedDevCredentials(
  admin: CredentialAdmin,
  store: CredentialStore,
): Promise<DevCredential[]> {
  for (const credential of devCredentials) {
    await admin.create(credential.department, {
      keyId: credential.keyId,
      secretHex: credential.apiKey.slice(-64),
      signingSecretHex: credential.signingSecret.slice(4),
      label: 'dev demo',
    });
    await store.reinstate(credential.keyId);
    await store.initSigningRequired(credential.department, false);
  }
  return [...devCredentials];
}
