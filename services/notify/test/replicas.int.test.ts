import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { AlertOpened } from '@huimin/contracts';
import { waitUntil } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifyLogger } from '../src/logger.ts';
import {
  CHANGSHENG,
  connect,
  FUNAN,
  type Harness,
  opened,
  type Replica,
  type SseClient,
  startHarness,
} from './harness.ts';

const handler = {
  userId: 'u-handler-changsheng',
  role: 'case-handler' as const,
  jurisdictions: [CHANGSHENG],
};
const funanHandler = { userId: 'u-handler-funan', role: 'case-handler' as const, jurisdictions: [FUNAN] };

const ids = (client: SseClient) => client.alerts().map((a) => a.alertId);
// Alerts are keyed by their number over six partitions: the log (and so every client) sees them in
// the order notify consumed them, which across alerts need not be the order they were published.
const sorted = (list: string[]) => [...list].sort();
const seqs = (client: SseClient) => client.events.filter((e) => e.event === 'alert').map((e) => Number(e.id));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A Redis of the test's own (nothing on disk, as in production), so it can be killed and restarted. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  await waitUntil(
    () =>
      new Promise<boolean>((resolve) => {
        const probe = createServer();
        probe.once('error', () => resolve(true)); // port taken: redis is listening
        probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
      }),
    'private redis listening',
  );
  return child;
}

describe('notify across replicas', () => {
  let h: Harness;
  let a: Replica;
  let b: Replica;
  beforeAll(async () => {
    h = await startHarness('replicas');
    a = await h.replica();
    b = await h.replica();
  });
  afterAll(async () => h?.close());

  it('a client on each replica receives an event that one replica consumed', async () => {
    const onA = await connect(a.url, { token: await h.token(handler) });
    const onB = await connect(b.url, { token: await h.token(handler) });
    const id = await h.publish(AlertOpened, opened(100));
    await onA.waitFor(() => ids(onA).length === 1, 'alert on replica a');
    await onB.waitFor(() => ids(onB).length === 1, 'alert on replica b');
    expect(ids(onA)).toEqual(['ALR-2026-000100']);
    expect(onB.alerts()).toEqual(onA.alerts());
    const { rows } = await h.env.pool.query(
      'select count(*)::int as n from delivery_log where event_id = $1',
      [id],
    );
    expect(rows[0].n).toBe(1);
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    expect(metrics).toMatch(/huimin_notify_connected_clients\{[^}]*transport="sse"[^}]*\} 1\n/);
    expect(metrics).toMatch(
      /huimin_notify_delivery_latency_seconds_count\{[^}]*transport="sse"[^}]*\} [1-9]/,
    );
    onA.close();
    onB.close();
  });

  it('a client reconnecting to the other replica with Last-Event-ID gets what it missed, once, in order', async () => {
    const first = await connect(a.url, { token: await h.token(handler) });
    await h.publish(AlertOpened, opened(101));
    await first.waitFor(() => ids(first).length === 1, 'first alert');
    const last = first.lastEventId();
    first.close();
    await h.publish(AlertOpened, opened(102));
    await h.publish(AlertOpened, opened(103, { communityCode: FUNAN, assignee: funanHandler.userId }));
    await h.logged(await h.publish(AlertOpened, opened(104)));

    const again = await connect(b.url, { token: await h.token(handler), lastEventId: last });
    expect(sorted(ids(again))).toEqual(['ALR-2026-000102', 'ALR-2026-000104']);
    await h.publish(AlertOpened, opened(105));
    await again.waitFor(() => ids(again).length === 3, 'live after replay');
    expect(sorted(ids(again))).toEqual(['ALR-2026-000102', 'ALR-2026-000104', 'ALR-2026-000105']);
    expect(seqs(again)).toEqual([...seqs(again)].sort((x, y) => x - y));
    again.close();
  });

  it('switching replicas in the middle of a burst loses and repeats nothing', async () => {
    const token = await h.token(handler);
    const first = await connect(a.url, { token });
    const expected = Array.from({ length: 40 }, (_, i) => opened(200 + i)).map((p) => p.alertId);
    const burst = (async () => {
      for (let i = 0; i < 40; i++) await h.publish(AlertOpened, opened(200 + i));
    })();
    await first.waitFor(() => ids(first).length >= 10, 'part of the burst');
    first.close();
    const second = await connect(b.url, { token, lastEventId: first.lastEventId() });
    await burst;
    await second.waitFor(() => ids(first).length + ids(second).length >= 40, 'the rest of the burst');
    const all = [...seqs(first), ...seqs(second)];
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort((x, y) => x - y)).toEqual(all);
    expect(sorted([...ids(first), ...ids(second)])).toEqual(expected);
    second.close();
  });

  it('the access token in the stream URL never reaches the log', async () => {
    const lines: string[] = [];
    const logged = await h.replica({
      logger: createNotifyLogger({
        level: 'info',
        destination: { write: (line: string) => lines.push(line) },
      }),
    });
    const token = await h.token(handler);
    const client = await connect(logged.url, { token, tokenInQuery: true });
    client.close();
    await logged.close();
    const all = lines.join('');
    expect(all).toContain('access_token=[REDACTED]');
    expect(all).not.toContain(token);
    expect(all).not.toContain(token.split('.')[2]);
  }, 60_000);

  it('a Redis restart loses nothing', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const redisUrl = `redis://127.0.0.1:${port}`;
    const c = await h.replica({ redisUrl });
    const d = await h.replica({ redisUrl });
    try {
      const onC = await connect(c.url, { token: await h.token(handler) });
      const onD = await connect(d.url, { token: await h.token(handler) });
      await h.publish(AlertOpened, opened(300));
      await onC.waitFor(() => ids(onC).length === 1, 'before the restart, c');
      await onD.waitFor(() => ids(onD).length === 1, 'before the restart, d');

      redis.kill('SIGKILL');
      await new Promise((resolve) => redis.once('exit', resolve));
      for (let i = 1; i <= 5; i++) await h.publish(AlertOpened, opened(300 + i));
      redis = await startRedis(port);
      await h.publish(AlertOpened, opened(306));

      const expected = Array.from({ length: 7 }, (_, i) => `ALR-2026-000${300 + i}`);
      for (const client of [onC, onD]) {
        await client.waitFor(() => ids(client).length >= 7, 'every event after the restart');
        expect(sorted(ids(client))).toEqual(expected);
        expect(new Set(seqs(client)).size).toBe(7);
      }
      onC.close();
      onD.close();
    } finally {
      await c.close();
      await d.close();
      redis.kill('SIGKILL');
    }
  }, 90_000);

  it('purges the log after its retention; a client asking for older events is told', async () => {
    const { rows } = await h.env.pool.query(
      'select min(seq)::int as first, count(*)::int as n from delivery_log',
    );
    expect(rows[0].n).toBeGreaterThan(0);
    h.clock.offsetMs = 73 * 3600_000; // past the 72 h retention: the hourly purge falls due
    await waitUntil(
      async () => (await h.env.pool.query('select 1 from delivery_log limit 1')).rowCount === 0,
      'log purged',
    );
    const client = await connect(a.url, { token: await h.token(handler), lastEventId: rows[0].first });
    const truncated = client.events.find((e) => e.event === 'replay-truncated');
    expect(truncated?.data).toMatchObject({ oldestAvailable: expect.any(Number) });
    expect(client.alerts()).toEqual([]);
    client.close();
  });
});
