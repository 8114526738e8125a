import { type JobHandler, schedule } from '@huimin/pg';
import type pg from 'pg';
import type { Policy } from './domain/policy.ts';
import { redecide } from './redecide.ts';

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
 * decisions are published. Households are read in pages; the whole run commits in one transaction
 * with the job's completion, so a crash rolls it back and the scheduler runs it again, and replicas
 * never run it twice.
 */
export function policySwitchHandler(now: () => Date): JobHandler {
  return async (job, client) => {
    let after = '';
    for (;;) {
      const { rows } = await client.query<{ household_id: string }>(
        'select household_id from households where household_id > $1 and not dissolved order by household_id limit $2',
        [after, PAGE],
      );
      for (const { household_id } of rows) await redecide(client, household_id, now(), `policy ${job.key}`);
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]?.household_id ?? after;
    }
  };
}
