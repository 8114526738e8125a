import type { Role } from '@huimin/auth';
import type pg from 'pg';
import type { Leave } from '../domain/roster.ts';

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

/** The SQL of identity's schema, one function per question. */
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
    async listUsers(): Promise<UserRow[]> {
      const { rows } = await db.query<UserRecord>('select * from users order by username');
      return rows.map(toUser);
    },
    /** Inserts the user, or returns false when the username or id is taken. */
    async createUser(user: NewUser): Promise<boolean> {
      const result = await db.query(
        `insert into users (id, username, display_name, password_hash, role, jurisdictions, provider_id)
         values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
        [
          user.id,
          user.username,
          user.displayName,
          user.passwordHash,
          user.role,
          user.jurisdictions,
          user.providerId ?? null,
        ],
      );
      return result.rowCount === 1;
    },
    async saveLoginState(userId: string, failedLogins: number, lockedUntil: Date | null): Promise<void> {
      await db.query('update users set failed_logins = $2, locked_until = $3 where id = $1', [
        userId,
        failedLogins,
        lockedUntil,
      ]);
    },

    async insertRefreshToken(token: {
      id: string;
      hash: string;
      userId: string;
      familyId: string;
      expiresAt: Date;
    }) {
      await db.query(
        'insert into refresh_tokens (id, token_hash, user_id, family_id, expires_at) values ($1, $2, $3, $4, $5)',
        [token.id, token.hash, token.userId, token.familyId, token.expiresAt],
      );
    },
    /**
     * Marks the token rotated if it is current; returns it, with `wasCurrent` false when it had
     * already been rotated or revoked (a replay) — the caller then revokes the family.
     */
    async rotateRefreshToken(hash: string, now: Date) {
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
        [hash, now],
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
    async revokeFamily(familyId: string, now: Date): Promise<void> {
      await db.query(
        'update refresh_tokens set revoked_at = $2 where family_id = $1 and revoked_at is null',
        [familyId, now],
      );
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

    async replaceRoster(communityCode: string, userIds: readonly string[]): Promise<void> {
      const client = await db.connect();
      try {
        await client.query('begin');
        await client.query('delete from roster where community_code = $1', [communityCode]);
        for (const userId of userIds) {
          await client.query('insert into roster (community_code, user_id) values ($1, $2)', [
            communityCode,
            userId,
          ]);
        }
        await client.query('commit');
      } catch (err: unknown) {
        await client.query('rollback');
        throw err;
      } finally {
        client.release();
      }
    },
    async rosterOf(communityCode: string): Promise<string[]> {
      const { rows } = await db.query<{ user_id: string }>(
        'select user_id from roster where community_code = $1 order by user_id',
        [communityCode],
      );
      return rows.map((r) => r.user_id);
    },
    async leavesOf(userIds: readonly string[]): Promise<Leave[]> {
      const { rows } = await db.query<{
        user_id: string;
        starts_at: Date;
        ends_at: Date;
        delegate_id: string;
      }>(
        'select user_id, starts_at, ends_at, delegate_id from leaves where user_id = any($1) order by starts_at',
        [userIds],
      );
      return rows.map((r) => ({
        userId: r.user_id,
        startsAt: r.starts_at,
        endsAt: r.ends_at,
        delegateId: r.delegate_id,
      }));
    },
    async addLeave(leave: Leave & { id: string; createdBy: string }): Promise<void> {
      await db.query(
        'insert into leaves (id, user_id, starts_at, ends_at, delegate_id, created_by) values ($1, $2, $3, $4, $5, $6)',
        [leave.id, leave.userId, leave.startsAt, leave.endsAt, leave.delegateId, leave.createdBy],
      );
    },
    async supervisorsOf(townCode: string): Promise<string[]> {
      const { rows } = await db.query<{ id: string }>(
        `select id from users where role = 'town-supervisor' and $1 = any(jurisdictions) and disabled_at is null order by id`,
        [townCode],
      );
      return rows.map((r) => r.id);
    },

    async auditReads(filter: {
      actorId?: string;
      subjectType?: string;
      subjectId?: string;
      from?: Date;
      to?: Date;
      limit: number;
    }) {
      const { rows } = await db.query(
        `select read_id as "readId", actor_id as "actorId", actor_role as "actorRole", service,
                subject_type as "subjectType", subject_id as "subjectId", view, purpose, read_at as "readAt"
           from audit_reads
          where ($1::text is null or actor_id = $1) and ($2::text is null or subject_type = $2)
            and ($3::text is null or subject_id = $3) and ($4::timestamptz is null or read_at >= $4)
            and ($5::timestamptz is null or read_at < $5)
          order by read_at desc limit $6`,
        [
          filter.actorId ?? null,
          filter.subjectType ?? null,
          filter.subjectId ?? null,
          filter.from ?? null,
          filter.to ?? null,
          filter.limit,
        ],
      );
      return rows;
    },
  };
}

export type IdentityStore = ReturnType<typeof createIdentityStore>;
