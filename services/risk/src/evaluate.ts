import { randomUUID } from 'node:crypto';
import { PolicyVersionPublished, RiskCleared, RiskFlagged, shanghaiDateOf } from '@huimin/contracts';
import { appendEvent } from '@huimin/kafka';
import type pg from 'pg';
import { changesOf, levelAfter } from './domain/transitions.ts';
import { assess, type RiskPolicy } from './domain/yardsticks.ts';
import { factsOf, lockStoredRisk, policyOn, saveStoredRisk, windowClaims } from './store/risk-store.ts';

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

/**
 * Re-assesses one household inside the caller's transaction and appends what changed
 * (RiskFlagged / RiskCleared) to the outbox. Idempotent: the same facts give no new event.
 */
export async function reassess(
  client: pg.ClientBase,
  householdId: string,
  now: Date,
  cause?: 'claim-reversed' | 'income-updated',
): Promise<void> {
  const stored = await lockStoredRisk(client, householdId);
  const facts = await factsOf(client, householdId);
  if (!facts) return;
  const asOf = shanghaiDateOf(now);
  const policy = (await policyOn(client, asOf)) ?? seedPolicy;
  const assessment = assess({
    claims: facts.dissolved ? [] : await windowClaims(client, householdId),
    annualIncomeFen: facts.annualIncomeFen,
    householdSize: facts.size,
    policy,
    asOf,
  });
  let flagId = stored.flagId;
  let majorIllnessFlagId: string | undefined;
  for (const change of changesOf(stored, assessment)) {
    if (change.kind === 'clear') {
      await appendEvent(
        client,
        RiskCleared,
        {
          flagId: stored.flagId ?? `RF-${randomUUID()}`,
          householdId,
          communityCode: facts.communityCode,
          level: change.level,
          asOfDate: asOf,
          reason: facts.dissolved ? 'household-dissolved' : (cause ?? change.reason),
          outOfPocketFen: assessment.outOfPocketFen,
          clearedAt: now.toISOString(),
        },
        { source: SOURCE, subject: householdId },
      );
      flagId = null;
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
    await appendEvent(
      client,
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
      { source: SOURCE, subject: householdId },
    );
  }
  await saveStoredRisk(client, householdId, {
    level: levelAfter(stored, assessment),
    flagId,
    ...(majorIllnessFlagId ? { majorIllnessFlagId } : {}),
    assessment: { ...assessment, policyVersion: policy.policyVersion },
    at: now,
  });
}
