import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createTestIssuer, createTokenVerifier, type TestIssuer, type UserClaims } from '@huimin/auth';
import { discoveryAlertStream, type EventDefinition } from '@huimin/contracts';
import { createProducer, createPublisher, ensureTopics, type Publisher } from '@huimin/kafka';
import { createMetricsRegistry, type Logger, loadConfig } from '@huimin/kit';
import { createPool } from '@huimin/pg';
import { startTestEnv, type TestEnv, waitUntil } from '@huimin/testkit';
import type { Static, TObject } from '@sinclair/typebox';
import type { Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { createApp, type NotifyApp } from '../src/app.ts';
import { NotifyConfig } from '../src/config.ts';

export const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

// Communities of the platform's table (娄东街道: 常胜, 府南; 陆渡街道: its first).
export const CHANGSHENG = '320585001001';
export const FUNAN = '320585001002';
export const LOUDONG = '320585001';

export interface Replica {
  app: NotifyApp;
  url: string;
  registry: Registry;
  close(): Promise<void>;
}

export interface Harness {
  env: TestEnv;
  issuer: TestIssuer;
  publisher: Publisher;
  /** Shifts every replica's clock (scheduler, digest, purge) by this many ms. */
  clock: { offsetMs: number };
  replica(options?: { redisUrl?: string; env?: Record<string, string>; logger?: Logger }): Promise<Replica>;
  token(claims: UserClaims, ttlSeconds?: number): Promise<string>;
  /** Publishes an alert event as discovery does and returns its event id. */
  publish<T extends TObject>(event: EventDefinition<string, T>, payload: Static<T>): Promise<string>;
  /** Waits until notify's consumer has logged the event (whichever replica handled it). */
  logged(eventId: string): Promise<number>;
  close(): Promise<void>;
}

let groupCounter = 0;

export async function startHarness(name: string): Promise<Harness> {
  const env = await startTestEnv({ name, migrationsDir });
  const stoppers: (() => Promise<void>)[] = [() => env.close()];
  try {
    await ensureTopics(env.kafka, { topics: [discoveryAlertStream], mode: 'dev', logger: env.logger });
    const producer: Producer = createProducer(env.kafka);
    await producer.connect();
    stoppers.push(() => producer.disconnect());
    const publisher = createPublisher({ producer });
    const issuer = await createTestIssuer();
    stoppers.push(() => issuer.close());
    const clock = { offsetMs: 0 };
    const group = `notify-test-${name}-${process.pid}-${groupCounter++}`;
    let replicas = 0;

    const harness: Harness = {
      env,
      issuer,
      publisher,
      clock,
      async replica(options = {}) {
        const index = replicas++;
        const config = loadConfig(NotifyConfig, {
          DATABASE_URL: env.databaseUrl,
          DATABASE_SCHEMA: env.schema,
          REDIS_URL: options.redisUrl ?? env.redisUrl,
          KAFKA_BROKERS: env.brokers,
          AUTH_ISSUER: issuer.issuer,
          CONSUMER_GROUP: group,
          CONSOLE_URL: 'https://console.huimin.test',
          ROBOT_WEBHOOK_HOSTS: '127.0.0.1',
          ROBOT_BACKOFF_MS: '20',
          ROBOT_MAX_ATTEMPTS: '3',
          ...options.env,
        });
        const pool = createPool({
          connectionString: env.databaseUrl,
          schema: env.schema,
          logger: env.logger,
        });
        const registry = createMetricsRegistry({ service: 'notify' });
        const app = await createApp({
          config,
          logger: options.logger ?? env.logger,
          registry,
          pool,
          kafka: env.kafka,
          verifier: createTokenVerifier({ issuers: [{ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl }] }),
          now: () => new Date(Date.now() + clock.offsetMs),
          instance: `replica-${index}`,
          pollMs: { scheduler: 50, fanout: 200, repair: 500 },
        });
        await app.start();
        await app.server.listen({ port: 0, host: '127.0.0.1' });
        const { port } = app.server.server.address() as AddressInfo;
        let closed = false;
        const close = async () => {
          if (closed) return;
          closed = true;
          await app.close();
          await pool.end();
        };
        stoppers.push(close);
        return { app, url: `http://127.0.0.1:${port}`, registry, close };
      },
      token: (claims, ttlSeconds) => issuer.userToken(claims, ttlSeconds ? { ttlSeconds } : {}),
      async publish(event, payload) {
        const record = await publisher.publish(event, payload, { source: '/huimin/discovery' });
        return record.envelope.id;
      },
      async logged(eventId) {
        let seq = 0;
        await waitUntil(async () => {
          const { rows } = await env.pool.query<{ seq: string }>(
            'select seq from delivery_log where event_id = $1',
            [eventId],
          );
          seq = Number(rows[0]?.seq ?? 0);
          return rows.length === 1;
        }, `event ${eventId} logged`);
        return seq;
      },
      async close() {
        for (const stop of stoppers.reverse()) await stop().catch(() => {});
      },
    };
    return harness;
  } catch (err: unknown) {
    for (const stop of stoppers.reverse()) await stop().catch(() => {});
    throw err;
  }
}

/** One SSE event as a client sees it. */
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: unknown;
}

export interface SseClient {
  status: number;
  events: SseEvent[];
  /** The `alert` events' data. */
  alerts(): Array<Record<string, unknown> & { alertId: string; event: string }>;
  lastEventId(): string | undefined;
  waitFor(predicate: (events: SseEvent[]) => boolean, what: string): Promise<void>;
  ended: Promise<void>;
  close(): void;
}

/** A minimal EventSource: GET with the token as a header or in the query, parsing the stream. */
export function openSse(
  baseUrl: string,
  options: { token?: string; tokenInQuery?: boolean; lastEventId?: string | number; path?: string },
): Promise<SseClient> {
  const url = new URL(options.path ?? '/v1/stream', baseUrl);
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (options.token && options.tokenInQuery) url.searchParams.set('access_token', options.token);
  else if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.lastEventId !== undefined) headers['last-event-id'] = String(options.lastEventId);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res: IncomingMessage) => {
      const events: SseEvent[] = [];
      const waiters: Array<() => void> = [];
      let buffer = '';
      let endResolve: () => void = () => {};
      const ended = new Promise<void>((r) => {
        endResolve = r;
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let id: string | undefined;
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || line === '') continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') id = value;
            else if (field === 'event') event = value;
            else if (field === 'data') data.push(value);
          }
          if (data.length > 0) {
            const text = data.join('\n');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {}
            events.push({ id, event, data: parsed });
            for (const wake of waiters.splice(0)) wake();
          }
          cut = buffer.indexOf('\n\n');
        }
      });
      res.on('close', () => {
        endResolve();
        for (const wake of waiters.splice(0)) wake();
      });
      const client: SseClient = {
        status: res.statusCode ?? 0,
        events,
        alerts: () => events.filter((e) => e.event === 'alert').map((e) => e.data as never),
        lastEventId: () => [...events].reverse().find((e) => e.id !== undefined)?.id,
        async waitFor(predicate, what) {
          await waitUntil(async () => {
            if (predicate(events)) return true;
            await new Promise<void>((r) => {
              waiters.push(r);
              setTimeout(r, 200);
            });
            return predicate(events);
          }, what);
        },
        ended,
        close: () => req.destroy(),
      };
      resolve(client);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens an SSE stream and waits for its `ready` event (replay done, live from then on). */
export async function connect(baseUrl: string, options: Parameters<typeof openSse>[1]): Promise<SseClient> {
  const client = await openSse(baseUrl, options);
  if (client.status !== 200) throw new Error(`stream answered ${client.status}`);
  await client.waitFor((events) => events.some((e) => e.event === 'ready'), 'stream ready');
  return client;
}

export interface WsClient {
  messages: Array<Record<string, unknown> & { type: string }>;
  waitFor(predicate: (messages: WsClient['messages']) => boolean, what: string): Promise<void>;
  closed: Promise<{ code: number }>;
  close(): void;
}

/** A browser-style WebSocket (Node's global one): the token can only travel in the query. */
export function openWs(baseUrl: string, token: string, lastEventId?: number): Promise<WsClient> {
  const url = new URL('/v1/ws', baseUrl.replace(/^http/, 'ws'));
  url.searchParams.set('access_token', token);
  if (lastEventId !== undefined) url.searchParams.set('lastEventId', String(lastEventId));
  const ws = new WebSocket(url);
  const messages: WsClient['messages'] = [];
  const closed = new Promise<{ code: number }>((resolve) =>
    ws.addEventListener('close', (e) => resolve({ code: e.code })),
  );
  ws.addEventListener('message', (e) => messages.push(JSON.parse(String(e.data))));
  return new Promise((resolve, reject) => {
    ws.addEventListener('open', () =>
      resolve({
        messages,
        async waitFor(predicate, what) {
          await waitUntil(async () => predicate(messages), what);
        },
        closed,
        close: () => ws.close(),
      }),
    );
    ws.addEventListener('error', () => reject(new Error('websocket failed to open')));
  });
}

/** An AlertOpened payload as discovery publishes it. */
export function opened(
  n: number,
  options: {
    communityCode?: string;
    assignee?: string;
    priority?: 'P1' | 'P2' | 'P3' | 'P4';
    residentId?: string;
  } = {},
) {
  const communityCode = options.communityCode ?? CHANGSHENG;
  return {
    alertId: `ALR-2026-${String(n).padStart(6, '0')}`,
    communityCode,
    townCode: communityCode.slice(0, 9),
    assigneeUserId: options.assignee ?? 'u-handler-changsheng',
    ...(options.residentId
      ? { residentId: options.residentId }
      : { householdId: `HH-${String(n).padStart(8, '0')}` }),
    type: 'medical-hardship',
    title: '因病致贫风险',
    priority: options.priority ?? 'P1',
    origin: 'signal' as const,
    reasons: [{ code: 'OOP_OVER_25_PERCENT', summary: '近12个月自付医疗费用占家庭年收入45.1%，超过25%标准' }],
    sourceEventIds: [],
    raisedAt: '2026-03-03T02:00:05.020Z',
    acknowledgeDueAt: '2026-03-03T04:00:05.020Z',
    visitDueAt: '2026-03-04T02:00:05.020Z',
  };
}
