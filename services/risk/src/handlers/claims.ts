import { randomUUID } from 'node:crypto';
import { MedicalExpenseCorrected, MedicalExpenseRecorded, MedicalExpenseReversed } from '@huimin/contracts';
import { type EventHandler, type HandlerContext, on } from '@huimin/kafka';
import { appendToOutbox } from '@huimin/pg';
import { reassess } from '../evaluate.ts';
import { householdOf, lockPeople } from '../store/risk-store.ts';
import { CLAIMS_BY_HOUSEHOLD } from './topics.ts';

/**
 * The router: a claim keyed by patient goes to the internal topic keyed by the patient's
 * household (through the outbox, so routing and the inbox row commit together), or is parked
 * until the household feed names the patient.
 */
async function route(
  payload: { patientResidentId: string; claimId: string },
  ctx: HandlerContext,
): Promise<void> {
  const { client, envelope } = ctx;
  await lockPeople(client, [payload.patientResidentId]);
  const headers = {
    ce_id: envelope.id,
    ce_source: envelope.source,
    ce_type: envelope.type,
    ce_specversion: envelope.specversion,
    ce_time: envelope.time,
    'content-type': envelope.datacontenttype,
    ...(envelope.traceparent ? { traceparent: envelope.traceparent } : {}),
  };
  const householdId = await householdOf(client, payload.patientResidentId);
  if (!householdId) {
    await client.query(
      'insert into parked_claims (claim_id, event_type, patient_resident_id, headers, payload) values ($1, $2, $3, $4, $5)',
      [
        payload.claimId,
        envelope.type,
        payload.patientResidentId,
        JSON.stringify(headers),
        JSON.stringify(payload),
      ],
    );
    ctx.log.info({ claimId: payload.claimId }, 'claim parked until its patient is known');
    return;
  }
  await appendToOutbox(client, {
    id: randomUUID(),
    topic: CLAIMS_BY_HOUSEHOLD.name,
    key: householdId,
    type: envelope.type,
    headers,
    payload,
  });
}

export const routerHandlers: EventHandler[] = [
  on(MedicalExpenseRecorded, route),
  on(MedicalExpenseCorrected, route),
  on(MedicalExpenseReversed, route),
];

/** The join: claims by household update the window and re-assess the household. */
export function joinHandlers(now: () => Date): EventHandler[] {
  const topic = CLAIMS_BY_HOUSEHOLD.name;
  const upsert = async (claim: MedicalExpenseRecorded, ctx: HandlerContext) => {
    const householdId = ctx.key ?? '';
    // A correction replaces the claim's figures; a late, older settlement changes nothing.
    await ctx.client.query(
      `insert into claims (claim_id, household_id, patient_resident_id, date_of_care, total_cost_fen, insurance_paid_fen,
                           medical_assistance_paid_fen, inpatient, diagnosis_category, business_date)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       on conflict (claim_id) do update
         set household_id = excluded.household_id, date_of_care = excluded.date_of_care,
             total_cost_fen = excluded.total_cost_fen, insurance_paid_fen = excluded.insurance_paid_fen,
             medical_assistance_paid_fen = excluded.medical_assistance_paid_fen, inpatient = excluded.inpatient,
             diagnosis_category = excluded.diagnosis_category, business_date = excluded.business_date
       where claims.business_date <= excluded.business_date and not claims.reversed`,
      [
        claim.claimId,
        householdId,
        claim.patientResidentId,
        claim.dateOfCare,
        claim.totalCostFen,
        claim.insurancePaidFen,
        claim.medicalAssistancePaidFen,
        claim.inpatient,
        claim.diagnosisCategory,
        claim.businessDate,
      ],
    );
    await reassess(ctx.client, householdId, now());
  };
  return [
    on(MedicalExpenseRecorded, upsert, { topic }),
    on(MedicalExpenseCorrected, (claim, ctx) => upsert(claim, ctx), { topic }),
    on(
      MedicalExpenseReversed,
      async (reversal, ctx) => {
        // Reversed before it arrived is still reversed: keep a tombstone so a late recording can't revive it.
        await ctx.client.query(
          `insert into claims (claim_id, household_id, patient_resident_id, date_of_care, total_cost_fen, insurance_paid_fen,
                               medical_assistance_paid_fen, inpatient, diagnosis_category, business_date, reversed)
           values ($1, $2, $3, $4, 0, 0, 0, false, 'other', $4, true)
           on conflict (claim_id) do update set reversed = true`,
          [reversal.claimId, ctx.key ?? '', reversal.patientResidentId, reversal.businessDate],
        );
        await reassess(ctx.client, ctx.key ?? '', now(), 'claim-reversed');
      },
      { topic },
    ),
  ];
}
