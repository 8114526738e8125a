import type { EventDefinition } from '@huimin/contracts';
import { appendToOutbox } from '@huimin/pg';
import type { Static, TObject } from '@sinclair/typebox';
import type pg from 'pg';
import { type EventRecord, type EventRecordOptions, eventRecord } from './event-record.ts';

/**
 * Records a contract event in the service's outbox, inside the caller's transaction, so the state
 * change and the event commit together or not at all. The outbox relay publishes it afterwards.
 */
export async function appendEvent<TSchema extends TObject>(
  client: pg.ClientBase,
  event: EventDefinition<string, TSchema>,
  payload: Static<TSchema>,
  options: EventRecordOptions,
): Promise<EventRecord> {
  const record = eventRecord(event, payload, options);
  await appendToOutbox(client, {
    id: record.envelope.id,
    topic: record.topic,
    key: record.key,
    type: record.envelope.type,
    headers: record.headers,
    payload: record.payload,
  });
  return record;
}
