import type { JobHandler } from '@huimin/pg';
import type { AlertDesk } from './alert-desk.ts';
import { dataMissingOf } from './store/cause-store.ts';

export const JOB_DATA_MISSING = 'data-missing';

/** 72 hours: a household registered today whose income arrives tomorrow is nobody's case. */
export const DEFAULT_DATA_MISSING_GRACE_MS = 72 * 3_600_000;

/**
 * A household eligibility could not decide for want of a fact becomes a signal only when the
 * fact is still missing after the grace period (keys `<household id>#<decision id>`); the rules
 * decide what the signal is worth (a low-priority 数据缺失待核实 alert by default, merged per
 * household). A fact that arrived meanwhile left nothing to fire on.
 */
export function dataMissingJob(desk: AlertDesk): JobHandler {
  return async (job, client) => {
    const [householdId = job.key, decisionId = ''] = job.key.split('#');
    const missing = await dataMissingOf(client, householdId);
    if (!missing) return;
    await desk.handleSignal(client, {
      eventId: `data-missing#${householdId}#${decisionId}`,
      eventType: 'data-missing',
      code: 'eligibility.needs-review',
      householdId,
      communityCode: missing.communityCode,
      reasons: [missing.reason],
      raisedAt: missing.since,
    });
  };
}
