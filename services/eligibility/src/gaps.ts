import { EnrolmentGapsChanged, shanghaiDateOf } from '@huimin/contracts';
import { eventRecord } from '@huimin/kafka';
import type pg from 'pg';
import type { Decision } from './domain/decide.ts';
import { type ActiveEnrolment, type EnrolmentGap, enrolmentGaps, sameGaps } from './domain/enrolment-gaps.ts';
import { appendEventRecords } from './store/outbox.ts';

const SOURCE = '/huimin/eligibility';

/**
 * Compares the households' current decisions with their enrolments in force, inside the caller's
 * transaction; `EnrolmentGapsChanged` goes out only when a household's gaps, or the programmes it receives, differ from the
 * last published ones. Households without a decision yet are left alone.
 */
export async function refreshEnrolmentGaps(
  client: pg.ClientBase,
  householdIds: readonly string[],
  now: Date,
): Promise<number> {
  if (householdIds.length === 0) return 0;
  const ids = [...householdIds];
  const { rows: decided } = await client.query<{
    household_id: string;
    community_code: string;
    decision_id: string;
    decision: Decision;
    dissolved: boolean;
  }>(
    `select h.household_id, h.community_code, d.decision_id, d.decision, h.dissolved
       from households h
       join current_decisions c using (household_id)
       join decisions d on d.decision_id = c.decision_id
      where h.household_id = any($1::text[])`,
    [ids],
  );
  if (decided.length === 0) return 0;
  // The latest change of each enrolment by business date, retracted ones withdrawn; an exit ends it.
  const { rows: enrolled } = await client.query<{
    household_id: string;
    enrolment_id: string;
    programme: ActiveEnrolment['programme'];
    monthly_fen: string;
  }>(
    `select household_id, enrolment_id, programme, monthly_fen from (
       select distinct on (enrolment_id) enrolment_id, household_id, programme, change, monthly_fen
         from enrolment_changes
        where household_id = any($1::text[]) and not retracted and business_date <= $2
        order by enrolment_id, business_date desc
     ) latest where change <> 'exited'`,
    [ids, shanghaiDateOf(now)],
  );
  const { rows: published } = await client.query<{
    household_id: string;
    gaps: EnrolmentGap[];
    receiving: string[];
  }>('select household_id, gaps, receiving from current_gaps where household_id = any($1::text[])', [ids]);
  const before = new Map(published.map((r) => [r.household_id, r]));
  const enrolmentsOf = new Map<string, ActiveEnrolment[]>();
  for (const e of enrolled) {
    const list = enrolmentsOf.get(e.household_id) ?? [];
    list.push({ enrolmentId: e.enrolment_id, programme: e.programme, monthlyFen: Number(e.monthly_fen) });
    enrolmentsOf.set(e.household_id, list);
  }
  const changed: {
    householdId: string;
    gaps: EnrolmentGap[];
    receiving: string[];
    event: EnrolmentGapsChanged;
  }[] = [];
  for (const row of decided) {
    const enrolments = enrolmentsOf.get(row.household_id) ?? [];
    // A household that no longer exists (all members deceased, merged, moved away) qualifies for
    // nothing: whatever is still paid to it is "receiving but no longer eligible".
    const gaps = row.dissolved
      ? enrolments.map(
          (e): EnrolmentGap => ({
            programme: e.programme,
            kind: 'receiving-not-eligible',
            enrolmentId: e.enrolmentId,
            receivingMonthlyFen: e.monthlyFen,
            decidedMonthlyFen: 0,
          }),
        )
      : enrolmentGaps(row.decision, enrolments);
    const receiving = [...new Set(enrolments.map((e) => e.programme))].sort();
    const last = before.get(row.household_id);
    // No gaps and nothing paid, ever, is not news; a gap closing, or a payment starting or ending, is.
    if (sameGaps(last?.gaps ?? [], gaps) && (last?.receiving ?? []).join() === receiving.join()) continue;
    changed.push({
      householdId: row.household_id,
      gaps,
      receiving,
      event: {
        householdId: row.household_id,
        communityCode: row.community_code,
        asOfDate: row.decision.asOf,
        decisionId: row.decision_id,
        gaps,
        receiving: receiving as EnrolmentGapsChanged['receiving'],
        detectedAt: now.toISOString(),
      },
    });
  }
  if (changed.length === 0) return 0;
  await client.query(
    `insert into current_gaps (household_id, gaps, receiving)
     select g.household_id, g.gaps, g.receiving
       from jsonb_to_recordset($1::jsonb) as g(household_id text, gaps jsonb, receiving jsonb)
     on conflict (household_id) do update set gaps = excluded.gaps, receiving = excluded.receiving`,
    [
      JSON.stringify(
        changed.map((c) => ({ household_id: c.householdId, gaps: c.gaps, receiving: c.receiving })),
      ),
    ],
  );
  await appendEventRecords(
    client,
    changed.map((c) =>
      eventRecord(EnrolmentGapsChanged, c.event, { source: SOURCE, subject: c.householdId }),
    ),
  );
  return changed.length;
}
