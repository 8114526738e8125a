import { withTransaction } from '@huimin/pg';
import type pg from 'pg';
import type { DepartmentCode } from '../domain/departments.ts';

export interface CredentialRow {
  keyId: string;
  department: string;
  apiKeySha256: Buffer;
  signingSecretSealed: string;
  label: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface DepartmentSettingsRow {
  department: string;
  signingRequired: boolean;
  liveRatePerSecond: number | null;
  liveBurst: number | null;
  bulkRatePerSecond: number | null;
  bulkBurst: number | null;
}

export interface NewCredential {
  keyId: string;
  department: DepartmentCode;
  apiKeySha256: Buffer;
  signingSecretSealed: string;
  label: string;
}

export interface RateLimitOverrides {
  liveRatePerSecond?: number | null;
  liveBurst?: number | null;
  bulkRatePerSecond?: number | null;
  bulkBurst?: number | null;
}

export type CredentialStore = ReturnType<typeof createCredentialStore>;

/** SQL for credentials and per-department settings (ingest's schema). */
export function createCredentialStore(pool: pg.Pool) {
  return {
    async listCredentials(): Promise<CredentialRow[]> {
      const { rows } = await pool.query(
        `select key_id, department, api_key_sha256, signing_secret_sealed, label, created_at, expires_at, revoked_at
           from credentials order by department, created_at`,
      );
      return rows.map((row) => ({
        keyId: row.key_id,
        department: row.department,
        apiKeySha256: row.api_key_sha256,
        signingSecretSealed: row.signing_secret_sealed,
        label: row.label,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        revokedAt: row.revoked_at,
      }));
    },

    async listDepartmentSettings(): Promise<DepartmentSettingsRow[]> {
      const { rows } = await pool.query(
        `select department, signing_required, live_rate_per_second, live_burst, bulk_rate_per_second, bulk_burst
           from department_settings`,
      );
      return rows.map((row) => ({
        department: row.department,
        signingRequired: row.signing_required,
        liveRatePerSecond: row.live_rate_per_second,
        liveBurst: row.live_burst,
        bulkRatePerSecond: row.bulk_rate_per_second,
        bulkBurst: row.bulk_burst,
      }));
    },

    /** Inserts a credential; an existing key id with the same hash is left alone (dev seeding). */
    async createCredential(credential: NewCredential): Promise<'created' | 'exists'> {
      const result = await pool.query(
        `insert into credentials (key_id, department, api_key_sha256, signing_secret_sealed, label)
         values ($1, $2, $3, $4, $5)
         on conflict (key_id) do nothing`,
        [
          credential.keyId,
          credential.department,
          credential.apiKeySha256,
          credential.signingSecretSealed,
          credential.label,
        ],
      );
      return result.rowCount === 1 ? 'created' : 'exists';
    },

    /**
     * Rewrites sealed signing secrets in one transaction, every row locked: `reseal` returns the
     * new sealed text, or undefined to leave a row; if it throws, nothing changes. Returns how many
     * rows were rewritten.
     */
    async resealSigningSecrets(
      reseal: (keyId: string, sealed: string) => string | undefined,
    ): Promise<number> {
      return withTransaction(pool, async (client) => {
        const { rows } = await client.query<{ key_id: string; signing_secret_sealed: string }>(
          'select key_id, signing_secret_sealed from credentials order by key_id for update',
        );
        let rewritten = 0;
        for (const row of rows) {
          const next = reseal(row.key_id, row.signing_secret_sealed);
          if (next === undefined) continue;
          await client.query('update credentials set signing_secret_sealed = $2 where key_id = $1', [
            row.key_id,
            next,
          ]);
          rewritten += 1;
        }
        return rewritten;
      });
    },

    /** Un-revokes and un-expires a key (dev seeding re-arms its fixed demo keys). */
    async reinstate(keyId: string): Promise<void> {
      await pool.query('update credentials set revoked_at = null, expires_at = null where key_id = $1', [
        keyId,
      ]);
    },

    /** Stops a key at once; false when there is no such live key. */
    async revoke(keyId: string, at: Date): Promise<boolean> {
      const result = await pool.query(
        'update credentials set revoked_at = $2 where key_id = $1 and revoked_at is null',
        [keyId, at],
      );
      return result.rowCount === 1;
    },

    /** The department's other live keys stop working at `until` (rotation's grace period). */
    async expireOthers(department: DepartmentCode, exceptKeyId: string, until: Date): Promise<string[]> {
      const { rows } = await pool.query<{ key_id: string }>(
        `update credentials set expires_at = least(coalesce(expires_at, $3), $3)
          where department = $1 and key_id <> $2 and revoked_at is null
        returning key_id`,
        [department, exceptKeyId, until],
      );
      return rows.map((row) => row.key_id);
    },

    async setSigningRequired(department: DepartmentCode, required: boolean): Promise<void> {
      await pool.query(
        `insert into department_settings (department, signing_required) values ($1, $2)
         on conflict (department) do update set signing_required = excluded.signing_required, updated_at = now()`,
        [department, required],
      );
    },

    /** Sets the department's signing only if nothing was ever set for it (dev seeding). */
    async initSigningRequired(department: DepartmentCode, required: boolean): Promise<void> {
      await pool.query(
        `insert into department_settings (department, signing_required) values ($1, $2)
         on conflict (department) do nothing`,
        [department, required],
      );
    },

    async setRateLimits(department: DepartmentCode, limits: RateLimitOverrides): Promise<void> {
      await pool.query(
        `insert into department_settings (department, live_rate_per_second, live_burst, bulk_rate_per_second, bulk_burst)
         values ($1, $2, $3, $4, $5)
         on conflict (department) do update set
           live_rate_per_second = excluded.live_rate_per_second, live_burst = excluded.live_burst,
           bulk_rate_per_second = excluded.bulk_rate_per_second, bulk_burst = excluded.bulk_burst,
           updated_at = now()`,
        [
          department,
          limits.liveRatePerSecond ?? null,
          limits.liveBurst ?? null,
          limits.bulkRatePerSecond ?? null,
          limits.bulkBurst ?? null,
        ],
      );
    },
  };
}
