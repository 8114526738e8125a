import type { Logger } from '@huimin/kit';
import { claimOutboxBatch, outboxChannel, settleOutboxBatch, withTransaction } from '@huimin/pg';
import pg from 'pg';
import { Gauge, type Registry } from 'prom-client';
import type { Publisher } from './publisher.ts';

export interface OutboxRelayOptions {
  pool: pg.Pool;
  /** The service's schema: whose outbox this relay drains. */
  schema: string;
  publisher: Publisher;
  logger: Logger;
  /** Rows per publish request (default 500). */
  batchSize?: number;
  /** Fallback poll when no NOTIFY arrives (a lost LISTEN connection, another relay's rows). Default 1000 ms. */
  pollMs?: number;
  /**
   * How long published rows stay in the outbox, in ms (default 60,000): long enough to look at what
   * just went out, short enough that the table holds at most a minute of traffic. 0 deletes each
   * row in the transaction that publishes it.
   */
  retainSentMs?: number;
  /** Connection string for the LISTEN connection; defaults to the pool's. */
  connectionString?: string;
  /**
   * Exports `huimin_outbox_pending_events{schema}` and `huimin_outbox_oldest_pending_seconds{schema}`,
   * read from the outbox at each scrape (so every replica reports the same backlog, relaying or not).
   */
  registry?: Registry;
}

export interface OutboxRelay {
  start(): Promise<void>;
  /** Stops after the batch in flight; a batch half-published is published again by the next relay. */
  stop(): Promise<void>;
  /** Publishes everything unsent now (tests and shutdown use it); returns how many rows went out. */
  drain(): Promise<number>;
}

/**
 * Publishes a service's outbox in order. Each batch is read, published and settled inside one
 * transaction that also holds the outbox lock (see claimOutboxBatch): if the process dies after
 * publishing but before commit, the rows stay unsent and go out again — at-least-once, in per-key
 * order; consumers drop the repeat through their inbox. Other replicas' relays stand by.
 * Settling deletes the batch (retainSentMs 0) or stamps it sent and deletes rows sent longer ago
 * than the retention, in the same statement (settleOutboxBatch): the outbox does not grow.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { pool, schema, publisher, logger } = options;
  const batchSize = options.batchSize ?? 500;
  const pollMs = options.pollMs ?? 1000;
  const settle = { retainSentMs: options.retainSentMs ?? 60_000, purgeLimit: batchSize * 4 };
  const log = logger.child({ component: 'outbox-relay', schema });
  if (options.registry) registerBacklogMetrics(options.registry, pool, schema, log);

  let running = false;
  let listener: pg.Client | undefined;
  let wake: (() => void) | undefined;
  // A NOTIFY that arrives while a drain is running must not be lost until the next poll.
  let notified = false;
  let loop: Promise<void> | undefined;

  async function publishOneBatch(): Promise<{ published: number; more: boolean }> {
    return withTransaction(pool, async (client) => {
      const batch = await claimOutboxBatch(client, batchSize);
      if (!batch.acquired) return { published: 0, more: false };
      if (batch.messages.length === 0) {
        // Nothing waits: remove what outlived the retention since the last batch.
        const { purged } = await settleOutboxBatch(client, [], settle);
        return { published: 0, more: purged === settle.purgeLimit };
      }
      await publisher.publishRecords(
        batch.messages.map((message) => ({
          topic: message.topic,
          key: message.key,
          headers: message.headers,
          value: JSON.stringify(message.payload),
        })),
      );
      await settleOutboxBatch(
        client,
        batch.messages.map((message) => message.seq),
        settle,
      );
      return { published: batch.messages.length, more: batch.messages.length === batchSize };
    });
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const { published, more } = await publishOneBatch();
      total += published;
      if (!more) return total;
    }
  }

  async function listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: options.connectionString ?? poolConnectionString(pool) ?? process.env.DATABASE_URL,
    });
    client.on('error', (err: Error) => {
      // The poll keeps the relay going; the next loop turn reconnects.
      log.warn({ err }, 'outbox LISTEN connection lost; polling until it is back');
      listener = undefined;
    });
    client.on('notification', () => {
      notified = true;
      wake?.();
    });
    await client.connect();
    await client.query(`LISTEN ${pg.escapeIdentifier(outboxChannel(schema))}`);
    listener = client;
  }

  function sleep(ms: number): Promise<void> {
    if (notified && running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (running) {
      try {
        if (!listener) await listen();
        notified = false;
        const published = await drain();
        if (published > 0) log.debug({ published }, 'outbox rows published');
        failures = 0;
        await sleep(pollMs);
      } catch (err: unknown) {
        failures += 1;
        const backoff = Math.min(pollMs * 2 ** Math.min(failures, 5), 30_000);
        log.error({ err, failures, backoffMs: backoff }, 'outbox relay failed; retrying');
        await sleep(backoff);
      }
    }
  }

  return {
    async start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => {});
    },
    drain,
  };
}

function poolConnectionString(pool: pg.Pool): string | undefined {
  return (pool as unknown as { options: { connectionString?: string } }).options.connectionString;
}

/** The backlog gauges, read at scrape time with one indexed query (outbox_unsent). */
function registerBacklogMetrics(registry: Registry, pool: pg.Pool, schema: string, log: Logger): void {
  let last: Promise<{ pending: number; oldestSeconds: number }> | undefined;
  // Both gauges are collected in one scrape: they share one query.
  const read = () => {
    last ??= pool
      .query<{ pending: string; oldest: Date | null }>(
        'select count(*) as pending, min(created_at) as oldest from outbox where sent_at is null',
      )
      .then(({ rows }) => ({
        pending: Number(rows[0]?.pending ?? 0),
        oldestSeconds: rows[0]?.oldest ? Math.max(0, (Date.now() - rows[0].oldest.getTime()) / 1000) : 0,
      }))
      .finally(() => {
        setTimeout(() => {
          last = undefined;
        }, 100).unref();
      });
    return last;
  };
  const gauge = (
    name: string,
    help: string,
    pick: (b: { pending: number; oldestSeconds: number }) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['schema'],
      registers: [registry],
      async collect() {
        try {
          this.set({ schema }, pick(await read()));
        } catch (err: unknown) {
          log.warn({ err }, 'could not read the outbox backlog for metrics');
        }
      },
    });
  gauge(
    'huimin_outbox_pending_events',
    'Events written to the outbox and not yet published',
    (b) => b.pending,
  );
  gauge(
    'huimin_outbox_oldest_pending_seconds',
    'Age of the oldest event waiting in the outbox (0 when none waits)',
    (b) => b.oldestSeconds,
  );
}
