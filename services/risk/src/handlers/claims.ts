import { randomUUID } from 'node:crypto';
import {
  type EventEnvelope,
  MedicalExpenseCorrected,
  MedicalExpenseRecorded,
  MedicalExpenseReversed,
} from '@huimin/contracts';
import { type BatchItem, type EventHandler, onBatch } from '@huimin/kafka';
import type { OutboxMessage } from '@huimin/pg';
import { type ReassessCause, reassessMany } from '../evaluate.ts';
import {
  appendManyToOutbox,
  type ClaimFigures,
  householdsOf,
  lockPeople,
  parkClaims,
  reverseClaims,
  upsertClaims,
} from '../store/risk-store.ts';
import { CLAIMS_BY_HOUSEHOLD } from './topics.ts';

const claimEvents = [MedicalExpenseRecorded, MedicalExpenseCorrected, MedicalExpenseReversed] as const;

/** The feed event's CloudEvents headers, carried unchanged onto the internal topic. */
function headersOf(envelope: EventEnvelope): Record<string, string> {
  return {
    ce_id: envelope.id,
    ce_source: envelope.source,
    ce_type: envelope.type,
    ce_specversion: envelope.specversion,
    ce_time: envelope.time,
    'content-type': envelope.datacontenttype,
    ...(envelope.traceparent ? { traceparent: envelope.traceparent } : {}),
  };
}

/**
 * The router: claims keyed by patient go to the internal topic keyed by the patient's household
 * (through the outbox, so routing and the inbox rows commit together), or are parked until the
 * household feed names the patient. A batch costs four statements whatever its size: the patients'
 * locks, one look-up, one park, one outbox insert (in the batch's order, so a claim's recording
 * and its correction keep theirs).
 */
export const routerHandlers: EventHandler[] = onBatch(claimEvents, async (items, { client, log }) => {
  const patients = items.map((item) => item.payload.patientResidentId);
  await lockPeople(client, patients);
  const homes = await householdsOf(client, patients);
  const routed: OutboxMessage[] = [];
  const parked: Parameters<typeof parkClaims>[1][number][] = [];
  for (const { payload, envelope } of items) {
    const householdId = homes.get(payload.patientResidentId);
    const headers = headersOf(envelope);
    if (!householdId) {
      parked.push({
        claimId: payload.claimId,
        eventType: envelope.type,
        patientResidentId: payload.patientResidentId,
        headers,
        payload,
      });
      continue;
    }
    routed.push({
      id: randomUUID(),
      topic: CLAIMS_BY_HOUSEHOLD.name,
      key: householdId,
      type: envelope.type,
      headers,
      payload,
    });
  }
  await parkClaims(client, parked);
  await appendManyToOutbox(client, routed);
  if (parked.length > 0) log.info({ parked: parked.length }, 'claims parked until their patients are known');
});

type ClaimItem = BatchItem<
  (typeof claimEvents)[number]['type'],
  MedicalExpenseRecorded | MedicalExpenseCorrected | MedicalExpenseReversed
>;

/**
 * Splits a batch into rounds in which each claim appears at most once, keeping the batch's order
 * for each claim: round k holds every claim's k-th event. Different claims do not interact, so a
 * round can be applied in one statement and the result is that of applying the events in order.
 */
export function claimRounds<T extends { payload: { claimId: string } }>(items: readonly T[]): T[][] {
  const rounds: T[][] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const round = seen.get(item.payload.claimId) ?? 0;
    seen.set(item.payload.claimId, round + 1);
    const members = rounds[round] ?? [];
    members.push(item);
    rounds[round] = members;
  }
  return rounds;
}

/**
 * The join's claims: each batch updates the windows set-wise (a correction replaces the claim's
 * figures, a reversal leaves a tombstone so a late recording cannot revive it) and re-assesses
 * every household it touched once, at its end. A flag then reflects the batch as a whole: a
 * household that passes watch and catastrophic within one batch is flagged catastrophic once.
 */
export function joinHandlers(now: () => Date): EventHandler[] {
  return onBatch(
    claimEvents,
    async (items, { client }) => {
      const touched = new Map<string, ReassessCause | undefined>();
      for (const round of claimRounds(items as ClaimItem[])) {
        const upserts: ClaimFigures[] = [];
        const reversals: Parameters<typeof reverseClaims>[1][number][] = [];
        for (const item of round) {
          const householdId = item.key ?? '';
          if (item.type === MedicalExpenseReversed.type) {
            const reversal = item.payload as MedicalExpenseReversed;
            reversals.push({
              claimId: reversal.claimId,
              householdId,
              patientResidentId: reversal.patientResidentId,
              businessDate: reversal.businessDate,
            });
            touched.set(householdId, 'claim-reversed');
            continue;
          }
          const claim = item.payload as MedicalExpenseRecorded;
          upserts.push({
            claimId: claim.claimId,
            householdId,
            patientResidentId: claim.patientResidentId,
            dateOfCare: claim.dateOfCare,
            totalCostFen: claim.totalCostFen,
            insurancePaidFen: claim.insurancePaidFen,
            medicalAssistancePaidFen: claim.medicalAssistancePaidFen,
            inpatient: claim.inpatient,
            diagnosisCategory: claim.diagnosisCategory,
            businessDate: claim.businessDate,
          });
          if (!touched.has(householdId)) touched.set(householdId, undefined);
        }
        await upsertClaims(client, upserts);
        await reverseClaims(client, reversals);
      }
      await reassessMany(client, touched, now());
    },
    { topic: CLAIMS_BY_HOUSEHOLD.name },
  );
}
