import { randomUUID } from 'node:crypto';
import { EligibilityDecided, PolicyVersionPublished, shanghaiDateOf } from '@huimin/contracts';
import { appendEvent, eventRecord } from '@huimin/kafka';
import type pg from 'pg';
import { type Decision, decide } from './domain/decide.ts';
import { type Policy, policyOn } from './domain/policy.ts';
import { refreshEnrolmentGaps } from './gaps.ts';
import { armPolicySwitch } from './policy-switch.ts';
import { loadFactsMany, loadPolicies } from './store/facts.ts';
import { appendEventRecords } from './store/outbox.ts';

export const SOURCE = '/huimin/eligibility';

/** What a change is judged on: each programme's status and amount. */
function summaryOf(decision: Decision): Record<string, string> {
  return Object.fromEntries(
    // What a needs-review waits for is part of it: the data-missing alert names it.
    decision.programmes.map((p) => [
      p.programme,
      `${p.status}:${p.monthlyAmountFen}${p.missing?.length ? `:${p.missing.join('+')}` : ''}`,
    ]),
  );
}

// Compared by entries: jsonb does not keep the key order the summary was written in.
function sameSummary(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(b);
  return Object.keys(a).length === keys.length && keys.every((key) => a[key] === b[key]);
}

function decidedEvent(
  decision: Decision,
  decisionId: string,
  communityCode: string,
  now: Date,
): EligibilityDecided {
  // The event carries the four screening programmes of its contract; the disability subsidies are
  // in the decision record, the HTTP explanation and gRPC.
  const published = decision.programmes.filter((p) =>
    ['dibao', 'edge', 'tekun', 'hardship'].includes(p.programme),
  );
  return {
    decisionId,
    householdId: decision.householdId,
    communityCode,
    asOfDate: decision.asOf,
    policyVersion: decision.policyVersion,
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
      status: p.status,
      ...(p.missing?.length ? { missing: p.missing } : {}),
      reasons: p.checks
        .filter((c) => c.passed === (p.status === 'eligible'))
        .map((c) => c.code)
        .slice(0, 20),
    })),
    decidedAt: now.toISOString(),
  };
}

/**
 * Re-decides households inside the caller's transaction, in bulk (a handful of statements for
 * any number of households). A decision is recorded, and `EligibilityDecided` appended to the
 * outbox, only when some programme's status or amount changed: re-deciding on the same facts is a
 * no-op. Returns the ids of the households whose decision changed.
 */
export async function redecideMany(
  client: pg.ClientBase,
  householdIds: readonly string[],
  now: Date,
  trigger: string,
  policies?: readonly Policy[],
): Promise<string[]> {
  if (householdIds.length === 0) return [];
  const ids = [...new Set(householdIds)].sort();
  // Serialise re-decisions of one household (two feeds, or a feed and a policy switch, may change
  // it at once); always in id order so two bulk runs cannot deadlock each other.
  await client.query(
    `select pg_advisory_xact_lock(hashtextextended('eligibility:household:' || id, 0))
       from unnest($1::text[]) as id order by id`,
    [ids],
  );
  const asOf = shanghaiDateOf(now);
  const policy = policyOn(policies ?? (await loadPolicies(client)), asOf);
  if (!policy) return [];
  const known = await loadFactsMany(client, ids, asOf);
  const { rows: current } = await client.query<{ household_id: string; summary: Record<string, string> }>(
    'select household_id, summary from current_decisions where household_id = any($1::text[])',
    [ids],
  );
  const previous = new Map(current.map((r) => [r.household_id, r.summary]));

  const changed: {
    decisionId: string;
    decision: Decision;
    summary: Record<string, string>;
    communityCode: string;
  }[] = [];
  for (const { facts, communityCode } of known) {
    const decision = decide(facts, policy, asOf);
    const summary = summaryOf(decision);
    const before = previous.get(facts.householdId);
    if (before && sameSummary(before, summary)) continue;
    changed.push({ decisionId: `ED-${randomUUID()}`, decision, summary, communityCode });
  }
  if (changed.length === 0) return [];

  // Each statement takes its rows as one JSON array: one parameter, no per-element escaping.
  await client.query(
    `insert into decisions (decision_id, household_id, policy_version, as_of, trigger, decision, decided_at)
     select d.id, d.household_id, $2, $3, $4, d.decision, $5
       from jsonb_to_recordset($1::jsonb) as d(id text, household_id text, decision jsonb)`,
    [
      JSON.stringify(
        changed.map((c) => ({
          id: c.decisionId,
          household_id: c.decision.householdId,
          decision: c.decision,
        })),
      ),
      policy.policyVersion,
      asOf,
      trigger,
      now,
    ],
  );
  await client.query(
    `insert into current_decisions (household_id, decision_id, summary)
     select d.household_id, d.id, d.summary from jsonb_to_recordset($1::jsonb) as d(household_id text, id text, summary jsonb)
     on conflict (household_id) do update set decision_id = excluded.decision_id, summary = excluded.summary`,
    [
      JSON.stringify(
        changed.map((c) => ({ household_id: c.decision.householdId, id: c.decisionId, summary: c.summary })),
      ),
    ],
  );
  await appendEventRecords(
    client,
    changed.map((c) =>
      eventRecord(EligibilityDecided, decidedEvent(c.decision, c.decisionId, c.communityCode, now), {
        source: SOURCE,
        subject: c.decision.householdId,
      }),
    ),
  );
  // A changed screening may open or close a gap with what the assistance system pays.
  await refreshEnrolmentGaps(
    client,
    changed.map((c) => c.decision.householdId),
    now,
  );
  return changed.map((c) => c.decision.householdId);
}

/** Re-decides one household inside the caller's transaction; true when its decision changed. */
export async function redecide(
  client: pg.ClientBase,
  householdId: string,
  now: Date,
  trigger: string,
): Promise<boolean> {
  return (await redecideMany(client, [householdId], now, trigger)).length > 0;
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
