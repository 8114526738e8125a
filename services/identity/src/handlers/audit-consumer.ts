import { PersonRecordRead } from '@huimin/contracts';
import { on } from '@huimin/kafka';

/** Every service's audit of reads lands here, once per read (the read id is the key of the table). */
export const auditHandlers = [
  on(PersonRecordRead, async (read, { client }) => {
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
  }),
];
