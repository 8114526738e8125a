import { PersonRecordRead } from '@huimin/contracts';
import { on } from '@huimin/kafka';
import type { AuditStore } from '../store/audit-store.ts';

/** Every service's audit of reads lands here, once per read (the read id is the table's key). */
export function auditHandlers(audit: AuditStore) {
  return [on(PersonRecordRead, async (read, { client }) => audit.record(client, read))];
}
