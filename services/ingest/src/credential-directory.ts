import type { Logger } from '@huimin/kit';
import { apiKeyMatches, keyIdOf } from './domain/api-key.ts';
import { type DepartmentCode, isDepartmentCode } from './domain/departments.ts';
import type { SecretBox } from './domain/secret-box.ts';
import type { CredentialStore } from './store/credential-store.ts';
import type { Limit } from './store/rate-limiter.ts';

/** An authenticated sender, with what ingest needs to police its requests. */
export interface Credential {
  keyId: string;
  department: DepartmentCode;
  signingRequired: boolean;
  signingSecret: string;
  live: Limit;
  bulk: Limit;
}

interface Entry extends Credential {
  apiKeySha256: Buffer;
  expiresAt: Date | null;
}

export interface CredentialDirectoryOptions {
  store: CredentialStore;
  secretBox: SecretBox;
  defaults: { live: Limit; bulk: Limit };
  refreshMs: number;
  now: () => Date;
  logger: Logger;
}

export type CredentialDirectory = ReturnType<typeof createCredentialDirectory>;

/**
 * Every credential, held in memory and re-read every `refreshMs`: a department's request never
 * waits on Postgres, and a key id nobody issued is refused without a query (so a flood of made-up
 * keys costs nothing). A revocation or a new key reaches every replica within `refreshMs`.
 */
export function createCredentialDirectory(options: CredentialDirectoryOptions) {
  const { store, secretBox, defaults, logger } = options;
  let entries = new Map<string, Entry>();
  let loaded = false;
  let timer: NodeJS.Timeout | undefined;

  async function refresh(): Promise<void> {
    const [credentials, settings] = await Promise.all([
      store.listCredentials(),
      store.listDepartmentSettings(),
    ]);
    const byDepartment = new Map(settings.map((s) => [s.department, s]));
    const next = new Map<string, Entry>();
    for (const row of credentials) {
      if (row.revokedAt !== null || !isDepartmentCode(row.department)) continue;
      let signingSecret: string;
      try {
        signingSecret = secretBox.open(row.signingSecretSealed, row.keyId);
      } catch (err: unknown) {
        // Sealed under a key this replica does not hold, or not for this credential (copied from
        // another row): the key cannot be used safely.
        logger.error(
          { keyId: row.keyId, err },
          'cannot open the signing secret of a credential; it is disabled',
        );
        continue;
      }
      const setting = byDepartment.get(row.department);
      next.set(row.keyId, {
        keyId: row.keyId,
        department: row.department,
        apiKeySha256: row.apiKeySha256,
        expiresAt: row.expiresAt,
        signingSecret,
        signingRequired: setting?.signingRequired ?? true,
        live: {
          ratePerSecond: setting?.liveRatePerSecond ?? defaults.live.ratePerSecond,
          burst: setting?.liveBurst ?? defaults.live.burst,
        },
        bulk: {
          ratePerSecond: setting?.bulkRatePerSecond ?? defaults.bulk.ratePerSecond,
          burst: setting?.bulkBurst ?? defaults.bulk.burst,
        },
      });
    }
    entries = next;
    loaded = true;
  }

  return {
    refresh,

    /** Loads once (failing loudly), then keeps refreshing in the background. */
    async start(): Promise<void> {
      await refresh();
      const tick = () => {
        refresh()
          .catch((err: unknown) =>
            logger.error({ err }, 'credential refresh failed; keeping the last known set'),
          )
          .finally(() => {
            if (timer !== undefined) timer = setTimeout(tick, options.refreshMs).unref();
          });
      };
      timer = setTimeout(tick, options.refreshMs).unref();
    },

    stop(): void {
      clearTimeout(timer);
      timer = undefined;
    },

    isLoaded(): boolean {
      return loaded;
    },

    /** The credential an API key belongs to, if the key is genuine, unrevoked and unexpired. */
    authenticate(apiKey: string): Credential | undefined {
      const keyId = keyIdOf(apiKey);
      if (keyId === undefined) return undefined;
      const entry = entries.get(keyId);
      if (entry === undefined || !apiKeyMatches(apiKey, entry.apiKeySha256)) return undefined;
      if (entry.expiresAt !== null && entry.expiresAt <= options.now()) return undefined;
      return entry;
    },
  };
}
