import { randomUUID } from 'node:crypto';
import {
  type EventDefinition,
  PolicyVersionPublished,
  RiskCleared,
  RiskFlagged,
  shanghaiDateOf,
} from '@huimin/contracts';
import { eventRecord } from '@huimin/kafka';
import type { OutboxMessage } from '@huimin/pg';
import type { Static, TObject } from '@sinclair/typebox';
import type pg from 'pg';
import { changesOf, levelAfter } from './domain/transitions.ts';
import { assess, type RiskPolicy, windowStartOf } from './domain/yardsticks.ts';
import {
  appendManyToOutbox,
  factsOf,
  lockStoredRisks,
  policyOn,
  saveStoredRisks,
  type VerdictToSave,
  windowClaims,
} from './store/risk-store.ts';

export const SOURCE = '/huimin/risk';

/** Until eligibility's first policy version arrives, the seed figures the contract's example carries. */
export const seedPolicy: RiskPolicy = {
  policyVersion: PolicyVersionPublished.example.policyVersion,
  dibaoStandardFen: PolicyVersionPublished.example.dibaoStandardFen,
  riskWatchRatioBp: PolicyVersionPublished.example.riskWatchRatioBp,
  riskCatastrophicRatioBp: PolicyVersionPublished.example.riskCatastrophicRatioBp,
  riskCapacityToPayRatioBp: PolicyVersionPublished.example.riskCapacityToPayRatioBp,
  majorIllnessClaimFen: PolicyVersionPublished.example.majorIllnessClaimFen,
};

export type ReassessCause = 'claim-reversed' | 'income-updated';

/**
 * Re-assesses households inside the caller's transaction, each once, and appends what changed
 * (RiskFlagged / RiskCleared) to the outbox. A batch calls it once at its end with every household
 * it touched; a cause names why a clear happened when the batch says so. Idempotent: the same
 * facts give no new event.
 */
export async function reassessMany(
  client: pg.ClientBase,
  households: ReadonlyMap<string, ReassessCause | undefined>,
  now: Date,
): Promise<void> {
  if (households.size === 0) return;
  const ids = [...households.keys()].sort();
  const storedOf = await lockStoredRisks(client, ids);
  const factsById = await factsOf(client, ids);
  const asOf = shanghaiDateOf(now);
  const policy = (await policyOn(client, asOf)) ?? seedPolicy;
  const live = ids.filter((id) => factsById.get(id)?.dissolved === false);
  const claimsById = await windowClaims(client, live, { start: windowStartOf(asOf), end: asOf });
  const events: OutboxMessage[] = [];
  const verdicts: VerdictToSave[] = [];
  const append = <TSchema extends TObject>(
    event: EventDefinition<string, TSchema>,
    payload: Static<TSchema>,
    householdId: string,
  ) => {
    const record = eventRecord(event, payload, { source: SOURCE, subject: householdId });
    events.push({
      id: record.envelope.id,
      topic: record.topic,
      key: record.key,
      type: record.envelope.type,
      headers: record.headers,
      payload: record.payload,
    });
  };
  for (const householdId of ids) {
    const facts = factsById.get(householdId);
    const stored = storedOf.get(householdId);
    if (!facts || !stored) continue;
    const cause = households.get(householdId);
    const assessment = assess({
      claims: facts.dissolved ? [] : (claimsById.get(householdId) ?? []),
      annualIncomeFen: facts.annualIncomeFen,
      householdSize: facts.size,
      policy,
      asOf,
    });
    let flagId = stored.flagId;
    let majorIllnessFlagId: string | undefined;
    let majorIllnessCleared = false;
    for (const change of changesOf(stored, assessment)) {
      if (change.kind === 'clear') {
        const major = change.level === 'major-illness';
        append(
          RiskCleared,
          {
            flagId: (major ? stored.majorIllnessFlagId : stored.flagId) ?? `RF-${randomUUID()}`,
            householdId,
            communityCode: facts.communityCode,
            level: change.level,
            asOfDate: asOf,
            reason: facts.dissolved ? 'household-dissolved' : (cause ?? change.reason),
            outOfPocketFen: assessment.outOfPocketFen,
            clearedAt: now.toISOString(),
          },
          householdId,
        );
        if (major) majorIllnessCleared = true;
        else flagId = null;
        continue;
      }
      const id = `RF-${randomUUID()}`;
      const major = change.level === 'major-illness';
      if (major) majorIllnessFlagId = id;
      else flagId = id;
      const triggering = (major ? assessment.majorIllnessClaimIds : assessment.contributingClaimIds).slice(
        0,
        100,
      );
      const amounts = new Map(assessment.contributingClaims.map((c) => [c.claimId, c]));
      append(
        RiskFlagged,
        {
          flagId: id,
          householdId,
          communityCode: facts.communityCode,
          level: change.level,
          asOfDate: asOf,
          windowStart: assessment.windowStart,
          windowEnd: assessment.windowEnd,
          outOfPocketFen: assessment.outOfPocketFen,
          annualIncomeFen: assessment.annualIncomeFen ?? 0,
          householdSize: assessment.householdSize,
          ...(assessment.outOfPocketShareBp === undefined
            ? {}
            : { outOfPocketShareBp: assessment.outOfPocketShareBp }),
          capacityToPayFen: assessment.capacityToPayFen,
          ...(assessment.perCapitaMonthlyIncomeBeforeFen === undefined
            ? {}
            : {
                perCapitaMonthlyIncomeBeforeFen: assessment.perCapitaMonthlyIncomeBeforeFen,
                perCapitaMonthlyIncomeAfterFen: assessment.perCapitaMonthlyIncomeAfterFen ?? 0,
              }),
          ...(change.level === 'severe' && assessment.severeCause
            ? { severeCause: assessment.severeCause }
            : {}),
          ...(assessment.outOfPocketCapacityShareBp === undefined
            ? {}
            : { outOfPocketCapacityShareBp: assessment.outOfPocketCapacityShareBp }),
          thresholds: {
            watchRatioBp: policy.riskWatchRatioBp,
            catastrophicRatioBp: policy.riskCatastrophicRatioBp,
            capacityToPayRatioBp: policy.riskCapacityToPayRatioBp,
            dibaoStandardFen: policy.dibaoStandardFen,
            majorIllnessClaimFen: policy.majorIllnessClaimFen,
          },
          triggeringClaimIds: triggering,
          contributingClaims: triggering.flatMap((claimId) => {
            const claim = amounts.get(claimId);
            return claim ? [claim] : [];
          }),
          policyVersion: policy.policyVersion,
          flaggedAt: now.toISOString(),
        },
        householdId,
      );
    }
    verdicts.push({
      householdId,
      level: levelAfter(stored, assessment),
      flagId,
      ...(majorIllnessFlagId ? { majorIllnessFlagId } : {}),
      ...(majorIllnessCleared ? { majorIllnessCleared } : {}),
      assessment: { ...assessment, policyVersion: policy.policyVersion },
    });
  }
  await appendManyToOutbox(client, events);
  await saveStoredRisks(client, verdicts, now);
}

/** Re-assesses one household (the daily re-check and single events). */
export function reassess(
  client: pg.ClientBase,
  householdId: string,
  now: Date,
  cause?: ReassessCause,
): Promise<void> {
  return reassessMany(client, new Map([[householdId, cause]]), now);
}
