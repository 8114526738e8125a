import { MedicalExpenseCorrected, MedicalExpenseRecorded, MedicalExpenseReversed } from '@huimin/contracts';
import { type BatchItem, type EventHandler, onBatch } from '@huimin/kafka';
import { type ReassessCause, reassessMany } from '../evaluate.ts';
import { type ClaimFigures, reverseClaims, upsertClaims } from '../store/risk-store.ts';
import { CLAIMS_BY_HOUSEHOLD } from './topics.ts';

const claimEvents = [MedicalExpenseRecorded, MedicalExpenseCorrected, MedicalExpenseReversed] as const;

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
 * The claims table is its own inbox (no inbox rows: one write per claim): an event applies only
 * if it is at least as new as the claim's row, so a redelivery changes nothing. A claim arriving
 * for another household than it was joined to (its patient moved) leaves the old one, which is
 * re-assessed too, so no claim counts twice.
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
            eventTime: item.envelope.time,
          });
          if (!touched.has(householdId)) touched.set(householdId, undefined);
        }
        for (const left of await upsertClaims(client, upserts)) touched.set(left, touched.get(left));
        for (const left of await reverseClaims(client, reversals)) touched.set(left, 'claim-reversed');
      }
      await reassessMany(client, touched, now());
    },
    { topic: CLAIMS_BY_HOUSEHOLD.name, ownInbox: true },
  );
}
