import type { Logger } from '@huimin/kit';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Hub } from './hub.ts';
import { type LogEntry, lastLoggedSeq, logChannel, readLogAfter } from './store/delivery-log.ts';

export interface FanoutOptions {
  /** Scoped to notify's schema. */
  pool: pg.Pool;
  connectionString: string;
  schema: string;
  redisUrl: string;
  hub: Hub;
  logger: Logger;
  /** Poll interval of the publisher when no notification arrives, and of its retries. */
  pollMs?: number;
  /** How often a replica compares its place with the log, repairing anything pub/sub dropped. */
  repairMs?: number;
}

interface WireMessage {
  seq: number;
  /** The seq published just before this one: a replica that has not seen it missed something. */
  prev: number;
  entry: Omit<LogEntry, 'occurredAt'> & { occurredAt: string };
}

const BATCH = 500;

/**
 * Carries the delivery log to every replica's sessions.
 *
 * Publisher (one replica at a time, by a session advisory lock held on a dedicated connection):
 * woken by LISTEN/NOTIFY when a log row commits, reads the rows after `published_upto` in seq
 * order and publishes each to one Redis channel, chained by `prev`, then records where it got to.
 * A crashed leader's lock dies with its connection and another replica takes over from the
 * recorded place (republishing at most a batch, which replicas skip).
 *
 * Subscriber (every replica): dispatches messages to the hub in order. Redis keeps nothing and
 * pub/sub is at-most-once, so Postgres is the truth: a message whose `prev` the replica has not
 * seen, a reconnect to Redis, or a periodic check finding the log ahead makes the replica read
 * the missing rows from the log first. A Redis restart therefore delays delivery, never loses it.
 */
export function createFanout(options: FanoutOptions) {
  const { pool, hub, logger, schema } = options;
  const pollMs = options.pollMs ?? 1000;
  const repairMs = options.repairMs ?? 5000;
  const channel = `huimin:notify:${schema}:log`;
  const log = logger.child({ component: 'fanout' });

  const publisherRedis = new Redis(options.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  });
  const subscriberRedis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
  publisherRedis.on('error', () => {}); // reconnects by itself; failures surface in publish()
  subscriberRedis.on('error', () => {});

  let running = false;
  let leaderClient: pg.Client | undefined;
  let leader = false;
  let wake: (() => void) | undefined;
  let notified = false;
  let publisherLoop: Promise<void> | undefined;
  let repairTimer: NodeJS.Timeout | undefined;

  // --- subscriber: one queue, so catch-up and live messages never interleave out of order
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (task: () => Promise<void>) => {
    queue = queue
      .then(task)
      .catch((err: unknown) => log.warn({ err }, 'fan-out step failed; repair will retry'));
  };

  async function catchUp(before?: number): Promise<void> {
    for (;;) {
      const from = hub.position ?? 0;
      const rows = await readLogAfter(pool, from, BATCH);
      const wanted = before === undefined ? rows : rows.filter((r) => r.seq < before);
      for (const entry of wanted) hub.dispatch(entry);
      if (rows.length < BATCH || wanted.length < rows.length) return;
    }
  }

  function onMessage(text: string): void {
    let message: WireMessage;
    try {
      message = JSON.parse(text) as WireMessage;
    } catch {
      log.warn('unreadable fan-out message ignored');
      return;
    }
    enqueue(async () => {
      const position = hub.position ?? 0;
      if (message.seq <= position) return;
      if (message.prev > position) await catchUp(message.seq);
      if (message.seq <= (hub.position ?? 0)) return;
      hub.dispatch({ ...message.entry, occurredAt: new Date(message.entry.occurredAt) });
    });
  }

  // --- publisher
  async function connectLeaderClient(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: options.connectionString,
      application_name: 'notify-fanout',
    });
    client.on('error', () => {
      leader = false;
      leaderClient = undefined;
      publishedUpto = undefined;
    });
    client.on('notification', () => {
      // A row committed: publish again, even if it came while this loop was busy publishing.
      notified = true;
      wake?.();
    });
    await client.connect();
    await client.query(`set search_path to ${pg.escapeIdentifier(schema)}`);
    await client.query(`listen ${pg.escapeIdentifier(logChannel(schema))}`);
    return client;
  }

  // Where this leader got to; read from Postgres when it takes over, then kept here.
  let publishedUpto: number | undefined;

  async function publishOnce(client: pg.Client): Promise<boolean> {
    if (publishedUpto === undefined) {
      const { rows } = await client.query<{ published_upto: string }>(
        'select published_upto from fanout_state',
      );
      publishedUpto = Number(rows[0]?.published_upto ?? 0);
    }
    let prev = publishedUpto;
    const entries = await readLogAfter(client, prev, BATCH);
    if (entries.length === 0) return false;
    const pipeline = publisherRedis.pipeline();
    for (const entry of entries) {
      const message: WireMessage = {
        seq: entry.seq,
        prev,
        entry: { ...entry, occurredAt: entry.occurredAt.toISOString() },
      };
      pipeline.publish(channel, JSON.stringify(message));
      prev = entry.seq;
    }
    const results = await pipeline.exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
    await client.query('update fanout_state set published_upto = $1 where published_upto < $1', [prev]);
    publishedUpto = prev;
    return entries.length === BATCH;
  }

  async function runPublisher(): Promise<void> {
    while (running) {
      let more = false;
      let failed = false;
      try {
        if (!leaderClient) leaderClient = await connectLeaderClient();
        if (!leader) {
          const { rows } = await leaderClient.query<{ locked: boolean }>(
            `select pg_try_advisory_lock(hashtext(current_schema() || '.fanout')) as locked`,
          );
          leader = rows[0]?.locked === true;
          publishedUpto = undefined;
          if (leader) log.info('publishing the delivery log to Redis');
        }
        notified = false;
        if (leader) more = await publishOnce(leaderClient);
      } catch (err: unknown) {
        failed = true;
        log.warn({ err: (err as Error).message }, 'fan-out publish failed; retrying');
      }
      if (more || !running) continue;
      if (notified && !failed) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  return {
    channel,
    async start(): Promise<void> {
      running = true;
      subscriberRedis.on('message', (ch: string, text: string) => {
        if (ch === channel) onMessage(text);
      });
      let connectedOnce = false;
      subscriberRedis.on('ready', () => {
        // After a reconnect: whatever was published while this replica was away is in the log.
        if (connectedOnce) enqueue(() => catchUp());
        connectedOnce = true;
      });
      await subscriberRedis.connect();
      await subscriberRedis.subscribe(channel);
      // Start live from the log's end; clients asking for older events replay them from the log.
      const start = await lastLoggedSeq(pool);
      enqueue(async () => {
        if (hub.position === undefined || hub.position < start) hub.position = start;
      });
      await queue;
      await publisherRedis.connect().catch(() => {});
      publisherLoop = runPublisher();
      repairTimer = setInterval(() => {
        enqueue(async () => {
          if ((await lastLoggedSeq(pool)) > (hub.position ?? 0)) await catchUp();
        });
      }, repairMs);
      repairTimer.unref();
    },
    async stop(): Promise<void> {
      running = false;
      if (repairTimer) clearInterval(repairTimer);
      wake?.();
      await publisherLoop;
      await queue;
      if (leaderClient) await leaderClient.end().catch(() => {});
      leaderClient = undefined;
      leader = false;
      subscriberRedis.disconnect();
      publisherRedis.disconnect();
    },
    /** Whether the subscriber connection is up (readiness). */
    get connected() {
      return subscriberRedis.status === 'ready';
    },
    /** Test and ops hook: whether this replica currently publishes. */
    get isLeader() {
      return leader;
    },
  };
}

export type Fanout = ReturnType<typeof createFanout>;
