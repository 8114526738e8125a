import { type JobHandler, schedule, withTransaction } from '@huimin/pg';
import type pg from 'pg';
import type { Policy } from './domain/policy.ts';
import { redecideMany } from './redecide.ts';
import { loadPolicies } from './store/facts.ts';

export const POLICY_SWITCH = 'eligibility.policy-switch';
const PAGE = 500;

/** 00:00 Asia/Shanghai on a calendar date, as an instant (16:00 UTC the day before). */
export function shanghaiMidnight(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) - 8 * 3_600_000);
}

/** Arms the re-decision of every household for the moment a version takes effect. */
export async function armPolicySwitch(db: pg.Pool | pg.ClientBase, policy: Policy): Promise<void> {
  await schedule(db, {
    kind: POLICY_SWITCH,
    key: policy.policyVersion,
    dueAt: shanghaiMidnight(policy.effectiveFrom),
  });
}

/**
 * At midnight on a version's effective date every household is re-decided under it; only changed
 * decisions are published. Households go in pages of `pageSize`, each page one transaction of its
 * own (memory and lock time stay bounded however many households there are). A crash part-way
 * leaves the job unfinished, so the scheduler runs it again from the start: pages already done
 * change nothing the second time (a re-decision on the same facts is a no-op), and replicas never
 * run it twice at once (the job's lease).
 */
export function policySwitchHandler(
  pool: pg.Pool,
  now: () => Date,
  options: {
    pageSize?: number;
    concurrency?: number;
    onPage?: (decided: number, changed: number) => void;
  } = {},
): JobHandler {
  const pageSize = options.pageSize ?? PAGE;
  // Two pages in flight: one is decided in Node while Postgres writes the other.
  const concurrency = options.concurrency ?? 2;
  return async (job) => {
    const policies = await loadPolicies(pool);
    let after = '';
    let done = false;
    // Pages are handed out one at a time by key range, so workers never share a household.
    const nextPage = async (): Promise<string[]> => {
      if (done) return [];
      const { rows } = await pool.query<{ household_id: string }>(
        'select household_id from households where household_id > $1 and not dissolved order by household_id limit $2',
        [after, pageSize],
      );
      const ids = rows.map((r) => r.household_id);
      if (ids.length < pageSize) done = true;
      after = ids[ids.length - 1] ?? after;
      return ids;
    };
    let claiming = Promise.resolve<string[]>([]);
    const claim = () => {
      claiming = claiming.then(nextPage);
      return claiming;
    };
    const worker = async () => {
      for (let ids = await claim(); ids.length > 0; ids = await claim()) {
        const changed = await withTransaction(pool, (client) =>
          redecideMany(client, ids, now(), `policy ${job.key}`, policies),
        );
        options.onPage?.(ids.length, changed.length);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
}
