import type { EventDefinition } from '@huimin/contracts';
import { eventRecord, type PublishableRecord } from '@huimin/kafka';
import type { CoalescingWriter, Lane } from './coalescing-writer.ts';
import type { DepartmentCode } from './domain/departments.ts';
import { publishedEventId } from './domain/event-id.ts';
import {
  type IdempotencyEntry,
  type IdempotencyStore,
  idempotencyKey,
  type Reservation,
} from './store/idempotency-store.ts';

/** A checked event waiting to be published. */
export interface Candidate {
  id: string;
  payload: Record<string, unknown>;
  /** Hash of the type and the exact bytes sent: the same id must come with the same content. */
  fingerprint: string;
  /** What its receipt says, carried in the record so a lost receipt can be written from Kafka. */
  receipt: { submissionId: string; line: number | null; bodySha256: Buffer };
}

/** The header that carries an accepted event's receipt: `<sha256 hex> <line or -> <submission id>`. */
export const RECEIPT_HEADER = 'huimin_receipt';

export type IntakeResult =
  | { status: 'accepted'; ceId: string; receivedAt: Date; replayed: boolean }
  | { status: 'rejected'; code: 'IDEMPOTENCY_KEY_REUSED' | 'IDEMPOTENCY_KEY_IN_FLIGHT' }
  /** Publishing failed: the event may or may not be on the topic; a retry with the same id is safe. */
  | { status: 'unknown' };

/** An id to remember as accepted, and since when. */
export interface Acceptance {
  entry: IdempotencyEntry;
  receivedAt: Date;
}

export interface IntakeOptions {
  idempotency: IdempotencyStore;
  publisher: CoalescingWriter<PublishableRecord>;
  /** Writes acceptance marks; concurrent requests' marks share one Redis call. */
  acceptances: CoalescingWriter<Acceptance>;
}

/**
 * The step from "checked" to "durably in Kafka": reserve each event id (a retry of an accepted id
 * gets its original answer and publishes nothing) unless the caller reserved it already, publish
 * what is new in order (acks=all), then remember the ids as accepted (in one Redis call shared with
 * the other requests of the moment). Only after that may the caller answer 2xx.
 */
export function createIntake({ idempotency, publisher, acceptances }: IntakeOptions) {
  return {
    async publish(
      request: { department: DepartmentCode; definition: EventDefinition; lane: Lane; receivedAt: Date },
      candidates: readonly Candidate[],
      reserved?: readonly Reservation[],
    ): Promise<IntakeResult[]> {
      const { department, definition, lane, receivedAt } = request;
      const entries = candidates.map((c) => ({
        key: idempotencyKey(department, c.id),
        fingerprint: c.fingerprint,
      }));
      const reservations = reserved ?? (await idempotency.reserve(entries));

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

      const records = recordsOf(
        definition,
        department,
        receivedAt,
        fresh.map(({ index }) => candidates[index] as Candidate),
      );
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
      const [marked] = await Promise.all([
        acceptances.submit(
          written.map(({ index }) => ({ entry: entries[index] as IdempotencyEntry, receivedAt })),
          lane,
        ),
        ...unwritten.map(({ reservation }) => reservation.release()),
      ]);
      // Published but not remembered: answered 503, and a retry is published again with the same
      // ce_id, which consumers drop.
      if (marked.error !== undefined) throw marked.error;
      return results;
    },
  };
}

export type Intake = ReturnType<typeof createIntake>;

/**
 * The records of one request's new events. Every header but the id and the receipt is the same for
 * all of them (type, source, time, trace context), so it is built and encoded once per request
 * instead of once per event.
 */
function recordsOf(
  definition: EventDefinition,
  department: DepartmentCode,
  receivedAt: Date,
  candidates: readonly Candidate[],
): PublishableRecord[] {
  const first = candidates[0];
  if (first === undefined) return [];
  const template = eventRecord(definition, first.payload, {
    source: `/huimin/ingest/${department}`,
    id: publishedEventId(department, first.id),
    now: () => receivedAt,
  });
  const shared: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(template.headers)) {
    if (name !== 'ce_id') shared[name] = Buffer.from(value);
  }
  return candidates.map((candidate) => {
    const { submissionId, line, bodySha256 } = candidate.receipt;
    return {
      topic: template.topic,
      key: definition.key(candidate.payload),
      headers: {
        ...shared,
        ce_id: publishedEventId(department, candidate.id),
        [RECEIPT_HEADER]: `${bodySha256.toString('hex')} ${line ?? '-'} ${submissionId}`,
      },
      value: JSON.stringify(candidate.payload),
    };
  });
}
