// One trace per claim (issue: "Operating it"). Every service runs as deployed (its own process,
// `node --import @huimin/kit/instrument src/main.ts`) and exports spans over OTLP/HTTP to a
// receiver in this test. A scenario household's crossing claim is posted to ingest with the
// department's own `traceparent`; the claim goes ingest → risk (re-keying, join) → discovery's alert
// → notify's delivery log → the handler's event stream. The test asserts the tree a platform
// engineer would open in Jaeger: one trace id from the POST to notify's SSE write, each span's parent
// in the trace (no orphan), and the hops in order.

import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createKafkaClient } from '@huimin/kafka';
import { createLogger } from '@huimin/kit';
import {
  createFeed,
  createHttpIngestClient,
  devCredentials,
  type FeedEvent,
  postFeed,
} from '@huimin/simulator';
import { AssignerProtocol } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployedServices } from '../tools/deploy-check/src/k8s/deployment-table.ts';
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
  // The services a claim passes through, and identity (tokens, rosters) and eligibility (the
  // policy and enrolments risk reads).
  const only = ['identity', 'ingest', 'eligibility', 'risk', 'discovery', 'notify'];
  platform = await startPlatform({
    name: 'trace',
    logLevel: 'warn',
    only,
    env: Object.fromEntries(only.map((name) => [name, telemetry])),
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
    // Seed 8 puts the scenario household in 常胜社区, whose handler the demo roster names: the alert
    // has someone to stream to.
    const feed = createFeed({ seed: 8, households: 12, scenarios: 1, now: new Date() });
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
      90_000,
    ).catch(async (err: unknown) => {
      // What got where, for whoever reads the failure.
      const { rows: log } = await platform
        .pool('notify')
        .query('select seq, event_type, assignee_user_id, traceparent from delivery_log order by seq');
      const { rows: alerts } = await platform
        .pool('discovery')
        .query('select id, type, household_id from alerts order by id');
      const ours = receiver.spans.filter((s) => s.traceId === traceId).map((s) => `${s.service}: ${s.name}`);
      throw new Error(
        `${(err as Error).message}\nscenario household ${scenario.householdId}\nalerts ${JSON.stringify(alerts)}\n` +
          `delivery log ${JSON.stringify(log)}\nspans of the trace ${JSON.stringify(ours)}\n` +
          `all spans ${receiver.spans.length}`,
      );
    });
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
      // The join. Re-keying republishes the same message, which keeps its creation context: the
      // join's `process` hangs off ingest's `create`, beside the re-keying (asserted below).
      /^risk: process huimin\.risk\.claims-by-household$/,
      /^risk: create huimin\.risk\.household$/,
      /^discovery: process huimin\.risk\.household$/,
      /^discovery: create huimin\.discovery\.alert$/,
      /^notify: process huimin\.discovery\.alert$/,
      /^notify: sse write$/,
    ];
    let at = 0;
    for (const hop of hops) if (at < expected.length && expected[at]?.test(hop)) at += 1;
    expect(at, `the path: ${hops.join(' > ')}`).toBe(expected.length);

    // The re-keying: risk's `process` of the claim and the `send` of the re-keyed copy, both under
    // ingest's `create`.
    const created = chain.find((s) => s.service === 'ingest' && s.name.startsWith('create '));
    const underCreate = [...spans.values()]
      .filter((s) => s.parentSpanId === created?.spanId)
      .map((s) => `${s.service}: ${s.name}`);
    expect(underCreate).toEqual(
      expect.arrayContaining([
        'ingest: send huimin.feed.medical-expense',
        'risk: process huimin.feed.medical-expense',
        'risk: send huimin.risk.claims-by-household',
        'risk: process huimin.risk.claims-by-household',
      ]),
    );

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

/** The platform's metric names: `huimin_<service or shared part>_<what>_<unit>` (docs/metrics.md). */
const OWNERS = [
  'http',
  'consumer',
  'outbox',
  ...[
    'identity',
    'ingest',
    'eligibility',
    'risk',
    'discovery',
    'notify',
    'eldercare',
    'charity',
    'scorecard',
  ],
];
const UNITS = ['seconds', 'bytes', 'fen', 'messages', 'events', 'clients'];

/** What is wrong with the metric families of one /metrics answer (Node's own process metrics aside). */
function metricNameProblems(exposition: string): string[] {
  const problems: string[] = [];
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name = '', type = ''] = match;
    if (name.startsWith('process_') || name.startsWith('nodejs_')) continue;
    const owner = name.match(/^huimin_([a-z]+)_[a-z0-9_]+$/)?.[1];
    if (!owner || !OWNERS.includes(owner)) problems.push(`${name}: not huimin_<service>_…`);
    const unit =
      name
        .replace(/_total$/, '')
        .split('_')
        .at(-1) ?? '';
    if (type === 'counter' && !name.endsWith('_total')) problems.push(`${name}: a counter without _total`);
    if (type !== 'counter' && !UNITS.includes(unit)) problems.push(`${name}: no unit (${UNITS.join(', ')})`);
  }
  return problems;
}

describe('metric names', () => {
  it('every running service exposes only huimin_<service>_… names with their unit', async () => {
    const all: string[] = [];
    for (const service of platform.services.values()) {
      const res = await fetch(`${service.url}/metrics`);
      expect(res.status, service.name).toBe(200);
      const text = await res.text();
      expect(text, service.name).toMatch(/^# TYPE huimin_http_request_duration_seconds histogram$/m);
      all.push(...metricNameProblems(text).map((p) => `${service.name}: ${p}`));
    }
    expect(all).toEqual([]);
  });

  it('alert rules and dashboards query only metrics the services expose', async () => {
    const exposed = new Set<string>();
    for (const service of platform.services.values()) {
      const text = await (await fetch(`${service.url}/metrics`)).text();
      for (const m of text.matchAll(/^# TYPE (\S+) /gm)) if (m[1]) exposed.add(m[1]);
    }
    const running = new Set(['http', 'consumer', 'outbox', ...platform.services.keys()]);
    const dir = join(import.meta.dirname, '..', 'infra');
    const sources = [
      readFileSync(join(dir, 'prometheus', 'alerts.yml'), 'utf8'),
      ...readdirSync(join(dir, 'grafana', 'dashboards')).map((f) =>
        readFileSync(join(dir, 'grafana', 'dashboards', f), 'utf8'),
      ),
    ];
    const queried = new Set(
      sources.flatMap((text) => [...text.matchAll(/\bhuimin_[a-z0-9_]+/g)].map((m) => m[0])),
    );
    const unknown = [...queried]
      .map((name) => name.replace(/_(bucket|count|sum)$/, ''))
      .filter((name) => running.has(name.split('_')[1] ?? '') && !exposed.has(name));
    // Lazily created series (a metric no event has touched yet) still declare their family.
    expect(unknown).toEqual([]);
    expect(queried.size).toBeGreaterThan(10);
  });

  it('the check finds a name outside the scheme', () => {
    expect(
      metricNameProblems(
        '# TYPE ingest_events_total counter\n# TYPE huimin_risk_lag gauge\n# TYPE huimin_risk_flags counter\n# TYPE process_cpu_seconds_total counter\n',
      ),
    ).toEqual([
      'ingest_events_total: not huimin_<service>_…',
      'huimin_risk_lag: no unit (seconds, bytes, fen, messages, events, clients)',
      'huimin_risk_flags: a counter without _total',
    ]);
  });
});

describe('KEDA triggers against the running consumer groups', () => {
  it('every topic a lag-scaled service’s groups read has a trigger (tools/deploy-check’s table)', async () => {
    const kafka = createKafkaClient({
      brokers: platform.brokers,
      clientId: 'e2e-groups',
      logger: createLogger({ name: 'e2e', level: 'warn' }),
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const missing: string[] = [];
      const running = new Set(platform.services.keys());
      for (const service of deployedServices.filter((s) => s.scaling === 'lag' && running.has(s.name))) {
        const groups = [...new Set((service.lag ?? []).map((l) => l.group))];
        // Each group of the service as the broker knows it: the topics its members subscribed to.
        const { groups: described } = await admin.describeGroups(
          (await admin.listGroups()).groups
            .map((g) => g.groupId)
            .filter((id) => id === service.name || id.startsWith(`${service.name}.`)),
        );
        for (const group of described) {
          // A global table's reader (libs/kafka createGlobalTable: a group per replica, named
          // <prefix>.<uuid>, committing nothing) reads the whole topic whatever the replica count:
          // its lag is no reason to scale.
          if (/\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(group.groupId)) continue;
          if (!groups.includes(group.groupId))
            missing.push(`${service.name}: group ${group.groupId} has no trigger`);
          const subscribed = new Set(
            group.members.flatMap(
              (m) => AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? [],
            ),
          );
          expect(subscribed.size, group.groupId).toBeGreaterThan(0);
          for (const topic of subscribed)
            if (!service.lag?.some((l) => l.group === group.groupId && l.topic === topic))
              missing.push(`${service.name}: ${group.groupId} reads ${topic}`);
        }
      }
      expect(missing).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });
});
