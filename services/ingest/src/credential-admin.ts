import { issueApiKey, issueSigningSecret } from './domain/api-key.ts';
import { type DepartmentCode, departmentCodes, departments, isDepartmentCode } from './domain/departments.ts';
import type { SecretBox } from './domain/secret-box.ts';
import type { CredentialStore } from './store/credential-store.ts';

export interface IssuedCredential {
  keyId: string;
  department: DepartmentCode;
  /** Shown once: only its hash is stored. */
  apiKey: string;
  /** Shown once here; stored sealed, used only when the department's signing is on. */
  signingSecret: string;
}

export interface CredentialListing {
  keyId: string;
  department: string;
  label: string;
  createdAt: Date;
  state: 'active' | 'expiring' | 'expired' | 'revoked';
  expiresAt: Date | null;
  signingRequired: boolean;
}

type CredentialAdminErrorCode = 'UNKNOWN_DEPARTMENT' | 'UNKNOWN_KEY' | 'SEALED_UNDER_UNKNOWN_KEY';

export class CredentialAdminError extends Error {
  readonly code: CredentialAdminErrorCode;

  constructor(code: CredentialAdminErrorCode, message: string) {
    super(message);
    this.name = 'CredentialAdminError';
    this.code = code;
  }
}

/** What the credentials CLI does: issue, list, rotate and revoke departments' keys. */
export function createCredentialAdmin(options: {
  store: CredentialStore;
  secretBox: SecretBox;
  now: () => Date;
}) {
  const { store, secretBox, now } = options;

  function department(code: string): DepartmentCode {
    if (!isDepartmentCode(code)) {
      throw new CredentialAdminError(
        'UNKNOWN_DEPARTMENT',
        `unknown department "${code}"; one of: ${departmentCodes.join(', ')}`,
      );
    }
    return code;
  }

  async function create(
    code: string,
    extra: { label?: string; keyId?: string; secretHex?: string; signingSecretHex?: string } = {},
  ): Promise<IssuedCredential & { created: boolean }> {
    const dept = department(code);
    const key = issueApiKey({
      ...(extra.keyId ? { keyId: extra.keyId } : {}),
      ...(extra.secretHex ? { secretHex: extra.secretHex } : {}),
    });
    const signingSecret = issueSigningSecret(extra.signingSecretHex);
    const outcome = await store.createCredential({
      keyId: key.keyId,
      department: dept,
      apiKeySha256: key.apiKeySha256,
      signingSecretSealed: secretBox.seal(signingSecret, key.keyId),
      label: extra.label ?? departments[dept].name,
    });
    return {
      keyId: key.keyId,
      department: dept,
      apiKey: key.apiKey,
      signingSecret,
      created: outcome === 'created',
    };
  }

  return {
    create,

    /** A new key for the department; its other keys keep working for `graceMs`, then stop. */
    async rotate(code: string, graceMs: number, label?: string) {
      const issued = await create(code, label === undefined ? {} : { label });
      const until = new Date(now().getTime() + graceMs);
      const expiring = await store.expireOthers(issued.department, issued.keyId, until);
      return { issued, expiring, until };
    },

    async revoke(keyId: string): Promise<void> {
      if (!(await store.revoke(keyId, now()))) {
        throw new CredentialAdminError('UNKNOWN_KEY', `no active key "${keyId}"`);
      }
    },

    /**
     * Re-seals every credential's signing secret under the current INGEST_SECRETS_KEY (rotation:
     * the old key given as INGEST_SECRETS_KEY_PREVIOUS), in one transaction: a secret no held key
     * opens stops the whole run and nothing changes.
     */
    async reseal(): Promise<{ resealed: number; alreadyCurrent: number }> {
      let alreadyCurrent = 0;
      const resealed = await store.resealSigningSecrets((keyId, sealed) => {
        if (secretBox.isCurrent(sealed)) {
          alreadyCurrent += 1;
          return undefined;
        }
        let secret: string;
        try {
          secret = secretBox.open(sealed, keyId);
        } catch (err: unknown) {
          throw new CredentialAdminError(
            'SEALED_UNDER_UNKNOWN_KEY',
            `the signing secret of ${keyId} opens under none of the keys given (${(err as Error).message}); ` +
              'set INGEST_SECRETS_KEY_PREVIOUS to the key it was sealed with. Nothing was changed.',
          );
        }
        return secretBox.seal(secret, keyId);
      });
      return { resealed, alreadyCurrent };
    },

    async setSigning(code: string, required: boolean): Promise<void> {
      await store.setSigningRequired(department(code), required);
    },

    async list(): Promise<CredentialListing[]> {
      const [rows, settings] = await Promise.all([store.listCredentials(), store.listDepartmentSettings()]);
      const signing = new Map(settings.map((s) => [s.department, s.signingRequired]));
      const at = now();
      return rows.map((row) => ({
        keyId: row.keyId,
        department: row.department,
        label: row.label,
        createdAt: row.createdAt,
        expiresAt: row.expiresAt,
        signingRequired: signing.get(row.department) ?? true,
        state:
          row.revokedAt !== null
            ? 'revoked'
            : row.expiresAt === null
              ? 'active'
              : row.expiresAt > at
                ? 'expiring'
                : 'expired',
      }));
    },
  };
}

export type CredentialAdmin = ReturnType<typeof createCredentialAdmin>;
