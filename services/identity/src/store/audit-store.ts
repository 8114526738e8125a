import type { PersonRecordRead } from '@huimin/contracts';
import type pg from 'pg';

export interface AuditFilter {
  actorId?: string | undefined;
  service?: string | undefined;
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Keyset cursor: rows strictly older than this (readAt, readId) pair. */
  before?: { readAt: Date; readId: string } | undefined;
  limit: number;
}

export interface AuditRow extends Omit<PersonRecordRead, 'readAt'> {
  readAt: Date;
}

/** identity's append-only store of reads of personal records (UPDATE/DELETE refused by trigger). */
export function createAuditStore(db: pg.Pool) {
  return {
    async record(client: pg.ClientBase, read: PersonRecordRead): Promise<void> {
      await client.query(
        `insert into audit_reads (read_id, actor_id, actor_role, service, subject_type, subject_id, view, purpose, read_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (read_id) do nothing`,
        [
          read.readId,
          read.actorId,
          read.actorRole,
          read.service,
          read.subjectType,
          read.subjectId,
          read.view,
          read.purpose,
          read.readAt,
        ],
      );
    },
    /** Newest first. */
    async query(filter: AuditFilter): Promise<AuditRow[]> {
      const { rows } = await db.query<AuditRow>(
        `select read_id as "readId", actor_id as "actorId", actor_role as "actorRole", service,
                subject_type as "subjectType", subject_id as "subjectId", view, purpose, read_at as "readAt"
           from audit_reads
          where ($1::text is null or actor_id = $1) and ($2::text is null or service = $2)
            and ($3::text is null or subject_type = $3) and ($4::text is null or subject_id = $4)
            and ($5::timestamptz is null or read_at >= $5) and ($6::timestamptz is null or read_at < $6)
            and ($7::timestamptz is null or (read_at, read_id) < ($7, $8::text))
          order by read_at desc, read_id desc limit $9`,
        [
          filter.actorId ?? null,
          filter.service ?? null,
          filter.subjectType ?? null,
          filter.subjectId ?? null,
          filter.from ?? null,
          filter.to ?? null,
          filter.before?.readAt ?? null,
          filter.before?.readId ?? null,
          filter.limit,
        ],
      );
      return rows;
    },
  };
}

export type AuditStore = ReturnType<typeof createAuditStore>;
