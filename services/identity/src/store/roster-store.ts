import { withTransaction } from '@huimin/pg';
import type pg from 'pg';
import type { Leave } from '../domain/roster.ts';

export interface LeaveRow extends Leave {
  id: string;
  createdBy: string;
  createdAt: Date;
  cancelledAt: Date | null;
  cancelledBy: string | null;
}

interface LeaveRecord {
  id: string;
  user_id: string;
  starts_at: Date;
  ends_at: Date;
  delegate_id: string;
  created_by: string;
  created_at: Date;
  cancelled_at: Date | null;
  cancelled_by: string | null;
}

const toLeave = (r: LeaveRecord): LeaveRow => ({
  id: r.id,
  userId: r.user_id,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  delegateId: r.delegate_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
  cancelledAt: r.cancelled_at,
  cancelledBy: r.cancelled_by,
});

/** The routing roster and leave: SQL of identity's schema. */
export function createRosterStore(db: pg.Pool) {
  return {
    async replaceRoster(
      communityCode: string,
      userIds: readonly string[],
      by: string,
      at: Date,
    ): Promise<void> {
      await withTransaction(db, async (client) => {
        await client.query('delete from roster where community_code = $1', [communityCode]);
        await client.query(
          `insert into roster (community_code, user_id, assigned_by, assigned_at)
           select $1, unnest($2::text[]), $3, $4`,
          [communityCode, userIds, by, at],
        );
      });
    },
    /**
     * The community's rostered handlers who still cover it (a role or jurisdiction changed since
     * counts as off the roster). Disabled ones stay listed; routing treats them as uncovered.
     */
    async rosterOf(communityCode: string): Promise<string[]> {
      const { rows } = await db.query<{ user_id: string }>(
        `select r.user_id from roster r join users u on u.id = r.user_id
          where r.community_code = $1 and u.role = 'case-handler' and $1 = any(u.jurisdictions)
          order by r.user_id`,
        [communityCode],
      );
      return rows.map((r) => r.user_id);
    },

    /** Leaves of these people (as the absent one or as a delegate) that have not ended before `from`. */
    async leavesTouching(userIds: readonly string[], from?: Date): Promise<LeaveRow[]> {
      const { rows } = await db.query<LeaveRecord>(
        `select * from leaves
          where (user_id = any($1) or delegate_id = any($1))
            and ($2::timestamptz is null or least(ends_at, coalesce(cancelled_at, ends_at)) > $2)
          order by starts_at, id`,
        [userIds, from ?? null],
      );
      return rows.map(toLeave);
    },
    /** Every leave in force at `at` (delegations are few; the chain may run through anyone). */
    async leavesAt(at: Date): Promise<LeaveRow[]> {
      const { rows } = await db.query<LeaveRecord>(
        `select * from leaves where starts_at <= $1 and least(ends_at, coalesce(cancelled_at, ends_at)) > $1
          order by starts_at, id`,
        [at],
      );
      return rows.map(toLeave);
    },
    async leaveById(id: string): Promise<LeaveRow | undefined> {
      const { rows } = await db.query<LeaveRecord>('select * from leaves where id = $1', [id]);
      return rows[0] && toLeave(rows[0]);
    },
    /**
     * Adds a leave unless `clashes` finds a problem with the person's other leaves, read under a
     * lock on the person's row so two overlapping leaves cannot both be added.
     */
    async addLeave(
      leave: Omit<LeaveRow, 'cancelledAt' | 'cancelledBy' | 'createdAt'>,
      at: Date,
      clashes: (existing: LeaveRow[]) => LeaveRow | undefined,
    ): Promise<{ added: true } | { added: false; clash: LeaveRow }> {
      return withTransaction(db, async (client) => {
        await client.query('select 1 from users where id = $1 for update', [leave.userId]);
        const { rows } = await client.query<LeaveRecord>('select * from leaves where user_id = $1', [
          leave.userId,
        ]);
        const clash = clashes(rows.map(toLeave));
        if (clash) return { added: false as const, clash };
        await client.query(
          `insert into leaves (id, user_id, starts_at, ends_at, delegate_id, created_by, created_at)
           values ($1, $2, $3, $4, $5, $6, $7)`,
          [leave.id, leave.userId, leave.startsAt, leave.endsAt, leave.delegateId, leave.createdBy, at],
        );
        return { added: true as const };
      });
    },
    /** Ends a leave at `at` (a future leave is thereby cancelled whole); false if it had ended. */
    async cancelLeave(id: string, by: string, at: Date): Promise<boolean> {
      const result = await db.query(
        `update leaves set cancelled_at = greatest($2, starts_at), cancelled_by = $3
          where id = $1 and cancelled_at is null and ends_at > $2`,
        [id, at, by],
      );
      return result.rowCount === 1;
    },

    async supervisorsOf(townCode: string): Promise<string[]> {
      const { rows } = await db.query<{ id: string }>(
        `select id from users where role = 'town-supervisor' and $1 = any(jurisdictions) and disabled_at is null
          order by id`,
        [townCode],
      );
      return rows.map((r) => r.id);
    },
    /** Those of `ids` who may take alerts: case handlers not disabled. */
    async activeUserIds(ids: readonly string[]): Promise<Set<string>> {
      const { rows } = await db.query<{ id: string }>(
        `select id from users where id = any($1) and role = 'case-handler' and disabled_at is null`,
        [ids],
      );
      return new Set(rows.map((r) => r.id));
    },
    async jurisdictionsOf(ids: readonly string[]): Promise<string[]> {
      const { rows } = await db.query<{ code: string }>(
        `select distinct unnest(jurisdictions) as code from users
          where id = any($1) and role = 'case-handler' and disabled_at is null order by code`,
        [ids],
      );
      return rows.map((r) => r.code);
    },
  };
}

export type RosterStore = ReturnType<typeof createRosterStore>;
