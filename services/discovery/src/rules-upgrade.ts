import { withTransaction } from '@huimin/pg';
import type pg from 'pg';
import { type RuleSet, withRulesForNewSignals } from './domain/rules.ts';
import { addPolicyVersion, currentPolicy } from './store/policy-store.ts';

/**
 * When discovery learns signals the current rules version has no rule for (a schema seeded by an
 * older release), it appends the next version with their default rules. Versions are never
 * edited: alerts keep naming the version they were judged by. Serialised with every other writer
 * of rules (the same advisory lock), so two replicas starting at once append one version.
 */
export async function appendRulesForNewSignals(pool: pg.Pool, at: Date): Promise<number | undefined> {
  return withTransaction(pool, async (client) => {
    await client.query('select pg_advisory_xact_lock(hashtext($1))', ['discovery-policy-rules']);
    const current = await currentPolicy<RuleSet>(client, 'rules');
    if (!current) return undefined;
    const next = withRulesForNewSignals(current.body);
    if (!next) return undefined;
    return addPolicyVersion(
      client,
      'rules',
      next.set,
      'system',
      `default rules for new signals: ${next.added.join(', ')}`,
      at,
    );
  });
}
