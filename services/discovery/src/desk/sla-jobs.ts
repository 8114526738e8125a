import { AlertSlaBreached } from '@huimin/contracts';
import { cancel, type JobHandler } from '@huimin/pg';
import type pg from 'pg';
import type { Counter } from 'prom-client';
import type { RosterSource } from '../roster.ts';
import { type AlertRow, addHistory, findAlert, saveAlert } from '../store/alert-store.ts';
import { eventWriter, JOB_ACKNOWLEDGE, JOB_VISIT, routingOf, SYSTEM } from './common.ts';

/** Cancels the clocks an alert's new status no longer runs. */
export async function stopTimers(client: pg.ClientBase, a: AlertRow) {
  if (a.status !== 'open') await cancel(client, JOB_ACKNOWLEDGE, a.id);
  if (a.status !== 'open' && a.status !== 'acknowledged') await cancel(client, JOB_VISIT, a.id);
}

/** Escalation when a clock runs out: exactly once per clock (the job is unique per alert and clock). */
export function breachJob(
  clock: 'acknowledge' | 'visit',
  options: { roster: RosterSource; now: () => Date; breaches: Counter<'town' | 'clock' | 'priority'> },
): JobHandler {
  const { roster, now, breaches } = options;
  const event = eventWriter(now);
  return async (job, client) => {
    const alert = await findAlert(client, job.key, { forUpdate: true });
    if (!alert) return;
    const running =
      clock === 'acknowledge'
        ? alert.status === 'open'
        : alert.status === 'open' || alert.status === 'acknowledged';
    const due = clock === 'acknowledge' ? alert.acknowledgeDueAt : alert.visitDueAt;
    const already = clock === 'acknowledge' ? alert.acknowledgeBreachedAt : alert.visitBreachedAt;
    if (!running || already || due > now()) return;
    // Throws RosterUnavailable while identity is down: the scheduler retries the firing.
    const r = await roster.roster(alert.communityCode);
    const at = now();
    if (clock === 'acknowledge') alert.acknowledgeBreachedAt = at;
    else alert.visitBreachedAt = at;
    alert.updatedAt = at;
    await saveAlert(client, alert);
    await addHistory(client, {
      alertId: alert.id,
      at,
      actor: SYSTEM,
      action: 'sla-breached',
      detail: { clock, dueAt: due.toISOString(), escalatedTo: r.supervisors },
    });
    await event(client, AlertSlaBreached, {
      ...routingOf(alert),
      priority: alert.priority,
      clock,
      dueAt: due.toISOString(),
      escalatedTo: {
        role: 'town-supervisor',
        townCode: alert.townCode,
        userIds: r.supervisors.slice(0, 20),
      },
      escalatedAt: at.toISOString(),
    });
    breaches.inc({ town: alert.townCode, clock, priority: alert.priority });
  };
}
