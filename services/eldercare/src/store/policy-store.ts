import type { Queryable } from '@huimin/pg';
import type { EldercarePolicy } from '../domain/policy.ts';

/** Writes a policy version unless it is there already; true if it was new. */
export async function savePolicy(db: Queryable, policy: EldercarePolicy): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into policy_versions (policy_version, effective_from, rules, assumed)
     values ($1, $2, $3, $4) on conflict do nothing`,
    [policy.policyVersion, policy.effectiveFrom, JSON.stringify(policy.rules), policy.assumed],
  );
  return rowCount === 1;
}

export async function loadPolicies(db: Queryable): Promise<EldercarePolicy[]> {
  const { rows } = await db.query<{
    policy_version: string;
    effective_from: string;
    rules: EldercarePolicy['rules'];
    assumed: string[];
  }>(
    `select policy_version, to_char(effective_from, 'YYYY-MM-DD') as effective_from, rules, assumed
       from policy_versions order by effective_from`,
  );
  return rows.map((r) => ({
    policyVersion: r.policy_version,
    effectiveFrom: r.effective_from,
    rules: r.rules,
    assumed: r.assumed,
  }));
}
