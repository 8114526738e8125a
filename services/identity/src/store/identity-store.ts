import type { Role } from '@huimin/auth';
import { withTransaction } from '@huimin/pg';
import type pg from 'pg';
import type { LoginState } from '../domain/lockout.ts';

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  jurisdictions: string[];
  providerId: string | null;
  failedLogins: number;
  lockedUntil: Date | null;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

interface UserRecord {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  jurisdictions: string[];
  provider_id: string | null;
  failed_logins: number;
  locked_until: Date | null;
  disabled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const toUser = (r: UserRecord): UserRow => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  passwordHash: r.password_hash,
  role: r.role,
  jurisdictions: r.jurisdictions,
  providerId: r.provider_id,
  failedLogins: r.failed_logins,
  lockedUntil: r.locked_until,
  disabledAt: r.disabled_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface NewUser {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  jurisdictions: string[];
  providerId?: string | undefined;
}

export interface UserChanges {
  displayName?: string;
  role?: Role;
  jurisdictions?: string[];
  providerId?: string | null;
}

export interface RefreshTokenRow {
  id: string;
  userId: string;
  familyId: string;
  expiresAt: Date;
  /** False when the token had already been rotated or revoked: a replay. */
  wasCurrent: boolean;
}

/** Users, their login state, refresh tokens and service clients: SQL of identity's schema. */
export function createIdentityStore(db: pg.Pool) {
  return {
    async userByUsername(username: string): Promise<UserRow | undefined> {
      const { rows } = await db.query<UserRecord>('select * from users where username = $1', [username]);
      return rows[0] && toUser(rows[0]);
    },
    async userById(id: string): Promise<UserRow | undefined> {
      const { rows } = await db.query<UserRecord>('select * from users where id = $1', [id]);
      return rows[0] && toUser(rows[0]);
    },
    async usersByIds(ids: readonly string[]): Promise<UserRow[]> {
      if (ids.length === 0) return [];
      const { rows } = await db.query<UserRecord>('select * from users where id = any($1)', [ids]);
      return rows.map(toUser);
    },
    async listUsers(filter: { role?: Role | undefined } = {}): Promise<UserRow[]> {
      const { rows } = await db.query<UserRecord>(
        'select * from users where ($1::text is null or role = $1) order by username',
        [filter.role ?? null],
      );
      return rows.map(toUser);
    },
    /** Inserts the user, or returns false when the username or id is taken. */
    async createUser(user: NewUser, at: Date): Promise<boolean> {
      const result = await db.query(
        `insert into users (id, username, display_name, password_hash, role, jurisdictions, provider_id,
                            created_at, updated_at, password_changed_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8) on conflict do nothing`,
        [
          user.id,
          user.username,
          user.displayName,
          user.passwordHash,
          user.role,
          user.jurisdictions,
          user.providerId ?? null,
          at,
        ],
      );
      return result.rowCount === 1;
    },
    async updateUser(id: string, changes: UserChanges, at: Date): Promise<void> {
      await db.query(
        `update users set display_name = coalesce($2, display_name), role = coalesce($3, role),
                jurisdictions = coalesce($4, jurisdictions),
                provider_id = case when $5 then $6 else provider_id end, updated_at = $7
          where id = $1`,
        [
          id,
          changes.displayName ?? null,
          changes.role ?? null,
          changes.jurisdictions ?? null,
          changes.providerId !== undefined,
          changes.providerId ?? null,
          at,
        ],
      );
    },
    async setDisabled(id: string, disabled: boolean, at: Date): Promise<void> {
      await db.query('update users set disabled_at = $2, updated_at = $3 where id = $1', [
        id,
        disabled ? at : null,
        at,
      ]);
    },
    /** A new password also clears any lockout. */
    async setPassword(id: string, passwordHash: string, at: Date): Promise<void> {
      await db.query(
        `update users set password_hash = $2, password_changed_at = $3, updated_at = $3,
                failed_logins = 0, locked_until = null where id = $1`,
        [id, passwordHash, at],
      );
    },
    /** Same hash, stronger cost: no change a person would notice. */
    async upgradePasswordHash(id: string, oldHash: string, newHash: string): Promise<void> {
      await db.query('update users set password_hash = $3 where id = $1 and password_hash = $2', [
        id,
        oldHash,
        newHash,
      ]);
    },
    async unlock(id: string, at: Date): Promise<void> {
      await db.query(
        'update users set failed_logins = 0, locked_until = null, updated_at = $2 where id = $1',
        [id, at],
      );
    },
    /**
     * Records a wrong password: the row is locked while `next` decides, so attempts racing each
     * other all count and the threshold cannot be slipped past in parallel.
     */
    async recordLoginFailure(id: string, next: (state: LoginState) => LoginState): Promise<LoginState> {
      return withTransaction(db, async (client) => {
        const { rows } = await client.query<{ failed_logins: number; locked_until: Date | null }>(
          'select failed_logins, locked_until from users where id = $1 for update',
          [id],
        );
        const row = rows[0];
        if (!row) throw new Error(`user ${id} vanished during login`);
        const state = next({ failedLogins: row.failed_logins, lockedUntil: row.locked_until });
        await client.query('update users set failed_logins = $2, locked_until = $3 where id = $1', [
          id,
          state.failedLogins,
          state.lockedUntil,
        ]);
        return state;
      });
    },
    async recordLoginSuccess(id: string): Promise<void> {
      await db.query('update users set failed_logins = 0 where id = $1 and failed_logins <> 0', [id]);
    },

    async insertRefreshToken(token: {
      id: string;
      hash: string;
      userId: string;
      familyId: string;
      expiresAt: Date;
      at: Date;
    }) {
      await db.query(
        `insert into refresh_tokens (id, token_hash, user_id, family_id, expires_at, created_at)
         values ($1, $2, $3, $4, $5, $6)`,
        [token.id, token.hash, token.userId, token.familyId, token.expiresAt, token.at],
      );
    },
    /** Marks the token rotated if it is current; returns it either way (see `wasCurrent`). */
    async rotateRefreshToken(hash: string, at: Date): Promise<RefreshTokenRow | undefined> {
      const { rows } = await db.query<{
        id: string;
        user_id: string;
        family_id: string;
        expires_at: Date;
        current: boolean;
      }>(
        `with found as (select * from refresh_tokens where token_hash = $1),
              rotated as (
                update refresh_tokens set rotated_at = $2
                 where token_hash = $1 and rotated_at is null and revoked_at is null
                returning id)
         select f.id, f.user_id, f.family_id, f.expires_at, exists (select 1 from rotated) as current from found f`,
        [hash, at],
      );
      const row = rows[0];
      return (
        row && {
          id: row.id,
          userId: row.user_id,
          familyId: row.family_id,
          expiresAt: row.expires_at,
          wasCurrent: row.current,
        }
      );
    },
    async revokeFamily(familyId: string, at: Date): Promise<void> {
      await db.query(
        'update refresh_tokens set revoked_at = $2 where family_id = $1 and revoked_at is null',
        [familyId, at],
      );
    },
    async revokeAllSessions(userId: string, at: Date): Promise<void> {
      await db.query('update refresh_tokens set revoked_at = $2 where user_id = $1 and revoked_at is null', [
        userId,
        at,
      ]);
    },
    async familyOf(hash: string): Promise<string | undefined> {
      const { rows } = await db.query<{ family_id: string }>(
        'select family_id from refresh_tokens where token_hash = $1',
        [hash],
      );
      return rows[0]?.family_id;
    },

    async serviceClient(clientId: string): Promise<{ secretHash: string } | undefined> {
      const { rows } = await db.query<{ secret_hash: string }>(
        'select secret_hash from service_clients where client_id = $1 and revoked_at is null',
        [clientId],
      );
      return rows[0] && { secretHash: rows[0].secret_hash };
    },
    async upsertServiceClient(clientId: string, secretHash: string): Promise<void> {
      await db.query(
        `insert into service_clients (client_id, secret_hash) values ($1, $2)
         on conflict (client_id) do update set secret_hash = excluded.secret_hash, revoked_at = null`,
        [clientId, secretHash],
      );
    },
    async revokeServiceClient(clientId: string, at: Date): Promise<boolean> {
      const result = await db.query(
        'update service_clients set revoked_at = $2 where client_id = $1 and revoked_at is null',
        [clientId, at],
      );
      return result.rowCount === 1;
    },
    async listServiceClients(): Promise<{ clientId: string; revokedAt: Date | null; createdAt: Date }[]> {
      const { rows } = await db.query<{ client_id: string; revoked_at: Date | null; created_at: Date }>(
        'select client_id, revoked_at, created_at from service_clients order by client_id',
      );
      return rows.map((r) => ({ clientId: r.client_id, revokedAt: r.revoked_at, createdAt: r.created_at }));
    },
  };
}

export type IdentityStore = ReturnType<typeof createIdentityStore>;
