import { randomUUID } from 'node:crypto';
import { EligibilityDecided, PolicyVersionPublished, shanghaiDateOf } from '@huimin/contracts';
import { appendEvent } from '@huimin/kafka';
import type pg from 'pg';
import { type Decision, decide } from './domain/decide.ts';
import { type Policy, policyOn } from './domain/policy.ts';
import { armPolicySwitch } from './policy-switch.ts';
import { loadFacts, loadPolicies } from './store/facts.ts';

export const SOURCE = '/huimin/eligibility';

/** What a change is judged on: each programme's status and amount. */
function summaryOf(decision: Decision): Record<string, string> {
  return Object.fromEntries(
    decision.programmes.map((p) => [p.programme, `${p.status}:${p.monthlyAmountFen}`]),
  );
}

// Compared by entries: jsonb does not keep the key order the summary was written in.
function sameSummary(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(b);
  return Object.keys(a).length === keys.length && keys.every((key) => a[key] === b[key]);
}

/**
 * Re-decides a household inside the caller's transaction. A decision is recorded, and
 * `EligibilityDecided` appended to the outbox, only when some programme's status or amount
 * changed: re-deciding on the same facts is a no-op.
 */
export async function redecide(
  client: pg.ClientBase,
  householdId: string,
  now: Date,
  trigger: string,
): Promise<boolean> {
  // Serialise re-decisions of one household (two feeds may change it at once).
  await client.query(`select pg_advisory_xact_lock(hashtextextended('eligibility:household:' || $1, 0))`, [
    householdId,
  ]);
  const known = await loadFacts(client, householdId);
  if (!known) return false;
  const asOf = shanghaiDateOf(now);
  const policy = policyOn(await loadPolicies(client), asOf);
  if (!policy) return false;
  const decision = decide(known.facts, policy, asOf);
  const summary = summaryOf(decision);
  const { rows } = await client.query<{ summary: Record<string, string> }>(
    'select summary from current_decisions where household_id = $1',
    [householdId],
  );
  if (rows[0] && sameSummary(rows[0].summary, summary)) return false;

  const decisionId = `ED-${randomUUID()}`;
  await client.query(
    `insert into decisions (decision_id, household_id, policy_version, as_of, trigger, decision, decided_at)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [decisionId, householdId, policy.policyVersion, asOf, trigger, JSON.stringify(decision), now],
  );
  await client.query(
    `insert into current_decisions (household_id, decision_id, summary) values ($1, $2, $3)
     on conflict (household_id) do update set decision_id = excluded.decision_id, summary = excluded.summary`,
    [householdId, decisionId, JSON.stringify(summary)],
  );
  // The event carries the four screening programmes of its contract; the disability subsidies are
  // in the decision record and the HTTP explanation.
  const published = decision.programmes.filter((p) =>
    ['dibao', 'edge', 'tekun', 'hardship'].includes(p.programme),
  );
  await appendEvent(
    client,
    EligibilityDecided,
    {
      decisionId,
      householdId,
      communityCode: known.communityCode,
      asOfDate: asOf,
      policyVersion: policy.policyVersion,
      householdSize: decision.householdSize,
      householdMonthlyIncomeFen: decision.householdMonthlyIncomeFen,
      perCapitaMonthlyIncomeFen: decision.perCapitaMonthlyIncomeFen,
      programmes: published.map((p) => ({
        programme: p.programme as 'dibao' | 'edge' | 'tekun' | 'hardship',
        eligible: p.status === 'eligible',
        ...(p.programme === 'dibao' && p.status === 'eligible'
          ? { monthlyBenefitFen: p.monthlyAmountFen }
          : {}),
        ...(p.programme === 'tekun' ? { memberResidentIds: p.memberResidentIds ?? [] } : {}),
        reasons: p.checks
          .filter((c) => c.passed === (p.status === 'eligible'))
          .map((c) => c.code)
          .slice(0, 20),
      })),
      decidedAt: now.toISOString(),
    },
    { source: SOURCE, subject: householdId },
  );
  return true;
}

/** Stores a policy version and announces it on the policy topic, once per version. */
export async function publishPolicy(client: pg.ClientBase, policy: Policy, now: Date): Promise<boolean> {
  const inserted = await client.query(
    `insert into policies (policy_version, effective_from, figures) values ($1, $2, $3) on conflict do nothing`,
    [policy.policyVersion, policy.effectiveFrom, JSON.stringify(policy)],
  );
  if (inserted.rowCount === 0) return false;
  await armPolicySwitch(client, policy);
  await appendEvent(
    client,
    PolicyVersionPublished,
    {
      ...policy,
      assumed: policy.assumed as PolicyVersionPublished['assumed'],
      publishedAt: now.toISOString(),
    },
    { source: SOURCE },
  );
  return true;
}
