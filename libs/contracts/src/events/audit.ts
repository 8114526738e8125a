import { type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event.ts';
import { closedObject, Instant, RecordId, stringEnum } from '../schema-types.ts';
import { identityAuditStream } from '../topics.ts';

export const PersonRecordRead = defineEvent({
  name: 'PersonRecordRead',
  type: 'huimin.identity.record-read.v1',
  version: 1,
  topic: identityAuditStream,
  key: (p) => p.actorId,
  schema: closedObject({
    readId: RecordId,
    actorId: Type.String({ minLength: 1, maxLength: 64, description: 'the user id of the person who read' }),
    actorRole: Type.String({ minLength: 1, maxLength: 32 }),
    service: Type.String({
      pattern: '^[a-z][a-z0-9-]{0,31}$',
      description: 'the service that served the read',
    }),
    subjectType: stringEnum(['household', 'elder', 'alert', 'order', 'disbursement']),
    subjectId: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$',
      description: 'the record read, by its platform id — never a resident ID or a name',
    }),
    view: stringEnum(['masked', 'full'], { description: 'full: personal data shown unmasked' }),
    purpose: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'why: the alert worked on, or a stated reason',
    }),
    readAt: Instant,
  }),
  description:
    'A person read a record holding personal data (who, what, when, why). Services append it to their outbox on every such read; identity keeps it in an append-only store auditors query.',
  example: {
    readId: 'RR-8f1c2a7e',
    actorId: 'u-handler-chengxiang-1',
    actorRole: 'case-handler',
    service: 'discovery',
    subjectType: 'household',
    subjectId: 'H320585-000123',
    view: 'masked',
    purpose: 'alert ALR-2026-000123',
    readAt: '2026-03-02T01:15:00.000Z',
  },
});
export type PersonRecordRead = Static<typeof PersonRecordRead.schema>;
