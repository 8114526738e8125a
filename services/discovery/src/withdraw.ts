import { AlertCauseWithdrawn } from '@huimin/contracts';
import { appendEvent } from '@huimin/kafka';
import { cancel } from '@huimin/pg';
import type pg from 'pg';
import { JOB_ACKNOWLEDGE, JOB_VISIT } from './alert-desk.ts';
import { type AlertRow, addHistory, adjustLoad, findLiveAlertsOf, saveAlert } from './store/alert-store.ts';

const SOURCE = '/huimin/discovery';
const SYSTEM = 'system';

/** The cause of some reasons went away upstream: which causes, and how to say it in Chinese. */
export interface Withdrawal {
  subjectKey: string;
  withdrawn: (cause: string) => boolean;
  summary: (causes: string[]) => string;
  sourceEventId: string;
}

/**
 * Withdraws reasons whose cause went away, in the caller's transaction (the consumer's, with its
 * inbox row). A live alert nobody has acknowledged closes itself — outcome `cause-withdrawn`, the
 * reason in Chinese — once none of its reasons is left; a reason without a cause (a person's own
 * account, a department's report) never withdraws, so such an alert stays. An acknowledged or
 * visiting alert stays open for its handler: the change goes into its history and out as
 * `AlertCauseWithdrawn` for the console. Returns the alerts changed.
 */
export function createWithdrawals(options: { now: () => Date }) {
  return async function withdraw(client: pg.ClientBase, w: Withdrawal): Promise<AlertRow[]> {
    const changed: AlertRow[] = [];
    for (const alert of await findLiveAlertsOf(client, w.subjectKey)) {
      const hit = alert.reasons.filter((r) => r.cause && !r.withdrawnAt && w.withdrawn(r.cause));
      if (hit.length === 0) continue;
      const at = options.now();
      for (const r of hit) r.withdrawnAt = at.toISOString();
      const remaining = alert.reasons.filter((r) => !r.withdrawnAt);
      const closed = alert.status === 'open' && remaining.length === 0;
      const summary = `${w.summary([...new Set(hit.map((r) => r.cause as string))])}${
        closed
          ? '，预警原因已全部撤销，自动关闭'
          : remaining.length === 0
            ? '，预警原因已全部撤销，请核实后办结'
            : ''
      }`.slice(0, 200);
      alert.updatedAt = at;
      if (closed) {
        alert.status = 'resolved';
        alert.outcome = 'cause-withdrawn';
        alert.closedAt = at;
      }
      await saveAlert(client, alert);
      if (closed) {
        await adjustLoad(client, alert.assigneeUserId, -1);
        await cancel(client, JOB_ACKNOWLEDGE, alert.id);
        await cancel(client, JOB_VISIT, alert.id);
      }
      await addHistory(client, {
        alertId: alert.id,
        at,
        actor: SYSTEM,
        action: 'cause-withdrawn',
        detail: {
          summary,
          reasons: hit.map((r) => r.code),
          closed,
          remaining: remaining.length,
          sourceEventId: w.sourceEventId,
          ...(closed ? { outcome: 'cause-withdrawn' } : {}),
        },
      });
      await appendEvent(
        client,
        AlertCauseWithdrawn,
        {
          alertId: alert.id,
          communityCode: alert.communityCode,
          townCode: alert.townCode,
          ...(alert.assigneeUserId ? { assigneeUserId: alert.assigneeUserId } : {}),
          withdrawn: hit.slice(0, 20).map((r) => ({ code: r.code, summary: r.summary.slice(0, 200) })),
          summary,
          closed,
          ...(closed ? { outcome: 'cause-withdrawn' as const } : {}),
          by: SYSTEM,
          withdrawnAt: at.toISOString(),
        },
        { source: SOURCE, now: options.now },
      );
      changed.push(alert);
    }
    return changed;
  };
}

export type Withdraw = ReturnType<typeof createWithdrawals>;
