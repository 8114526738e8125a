import { randomUUID } from 'node:crypto';
import type { Logger } from '@huimin/kit';
import { type JobHandler, purgeDoneJobs, type Queryable, schedule } from '@huimin/pg';
import type pg from 'pg';
import type { AlertEvent } from './domain/notice.ts';
import {
  type AlertFacts,
  digestMessage,
  escalationMessage,
  newAlertMessage,
  priorityRaisedMessage,
  type RobotMessage,
} from './domain/robot-message.ts';
import { robotRequest } from './domain/robot-payload.ts';
import { nextShanghaiTime, shanghaiDate, shanghaiInstant } from './domain/shanghai-time.ts';
import type { NotifyMetrics } from './metrics.ts';
import { type AlertView, communityDigest } from './store/alerts-store.ts';
import { purgeLog } from './store/delivery-log.ts';
import {
  communitiesWithRobots,
  insertRobotMessage,
  lockRobotMessage,
  type RobotMessageRecord,
  recordAttempt,
  robotsOf,
} from './store/robots-store.ts';

export interface RobotSettings {
  consoleUrl: string;
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
  /** HH:MM, Asia/Shanghai. */
  digestAt: string;
  logRetentionHours: number;
}

export const jobKinds = {
  send: 'robot-send',
  digest: 'robot-digest',
  purge: 'delivery-log-purge',
} as const;

const PURGE_EVERY_MS = 3600_000;
const hourSlot = (at: Date) => new Date(Math.floor(at.getTime() / PURGE_EVERY_MS) * PURGE_EVERY_MS);

/**
 * Group robots: the messages an alert event queues for its community's robots, and the scheduled
 * jobs that send them. Every attempt is a scheduler firing (`robot-send`, keyed by message and
 * attempt number), so a restart neither loses a message nor sends a delivered one again; a
 * failed attempt schedules the next one with exponential backoff until `maxAttempts`, then the
 * message is marked given up. An attempt whose process dies between the webhook's answer and the
 * commit is sent again (at-least-once, as for any HTTP effect of a scheduled job).
 */
export function createRobotDelivery(deps: {
  settings: RobotSettings;
  metrics: NotifyMetrics;
  logger: Logger;
  now: () => Date;
  newId?: () => string;
}) {
  const { settings, metrics, now } = deps;
  const newId = deps.newId ?? randomUUID;
  const log = deps.logger.child({ component: 'robots' });

  async function queue(
    client: Queryable,
    communityCode: string,
    kind: RobotMessageRecord['kind'],
    about: string,
    message: RobotMessage,
  ): Promise<number> {
    let queued = 0;
    for (const robot of await robotsOf(client, communityCode)) {
      const id = newId();
      const created = await insertRobotMessage(client, {
        id,
        robotId: robot.id,
        communityCode,
        kind,
        about,
        title: message.title,
        markdown: message.markdown,
        createdAt: now(),
      });
      if (!created) continue;
      await schedule(client, {
        kind: jobKinds.send,
        key: `${id}:1`,
        dueAt: now(),
        payload: { messageId: id },
      });
      queued++;
    }
    return queued;
  }

  /** Called in the consumer's transaction: what the event says to the community's group, if anything. */
  async function onAlertEvent(
    client: Queryable,
    event: AlertEvent,
    eventId: string,
    alert: AlertView,
  ): Promise<void> {
    const facts: AlertFacts = {
      alertId: alert.alertId,
      communityCode: alert.communityCode,
      title: alert.title,
      priority: alert.priority,
      acknowledgeDueAt: alert.acknowledgeDueAt,
      visitDueAt: alert.visitDueAt,
    };
    switch (event.name) {
      case 'AlertOpened':
        await queue(
          client,
          alert.communityCode,
          'alert',
          eventId,
          newAlertMessage(facts, settings.consoleUrl),
        );
        return;
      case 'AlertEvidenceAdded':
        // Only a rise in priority is news to the group; more evidence at the same level is not.
        if (event.payload.priority < event.payload.previousPriority) {
          await queue(
            client,
            alert.communityCode,
            'alert',
            eventId,
            priorityRaisedMessage(facts, event.payload.previousPriority, settings.consoleUrl),
          );
        }
        return;
      case 'AlertSlaBreached':
        await queue(
          client,
          alert.communityCode,
          'escalation',
          eventId,
          escalationMessage(
            facts,
            { clock: event.payload.clock, dueAt: new Date(event.payload.dueAt) },
            settings.consoleUrl,
          ),
        );
        return;
      default:
        return;
    }
  }

  async function post(url: string, body: string): Promise<{ ok: true } | { ok: false; error: string }> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      const text = await response.text();
      if (!response.ok) return { ok: false, error: `HTTP ${response.status}` };
      // Both platforms answer 200 with { errcode, errmsg }; errcode 0 is success.
      let answer: { errcode?: unknown; errmsg?: unknown } = {};
      try {
        answer = JSON.parse(text) as typeof answer;
      } catch {
        return { ok: false, error: 'answer is not JSON' };
      }
      if (answer.errcode !== 0) {
        return {
          ok: false,
          error: `errcode ${String(answer.errcode)}: ${String(answer.errmsg ?? '').slice(0, 200)}`,
        };
      }
      return { ok: true };
    } catch (err: unknown) {
      // Never the URL: it carries the robot's key. Only what went wrong.
      const e = err as { name?: string; cause?: { code?: string } };
      if (e.name === 'TimeoutError') return { ok: false, error: `timed out after ${settings.timeoutMs} ms` };
      return { ok: false, error: e.cause?.code ?? e.name ?? 'request failed' };
    }
  }

  const backoff = (attempts: number) =>
    Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** Math.max(0, attempts - 1));

  const send: JobHandler = async (job, client) => {
    const { messageId } = job.payload as { messageId: string };
    const found = await lockRobotMessage(client, messageId);
    if (found?.message.status !== 'pending') return;
    const { message, robot } = found;
    const attempt = message.attempts + 1;
    const at = now();
    const { url, body } = robotRequest(robot, message, at);
    const result = await post(url, body);
    if (result.ok) {
      await recordAttempt(client, message.id, { status: 'delivered', error: null, at: now() });
      metrics.robotDeliveries.inc({ platform: robot.platform, outcome: 'delivered' });
      log.info({ robotId: robot.id, messageId: message.id, attempt }, 'robot message delivered');
      return;
    }
    const givingUp = attempt >= settings.maxAttempts;
    metrics.robotFailures.inc({ platform: robot.platform, outcome: givingUp ? 'gave-up' : 'retry' });
    if (givingUp) metrics.robotDeliveries.inc({ platform: robot.platform, outcome: 'gave-up' });
    await recordAttempt(client, message.id, {
      status: givingUp ? 'given-up' : 'pending',
      error: result.error,
      at: now(),
    });
    log.warn(
      { robotId: robot.id, messageId: message.id, platform: robot.platform, attempt, error: result.error },
      givingUp ? 'robot message given up' : 'robot message failed; will retry',
    );
    if (!givingUp) {
      await schedule(client, {
        kind: jobKinds.send,
        key: `${message.id}:${attempt + 1}`,
        dueAt: new Date(now().getTime() + backoff(attempt)),
        payload: { messageId: message.id },
      });
    }
  };

  const digest: JobHandler = async (job, client) => {
    const date = job.key;
    const at = now();
    for (const community of await communitiesWithRobots(client)) {
      const facts = await communityDigest(client, community, at);
      if (facts.open === 0) continue; // a quiet day sends nothing
      await queue(
        client,
        community,
        'digest',
        `digest:${date}`,
        digestMessage({ communityCode: community, date, ...facts }, settings.consoleUrl),
      );
    }
    // The day after this digest's date; a digest run very late (replicas down for days) skips to
    // the next one still ahead rather than sending a burst of stale ones.
    const dayAfter = shanghaiDate(new Date(shanghaiInstant(date, '12:00').getTime() + 86_400_000));
    const followingAt = shanghaiInstant(dayAfter, settings.digestAt);
    const next =
      followingAt > at ? { date: dayAfter, at: followingAt } : nextShanghaiTime(at, settings.digestAt);
    await schedule(client, { kind: jobKinds.digest, key: next.date, dueAt: next.at });
  };

  const purge: JobHandler = async (job, client) => {
    const at = now();
    const removed = await purgeLog(client, new Date(at.getTime() - settings.logRetentionHours * 3600_000));
    await purgeDoneJobs(client, { doneBefore: new Date(at.getTime() - 7 * 86_400_000) });
    if (removed > 0) log.info({ removed }, 'delivery log purged');
    const nextAt = hourSlot(new Date(Math.max(job.dueAt.getTime(), at.getTime()) + PURGE_EVERY_MS));
    await schedule(client, { kind: jobKinds.purge, key: nextAt.toISOString(), dueAt: nextAt });
  };

  return {
    onAlertEvent,
    handlers: { [jobKinds.send]: send, [jobKinds.digest]: digest, [jobKinds.purge]: purge } as Record<
      string,
      JobHandler
    >,
    /** Makes sure the next digest and a purge are scheduled (idempotent; run at every start). */
    async arm(pool: pg.Pool): Promise<void> {
      const next = nextShanghaiTime(now(), settings.digestAt);
      await schedule(pool, { kind: jobKinds.digest, key: next.date, dueAt: next.at });
      const { rows } = await pool.query(
        'select 1 from scheduled_jobs where kind = $1 and done_at is null limit 1',
        [jobKinds.purge],
      );
      if (rows.length === 0) {
        // Keyed by the hour, so replicas starting together arm one purge, not one each.
        const at = hourSlot(now());
        await schedule(pool, { kind: jobKinds.purge, key: at.toISOString(), dueAt: at });
      }
    },
  };
}

export type RobotDelivery = ReturnType<typeof createRobotDelivery>;
