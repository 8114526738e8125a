import type { EventDefinition } from '@huimin/contracts';
import { eventRecord, type PublishableRecord } from '@huimin/kafka';
import type { CoalescingWriter, Lane } from './coalescing-writer.ts';
import type { DepartmentCode } from './domain/departments.ts';
import { publishedEventId } from './domain/event-id.ts';
import { type IdempotencyStore, idempotencyKey, type Reservation } from './store/idempotency-store.ts';

/** A checked event waiting to be published. */
export interface Candidate {
  id: string;
  payload: Record<string, unknown>;
  /** Hash of the type and the exact bytes sent: the same id must come with the same content. */
  fingerprint: string;
}

export type IntakeResult =
  | { status: 'accepted'; ceId: string; receivedAt: Date; replayed: boolean }
  | { status: 'rejected'; code: 'IDEMPOTENCY_KEY_REUSED' | 'IDEMPOTENCY_KEY_IN_FLIGHT' }
  /** Publishing failed: the event may or may not be on the topic; a retry with the same id is safe. */
  | { status: 'unknown' };

export interface IntakeOptions {
  idempotency: IdempotencyStore;
  publisher: CoalescingWriter<PublishableRecord>;
}

/**
 * The step from "checked" to "durably in Kafka": reserve each event id (a retry of an accepted id
 * gets its original answer and publishes nothing), publish what is new in order (acks=all), then
 * remember the ids as accepted. Only after that may the caller answer 2xx.
 */
export function createIntake({ idempotency, publisher }: IntakeOptions) {
  return {
    async publish(
      request: { department: DepartmentCode; definition: EventDefinition; lane: Lane; receivedAt: Date },
      candidates: readonly Candidate[],
    ): Promise<IntakeResult[]> {
      const { department, definition, lane, receivedAt } = request;
      const entries = candidates.map((c) => ({
        key: idempotencyKey(department, c.id),
        fingerprint: c.fingerprint,
      }));
      const reservations = await idempotency.reserve(entries);

      const results: IntakeResult[] = new Array(candidates.length);
      const fresh: { index: number; reservation: Extract<Reservation, { state: 'reserved' }> }[] = [];
      reservations.forEach((reservation, index) => {
        const candidate = candidates[index] as Candidate;
        switch (reservation.state) {
          case 'reserved':
            fresh.push({ index, reservation });
            break;
          case 'accepted':
            results[index] =
              reservation.fingerprint === candidate.fingerprint
                ? {
                    status: 'accepted',
                    ceId: publishedEventId(department, candidate.id),
                    receivedAt: reservation.receivedAt,
                    replayed: true,
                  }
                : { status: 'rejected', code: 'IDEMPOTENCY_KEY_REUSED' };
            break;
          case 'in-flight':
            results[index] = { status: 'rejected', code: 'IDEMPOTENCY_KEY_IN_FLIGHT' };
            break;
          default: {
            const never: never = reservation;
            throw new Error(`unhandled reservation ${String(never)}`);
          }
        }
      });
      if (fresh.length === 0) return results;

      const source = `/huimin/ingest/${department}`;
      const records = fresh.map(({ index }): PublishableRecord => {
        const candidate = candidates[index] as Candidate;
        const record = eventRecord(definition, candidate.payload, {
          source,
          id: publishedEventId(department, candidate.id),
          now: () => receivedAt,
        });
        return {
          topic: record.topic,
          key: record.key,
          headers: record.headers,
          value: JSON.stringify(candidate.payload),
        };
      });
      const outcome = await publisher.submit(records, lane);

      const written = fresh.slice(0, outcome.written);
      const unwritten = fresh.slice(outcome.written);
      for (const { index } of written) {
        const candidate = candidates[index] as Candidate;
        results[index] = {
          status: 'accepted',
          ceId: publishedEventId(department, candidate.id),
          receivedAt,
          replayed: false,
        };
      }
      for (const { index } of unwritten) results[index] = { status: 'unknown' };
      // Free the ids whose publish failed so a retry can publish them (if the broker did get them
      // after all, the retry's copy carries the same ce_id and consumers' inboxes drop it).
      const releasing = unwritten.map(({ reservation }) => reservation.release());
      await Promise.all([
        idempotency.accept(
          written.map(({ index }) => entries[index] as (typeof entries)[number]),
          receivedAt,
        ),
        ...releasing,
      ]);
      return results;
    },
  };
}

export type Intake = ReturnType<typeof createIntake>;
