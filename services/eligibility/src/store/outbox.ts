import type { EventRecord } from '@huimin/kafka';
import type pg from 'pg';

/**
 * Appends many contract event records to the outbox in one statement, inside the caller's
 * transaction. The records are built (and validated) by the kafka lib's `eventRecord`; the rows
 * are the ones `appendEvent` writes one round trip at a time, into the table the pg lib's
 * migration creates. A policy switch re-deciding a county needs the bulk form.
 */
export async function appendEventRecords(
  client: pg.ClientBase,
  records: readonly EventRecord[],
): Promise<void> {
  if (records.length === 0) return;
  // Callers append at most one record per key in a call, so row order within it does not matter.
  await client.query(
    `with appended as (
       insert into outbox (id, topic, key, type, headers, payload)
       select r.id, r.topic, r.key, r.type, r.headers, r.payload
         from jsonb_to_recordset($1::jsonb) as r(id uuid, topic text, key text, type text, headers jsonb, payload jsonb)
       returning seq
     )
     select count(*), pg_notify(current_schema() || '_outbox', '') from appended`,
    [
      JSON.stringify(
        records.map((r) => ({
          id: r.envelope.id,
          topic: r.topic,
          key: r.key,
          type: r.envelope.type,
          headers: r.headers,
          payload: r.payload,
        })),
      ),
    ],
  );
}
