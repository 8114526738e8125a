import { randomUUID } from 'node:crypto';
import { PersonRecordRead } from '@huimin/contracts';
import { appendEvent } from '@huimin/kafka';
import { withTransaction } from '@huimin/pg';
import type pg from 'pg';
import type { UserPrincipal } from './principal.ts';

export interface RecordRead {
  reader: UserPrincipal;
  subjectType: PersonRecordRead['subjectType'];
  subjectId: string;
  view: PersonRecordRead['view'];
  /** Why: the alert being worked on, or the reason the person gave. */
  purpose: string;
}

/**
 * Audits a read of a person's record: a PersonRecordRead event appended to the service's outbox
 * in the caller's transaction (so the audit commits with whatever else the request wrote) and
 * carried by the relay to identity's append-only store.
 */
export async function recordRead(
  client: pg.ClientBase,
  service: string,
  read: RecordRead,
  now: () => Date = () => new Date(),
): Promise<void> {
  await appendEvent(
    client,
    PersonRecordRead,
    {
      readId: `RR-${randomUUID()}`,
      actorId: read.reader.userId,
      actorRole: read.reader.role,
      service,
      subjectType: read.subjectType,
      subjectId: read.subjectId,
      view: read.view,
      purpose: read.purpose.slice(0, 200) || 'unspecified',
      readAt: now().toISOString(),
    },
    { source: `/huimin/${service}` },
  );
}

/** The same, in a transaction of its own, for a read that writes nothing else. */
export async function auditRead(pool: pg.Pool, service: string, read: RecordRead): Promise<void> {
  await withTransaction(pool, (client) => recordRead(client, service, read));
}
