// One trace per claim (issue: "Operating it"). Every service runs as deployed (its own process,
// `node --import @huimin/kit/instrument src/main.ts`) and exports spans over OTLP/HTTP to a
// receiver in this test. A scenario household's crossing claim is posted to ingest with the
// department's own `traceparent`; the claim goes ingest → risk (re-keying, join) → discovery's alert
// → notify's delivery log → the handler's event stream. The test asserts the tree a platform
// engineer would open in Jaeger: one trace id from the POST to notify's SSE write, each span's parent
// in the trace (no orphan), and the hops in order.

import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import {
  createFeed,
  createHttpIngestClient,
  devCredentials,
  type FeedEvent,
  postFeed,
} from '@huimin/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './platform.ts';
import { settle } from './settle.ts';

interface ReceivedSpan {
  service: string;
  scope: string;
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  attributes: Record<string, unknown>;
}

/** A local OTLP/HTTP receiver: the JSON encoding of ExportTraceServiceRequest, kept in memory. */
function otlpReceiver(): { server: Server; spans: ReceivedSpan[]; ready: Promise<string> } {
  const spans: ReceivedSpan[] = [];
  const value = (v: Record<string, unknown>): unknown =>
    v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue ?? undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url !== '/v1/traces' || !req.headers['content-type']?.includes('json')) {
        res.writeHead(415).end();
        return;
      }
      type Attr = { key: string; value: Record<string, unknown> };
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: {
          resource: { attributes: Attr[] };
          scopeSpans: {
            scope: { name: string };
            spans: {
              name: string;
              kind: number;
              traceId: string;
              spanId: string;
              parentSpanId?: string;
              attributes?: Attr[];
            }[];
          }[];
        }[];
      };
      for (const rs of body.resourceSpans) {
        const service = String(
          value(rs.resource.attributes.find((a) => a.key === 'service.name')?.value ?? {}) ?? '',
        );
        for (const ss of rs.scopeSpans)
          for (const s of ss.spans)
            spans.push({
              service,
              scope: ss.scope.name,
              name: s.name,
              kind: s.kind,
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, value(a.value)])),
            });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const ready = new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    }),
  );
  return { server, spans, ready };
}

const receiver = otlpReceiver();
let platform: Platform;

beforeAll(async () => {
  const endpoint = await receiver.ready;
  const telemetry = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' };
  platform = await startPlatform({
    name: 'trace',
    logLevel: 'warn',
    env: Object.fromEntries(
      [
        'identity',
        'ingest',
        'eligibility',
        'risk',
        'discovery',
        'notify',
        'eldercare',
        'charity',
        'scorecard',
      ].map((name) => [name, telemetry]),
    ),
  });
}, 300_000);

afterAll(async () => {
  await platform?.close();
  receiver.server.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await check().catch(() => undefined);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

describe('one trace per claim', () => {
  it('follows a claim from the department POST to the handler’s event stream in one tree', async () => {
    const feed = createFeed({ seed: 29, households: 12, scenarios: 1, now: new Date() });
    const scenario = feed.scenarios[0];
    if (!scenario) throw new Error('the feed has no scenario household');
    let crossing: FeedEvent | undefined;
    let position = 0;
    for (const e of feed.live) {
      if (e.id === scenario.crossingEventId) crossing = e;
      if (crossing || ++position > scenario.livePosition) break;
    }
    if (!crossing) throw new Error('the crossing claim is not in the live feed');

    // The department's own trace: ingest must continue it, not start another.
    const traceId = randomBytes(16).toString('hex');
    const rootSpanId = randomBytes(8).toString('hex');
    const traced: typeof fetch = (input, init) =>
      fetch(input, {
        ...init,
        headers: {
          ...(init?.headers as Record<string, string>),
          traceparent: `00-${traceId}-${rootSpanId}-01`,
        },
      });
    const client = createHttpIngestClient({
      baseUrl: platform.url('ingest'),
      credentials: devCredentials(),
      maxAttempts: 30,
    });
    const tracedClient = createHttpIngestClient({
      baseUrl: platform.url('ingest'),
      credentials: devCredentials(),
      maxAttempts: 30,
      fetch: traced,
    });

    // The county first, and nothing else in flight when the claim goes in.
    const loaded = await postFeed({ client, bulk: [...feed.bulk], batchSize: 500 });
    expect(loaded.rejected).toBe(0);
    await settle(platform, { timeoutMs: 180_000 });
    const answer = await tracedClient.sendOne(crossing);
    expect(answer).toMatchObject({ accepted: 1, rejected: [] });

    // Discovery opens the alert; notify logs it for the community's handler.
    const logged = await waitFor(
      'notify to log the alert for the scenario household',
      async () => {
        const { rows } = await platform.pool('notify').query<{
          seq: string;
          assignee_user_id: string | null;
          traceparent: string | null;
        }>(
          `select l.seq, l.assignee_user_id, l.traceparent from delivery_log l
            where l.traceparent like $1 and l.assignee_user_id is not null order by seq limit 1`,
          [`00-${traceId}-%`],
        );
        return rows[0];
      },
      120_000,
    );
    const { rows: users } = await platform
      .pool('identity')
      .query<{ username: string }>('select username from users where id = $1', [logged.assignee_user_id]);
    const handler = { username: users[0]?.username, password: 'huimin-demo-2026' }; // the demo users' password
    expect(handler.username).toBeDefined();

    // The handler opens the stream and receives it (a replay from Last-Event-ID: written now).
    const login = await fetch(`${platform.url('identity')}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: handler.username, password: handler.password }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const stream = await fetch(`${platform.url('notify')}/v1/stream`, {
      headers: { authorization: `Bearer ${accessToken}`, 'last-event-id': String(Number(logged.seq) - 1) },
    });
    expect(stream.status).toBe(200);
    const reader = stream.body?.getReader();
    let text = '';
    while (reader && !text.includes(`id: ${logged.seq}\n`)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    await reader?.cancel();
    expect(text).toContain(`id: ${logged.seq}\nevent: alert`);

    // The tree, once every service has exported: from the SSE write back to the department's span.
    const byId = () => new Map(receiver.spans.filter((s) => s.traceId === traceId).map((s) => [s.spanId, s]));
    const chain = await waitFor(
      'the whole trace to be exported',
      async () => {
        const spans = byId();
        const write = [...spans.values()].find((s) => s.service === 'notify' && s.name === 'sse write');
        if (!write) return undefined;
        const path: ReceivedSpan[] = [];
        for (let s: ReceivedSpan | undefined = write; s; s = spans.get(s.parentSpanId)) path.unshift(s);
        // Complete once the top of the path is the span the department sent.
        return path[0]?.parentSpanId === rootSpanId ? path : undefined;
      },
      60_000,
    );

    // One trace id, no orphan: every span's parent is in the trace, or is the department's span.
    await sleep(1000); // spans ended after the write are flushed on the exporters' next tick
    const spans = byId();
    const orphans = [...spans.values()].filter(
      (s) => s.parentSpanId !== rootSpanId && !spans.has(s.parentSpanId),
    );
    expect(orphans.map((s) => `${s.service} ${s.name}`)).toEqual([]);

    // The hops, in order, on the path from the POST to the write.
    const hops = chain.map((s) => `${s.service}: ${s.name}`);
    const expected = [
      /^ingest: POST /, // the HTTP server span, continuing the department's traceparent
      /^ingest: create huimin\.feed\.medical-expense$/,
      /^risk: process huimin\.feed\.medical-expense$/, // re-keyed to the household
      /^risk: process /, // the join
      /^risk: create huimin\.risk\.household$/,
      /^discovery: process huimin\.risk\.household$/,
      /^discovery: create huimin\.discovery\.alert$/,
      /^notify: process huimin\.discovery\.alert$/,
      /^notify: sse write$/,
    ];
    let at = 0;
    for (const hop of hops) if (at < expected.length && expected[at]?.test(hop)) at += 1;
    expect({ hops, matched: at }).toEqual({ hops, matched: expected.length });

    // Each Kafka hop also has its send span, in this trace, after its create span.
    const sends = [...spans.values()].filter((s) => s.name.startsWith('send '));
    for (const service of ['ingest', 'risk', 'discovery'])
      expect(
        sends.some((s) => s.service === service && spans.get(s.parentSpanId)?.name.startsWith('create ')),
        service,
      ).toBe(true);
    // Postgres is traced inside the services that hold state.
    for (const service of ['risk', 'discovery', 'notify'])
      expect(
        [...spans.values()].some(
          (s) => s.service === service && s.scope === '@opentelemetry/instrumentation-pg',
        ),
        service,
      ).toBe(true);
    // Nothing personal in any span: no resident ID of the household.
    const everything = JSON.stringify([...spans.values()]);
    for (const residentId of scenario.residentIds) expect(everything).not.toContain(residentId);
  }, 600_000);
});
