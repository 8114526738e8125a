// Hostile input and personal data, against the whole platform as it runs (every service's main.ts
// as its own process, e2e/platform.ts), after a small county has gone through ingest:
// - every public HTTP route of every service (read from its own OpenAPI document, so a new route is
//   covered without editing this file) gets generated bodies, bodies built from the route's own
//   schema and then broken, hostile path values, huge and deeply nested values, wrong content
//   types, and no / forged / expired / other-audience / other-issuer / real tokens of several
//   roles: no answer may be a 5xx, and a token no service should trust gets no further than none;
// - every method of every gRPC service declared under proto/ gets generated requests and raw bytes
//   under the same tokens: a token that is not a service's is UNAUTHENTICATED, a service the
//   method's callers.json does not list is PERMISSION_DENIED, and no answer is an internal error;
// - afterwards every service is ready, no dead letter appeared, every record on every declared topic
//   passes its contract, every stored resident ID is valid, and no service's log holds a resident
//   ID, a phone number, or a name or address that was posted.
// E2E_FUZZ_RUNS raises the number of generated and broken bodies per route (default 6);
// E2E_FUZZ_SEED picks other samples (the default keeps CI's samples the same from run to run).

import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import {
  eventsOnTopic,
  type HouseholdRegistered,
  isResidentId,
  topics,
  validateEvent,
} from '@huimin/contracts';
import { createKafkaClient } from '@huimin/kafka';
import { createLogger } from '@huimin/kit';
import {
  createFeed,
  createHttpIngestClient,
  devCredentials,
  type FeedEvent,
  postFeed,
} from '@huimin/simulator';
import { readRecords } from '@huimin/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceNames } from '../services/identity/src/cli/demo-users.ts';
import { callRaw, grpcMethods, grpcRequests } from './fuzz/grpc.ts';
import { type JsonSchema, schemaBodies } from './fuzz/schema-bodies.ts';
import { type HostileToken, hostileTokens } from './fuzz/tokens.ts';
import { type Platform, startPlatform } from './platform.ts';
import { settle } from './settle.ts';

const RUNS = Number(process.env.E2E_FUZZ_RUNS ?? 6);
const SEED = Number(process.env.E2E_FUZZ_SEED ?? 19);
let platform: Platform;
let posted: FeedEvent[] = [];

beforeAll(async () => {
  platform = await startPlatform({ name: 'hostile', logLevel: 'info' });
  const feed = createFeed({ seed: 4_242, households: 40, now: new Date(), liveRate: 50 });
  const claims: FeedEvent[] = [];
  for (const e of feed.live) {
    if (e.type === 'huimin.feed.medical-expense.recorded.v1') claims.push(e);
    if (claims.length >= 150) break;
  }
  posted = [...feed.bulk, ...claims];
  const client = createHttpIngestClient({
    baseUrl: platform.url('ingest'),
    credentials: devCredentials(),
    maxAttempts: 20,
  });
  const result = await postFeed({ client, bulk: feed.bulk, live: claims, rate: 100, batchSize: 200 });
  expect(result.rejected).toBe(0);
  await settle(platform, { timeoutMs: 180_000 });
}, 300_000);

afterAll(async () => {
  await platform?.close();
});

/** 18 digits (the last may be X) with a valid GB 11643 check character: a resident ID. */
function residentIdsIn(text: string): string[] {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const checks = '10X98765432';
  return (text.match(/(?<![0-9])\d{17}[\dX](?![0-9])/g) ?? []).filter((candidate) => {
    const sum = weights.reduce((acc, w, i) => acc + w * Number(candidate[i]), 0);
    return checks[sum % 11] === candidate[17];
  });
}

/**
 * A mainland mobile number (11 digits from 13x to 19x), alone or after +86 — not the fraction of a
 * decimal number (a request's `responseTime` of 4.13912345678 ms is no phone number).
 */
function phoneNumbersIn(text: string): string[] {
  return text.match(/(?<![0-9])(?<![0-9]\.)(?:\+?86)?1[3-9]\d{9}(?![0-9])/g) ?? [];
}

interface Route {
  service: string;
  method: string;
  path: string;
  bodySchema?: JsonSchema;
}

async function routesOf(service: string): Promise<Route[]> {
  const res = await fetch(`${platform.url(service)}/docs/json`);
  expect(res.status).toBe(200);
  const doc = (await res.json()) as {
    paths: Record<
      string,
      Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
    >;
  };
  const routes: Route[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (/^\/(docs|livez|readyz|metrics)/.test(path)) continue;
    for (const [method, operation] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      routes.push({ service, method: method.toUpperCase(), path, ...(bodySchema ? { bodySchema } : {}) });
    }
  }
  return routes;
}

const hostileValues = [
  "' OR 1=1 --",
  '../../../../etc/passwd',
  '%2e%2e%2f%2e%2e%2f',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as it is
  '{{7*7}}${7*7}',
  '\u0000\u202e',
  '😀'.repeat(50),
  'A'.repeat(5000),
  '-1',
  '1e309',
  'ALR-2026-000001',
  'HH-00000000',
];

function deepJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const PEOPLE = [
  'admin',
  'handler.changsheng',
  'supervisor.loudong',
  'auditor',
  'provider.anyang',
  'approver',
];

async function login(username: string): Promise<string> {
  const res = await fetch(`${platform.url('identity')}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'huimin-demo-2026' }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function serviceToken(service: string): Promise<string> {
  const res = await fetch(`${platform.url('identity')}/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&client_id=${service}&client_secret=dev-${service}-secret`,
  });
  expect(res.status, `${service}: ${await res.clone().text()}`).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

interface Answer {
  status: number;
}

describe('hostile input', () => {
  let routes: Route[];
  let people: Record<string, string>;
  /** A service token of every platform service, by service name. */
  let serviceTokens: Map<string, string>;
  let untrusted: HostileToken[];
  const failures: string[] = [];
  let requests = 0;

  beforeAll(async () => {
    const services = [...platform.services.keys()];
    routes = (await Promise.all(services.map(routesOf))).flat();
    // Every token is fetched before the fuzz reaches identity's rate-limited routes.
    people = Object.fromEntries(await Promise.all(PEOPLE.map(async (u) => [u, await login(u)] as const)));
    // Every service with a client at identity (identity issues the tokens and holds none; the
    // scorecard only reads topics and calls no one, so it has none either).
    const clients = services.filter((n) => serviceNames.includes(n));
    serviceTokens = new Map(await Promise.all(clients.map(async (n) => [n, await serviceToken(n)] as const)));
    untrusted = await hostileTokens(platform);
  });

  const send = async (
    route: Route,
    url: string,
    auth: string | undefined,
    body?: { type: string; body: string },
  ): Promise<Answer | undefined> => {
    requests++;
    try {
      const res = await fetch(url, {
        method: route.method,
        headers: {
          ...(auth ? { authorization: auth } : {}),
          ...(body ? { 'content-type': body.type } : {}),
          'idempotency-key': randomUUID(),
        },
        ...(body && route.method !== 'GET' && route.method !== 'DELETE' ? { body: body.body } : {}),
        signal: AbortSignal.timeout(15_000),
      });
      // A live stream (notify's SSE) stays open by design: its status is the answer.
      if (res.headers.get('content-type')?.startsWith('text/event-stream')) await res.body?.cancel();
      else await res.arrayBuffer();
      if (res.status >= 500)
        failures.push(
          `${route.service} ${route.method} ${url.replace(/^http:\/\/[^/]+/, '').slice(0, 200)} → ${res.status}`,
        );
      return { status: res.status };
    } catch (err: unknown) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      // A server may refuse a body far over its limit by answering and closing before it has read
      // it all; the client then sees the connection go. That is a refusal, if the service lives on.
      const closed = ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(cause?.code ?? '');
      if (closed && (body?.body.length ?? 0) > 1_000_000) {
        const alive = await fetch(`${platform.url(route.service)}/readyz`).catch(() => undefined);
        if (alive?.ok) return undefined;
      }
      failures.push(
        `${route.service} ${route.method} ${route.path}: ${(err as Error).message} ${cause?.code ?? cause?.message ?? ''} (${body?.type ?? 'no body'}, ${body?.body.length ?? 0} chars: ${body?.body.slice(0, 60) ?? ''})`,
      );
      return undefined;
    }
  };
  const filled = (route: Route, value: string) =>
    route.path.replace(/\{[^}]+\}|:[A-Za-z]+/g, encodeURIComponent(value));

  it('never answers 5xx to generated bodies, hostile paths and queries, and wrong content types, from any caller', async () => {
    expect(routes.length).toBeGreaterThan(60);
    const auths = [
      undefined,
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
      'Bearer not-a-token',
      ...Object.values(people).map((t) => `Bearer ${t}`),
    ];
    const bodies: { type: string; body: string }[] = [
      ...fc
        .sample(fc.jsonValue({ maxDepth: 4 }), { numRuns: RUNS, seed: SEED })
        .map((v) => ({ type: 'application/json', body: JSON.stringify(v) })),
      ...fc
        .sample(fc.object({ maxDepth: 2 }), { numRuns: RUNS, seed: SEED + 1 })
        .map((v) => ({ type: 'application/json', body: JSON.stringify(v) ?? '{}' })),
      { type: 'application/json', body: deepJson(3000) },
      { type: 'application/json', body: '{"unterminated": ' },
      {
        type: 'application/json',
        body: JSON.stringify(Object.fromEntries(hostileValues.map((v, i) => [`k${i}`, v]))),
      },
      { type: 'text/plain', body: "'; drop table alerts; --" },
      { type: 'application/x-www-form-urlencoded', body: 'a=1&a=2&__proto__[polluted]=1' },
      {
        type: 'multipart/form-data; boundary=x',
        body: '--x\r\nContent-Disposition: form-data; name="f"\r\n\r\n\xff\xfe\r\n--x--',
      },
      { type: 'application/json; charset=utf-16', body: '\ufeff{"a":1}' },
    ];
    for (const route of routes) {
      const base = platform.url(route.service);
      // Hostile path values and query strings, with each kind of caller.
      for (const value of hostileValues.slice(0, 8)) {
        for (const auth of [auths[0], auths[1], auths[3]]) {
          await send(
            route,
            `${base}${filled(route, value)}?limit=${encodeURIComponent(value)}&cursor=${encodeURIComponent(value)}`,
            auth,
          );
        }
      }
      // Generated bodies, as every role.
      if (route.method !== 'GET') {
        for (const body of bodies) {
          for (const auth of auths)
            await send(route, `${base}${filled(route, 'ALR-2026-000001')}`, auth, body);
        }
        // A body far over any limit, once, as the most powerful caller.
        await send(route, `${base}${filled(route, 'ALR-2026-000001')}`, auths[3], {
          type: 'application/json',
          body: `{"x":"${'y'.repeat(2_000_000)}"}`,
        });
      }
    }
    expect(requests).toBeGreaterThan(1000);
    expect(failures.slice(0, 20)).toEqual([]);
  }, 600_000);

  it('never answers 5xx to bodies built from each route’s own schema and then broken, one property at a time', async () => {
    const withSchema = routes.filter((r) => r.bodySchema);
    expect(withSchema.length).toBeGreaterThan(30);
    let seed = SEED * 1_000;
    for (const route of withSchema) {
      const url = `${platform.url(route.service)}${filled(route, 'ALR-2026-000001')}`;
      for (const body of schemaBodies(route.bodySchema as JsonSchema, RUNS * 2, seed++)) {
        for (const who of ['admin', 'handler.changsheng'])
          await send(route, url, `Bearer ${people[who]}`, { type: 'application/json', body });
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
  }, 600_000);

  it('lets a token no service should trust get no further than no token at all, on every route', async () => {
    expect(untrusted.length).toBeGreaterThan(8);
    const let_through: string[] = [];
    for (const route of routes) {
      const base = platform.url(route.service);
      const body = route.bodySchema ? schemaBodies(route.bodySchema, 0, 1)[0] : undefined;
      const request = (auth: string | undefined, token?: string) =>
        send(
          route,
          `${base}${filled(route, 'ALR-2026-000001')}${token ? `?access_token=${encodeURIComponent(token)}` : ''}`,
          auth,
          body === undefined ? undefined : { type: 'application/json', body },
        );
      const anonymous = await request(undefined);
      for (const { name, token } of untrusted) {
        const answer = await request(`Bearer ${token}`, token);
        // 429: identity's per-address limit on its login and token routes is a refusal as well.
        if (anonymous?.status === 401 && answer?.status !== 401 && answer?.status !== 429)
          let_through.push(`${route.service} ${route.method} ${route.path}: ${name} → ${answer?.status}`);
      }
    }
    expect(let_through).toEqual([]);
    expect(failures.slice(0, 20)).toEqual([]);
  }, 600_000);

  it('answers every gRPC method without an internal error, and only to the token of a service its contract lists', async () => {
    const { methods, definition } = grpcMethods();
    expect(new Set(methods.map((m) => m.service))).toEqual(
      new Set(['eligibility', 'discovery', 'eldercare']),
    );
    const refusals: string[] = [];
    const untrustedTokens: { name: string; authorization?: string; trusted: boolean }[] = [
      { name: 'none', trusted: false },
      { name: 'a person’s', authorization: `Bearer ${people.admin}`, trusted: false },
      ...untrusted.map(({ name, token }) => ({ name, authorization: `Bearer ${token}`, trusted: false })),
    ];
    let seed = SEED * 1_000 + 500;
    let calls = 0;
    const answeredToService = new Map<string, Set<string>>();
    for (const method of methods) {
      const address = platform.service(method.service).grpcAddress;
      const client = new grpc.Client(address as string, grpc.credentials.createInsecure(), {
        'grpc.max_receive_message_length': 64 * 1024 * 1024,
      });
      try {
        const requests = grpcRequests(method, definition, RUNS * 4, seed++);
        const listed = method.callers[0] ?? 'nobody';
        const unlisted = [...serviceTokens.keys()].find((n) => !method.callers.includes(n)) ?? 'nobody';
        const tokens = [
          ...untrustedTokens,
          // A real service's token, of a service the method's contract does not list.
          {
            name: `${unlisted}’s (not listed)`,
            authorization: `Bearer ${serviceTokens.get(unlisted)}`,
            trusted: false,
            expected: grpc.status.PERMISSION_DENIED,
          },
          { name: `${listed}’s`, authorization: `Bearer ${serviceTokens.get(listed)}`, trusted: true },
        ];
        for (const token of tokens) {
          // The untrusted tokens each get a few requests; the service's token gets them all.
          for (const request of token.trusted ? requests : requests.slice(0, 2)) {
            calls++;
            const answer = await callRaw(client, method.path, request.bytes, token.authorization);
            const where = `${method.service} ${method.path} (${request.name}, ${token.name} token)`;
            if (token.trusted) {
              const codes = answeredToService.get(method.path) ?? new Set<string>();
              answeredToService.set(method.path, codes.add(grpc.status[answer.code] ?? String(answer.code)));
            }
            const expected = 'expected' in token ? token.expected : grpc.status.UNAUTHENTICATED;
            if (!token.trusted && answer.code !== expected && request.name === 'generated')
              refusals.push(`${where} → ${grpc.status[answer.code]}, not ${grpc.status[expected]}`);
            // Bytes that are no message at all are refused by grpc-js itself before any handler runs,
            // with INTERNAL 'Error deserializing request' (the code gRPC's status guide gives parse
            // errors); every other INTERNAL, UNKNOWN or lost call is ours.
            const parseError =
              answer.code === grpc.status.INTERNAL && /^Error deserializing/.test(answer.details);
            if (
              !parseError &&
              [
                grpc.status.INTERNAL,
                grpc.status.UNKNOWN,
                grpc.status.UNAVAILABLE,
                grpc.status.DEADLINE_EXCEEDED,
              ].includes(answer.code)
            )
              failures.push(`${where} → ${grpc.status[answer.code]} ${answer.details.slice(0, 120)}`);
          }
        }
      } finally {
        client.close();
      }
    }
    expect(calls).toBeGreaterThan(200);
    // The listed service's token got past the door on every method (an answer, a refusal of the request).
    for (const method of methods)
      expect(
        [...(answeredToService.get(method.path) ?? [])].some(
          (c) => c !== 'UNAUTHENTICATED' && c !== 'PERMISSION_DENIED',
        ),
      ).toBe(true);
    expect(refusals).toEqual([]);
    expect(failures.slice(0, 20)).toEqual([]);
  }, 600_000);

  it('leaves every service ready, no dead letter, every published record within its contract and every stored resident ID valid', async () => {
    for (const s of platform.services.values()) await s.ready(30_000);
    const state = await settle(platform, { timeoutMs: 120_000 });
    expect([...state.deadLetters].filter(([, n]) => n > 0)).toEqual([]);

    const kafka = createKafkaClient({
      brokers: platform.brokers,
      clientId: 'e2e-hostile-reader',
      logger: createLogger({ name: 'e2e', level: 'silent' }),
    });
    const records = await readRecords(kafka, Object.keys(topics), { timeoutMs: 120_000 });
    expect(records.length).toBeGreaterThan(posted.length);
    const invalid: string[] = [];
    for (const record of records) {
      const type = record.headers.ce_type ?? '';
      if (!eventsOnTopic(record.topic).some((d) => d.type === type)) {
        invalid.push(`${record.topic}@${record.offset}: ${type || 'no ce_type'} does not belong there`);
        continue;
      }
      const result = validateEvent(type, JSON.parse(record.value), { mode: 'consume' });
      if (!result.ok)
        invalid.push(
          `${record.topic}@${record.offset} ${type}: ${JSON.stringify(result.errors.slice(0, 3))}`,
        );
    }
    expect(invalid.slice(0, 10)).toEqual([]);

    const admin = platform.pool('public');
    const { rows: columns } = await admin.query<{
      table_schema: string;
      table_name: string;
      column_name: string;
    }>(
      `select table_schema, table_name, column_name from information_schema.columns
        where column_name like '%resident_id' and data_type = 'text'
          and table_schema not in ('pg_catalog', 'information_schema')`,
    );
    expect(columns.length).toBeGreaterThan(3);
    const stored: string[] = [];
    for (const c of columns) {
      const { rows } = await admin.query<{ value: string }>(
        `select "${c.column_name}" as value from "${c.table_schema}"."${c.table_name}" where "${c.column_name}" is not null`,
      );
      for (const { value } of rows)
        if (!isResidentId(value)) stored.push(`${c.table_schema}.${c.table_name}.${c.column_name}`);
    }
    expect(stored.slice(0, 10)).toEqual([]);
  }, 600_000);
});

describe('personal data in logs', () => {
  it('no service logged a resident ID, a phone number, or a name or address the departments posted', async () => {
    const households = posted
      .filter((e) => e.type === 'huimin.feed.household.registered.v1')
      .map((e) => e.payload as HouseholdRegistered);
    const names = new Set(
      households.flatMap((h) => [...h.members.map((m) => m.name), ...h.legalSupporters.map((s) => s.name)]),
    );
    const addresses = new Set(households.map((h) => h.address.text));
    const ids = new Set(households.flatMap((h) => h.members.map((m) => m.residentId)));
    expect(ids.size).toBeGreaterThan(50);
    expect(addresses.size).toBeGreaterThan(10);
    const found: string[] = [];
    let lineCount = 0;
    for (const [process, lines] of platform.logs()) {
      expect(lines.length).toBeGreaterThan(0);
      lineCount += lines.length;
      for (const line of lines) {
        // A finding names the kind and the place, never the value.
        const where = `${process}: ${line.slice(0, 80).replace(/\d{11,}/g, '#')}`;
        if (residentIdsIn(line).length > 0) found.push(`resident ID in ${where}`);
        for (const phone of phoneNumbersIn(line)) {
          // Where in the line, around the number, with every long digit run hidden.
          const at = line.indexOf(phone);
          const around = line.slice(Math.max(0, at - 60), at + phone.length + 20).replace(/\d{11,}/g, '#');
          found.push(`phone number in ${process}: …${around}…`);
        }
        for (const name of names)
          if (name.length >= 2 && line.includes(name)) found.push(`a name in ${where}`);
        for (const address of addresses) if (line.includes(address)) found.push(`an address in ${where}`);
      }
    }
    expect(lineCount).toBeGreaterThan(100);
    expect(found.slice(0, 10)).toEqual([]);
    // The checks can see what they look for.
    const [someone] = households;
    const probe = `{"residentId":"${someone?.members[0]?.residentId}","phone":"13912345678","name":"${someone?.members[0]?.name}"}`;
    expect(residentIdsIn(probe)).toHaveLength(1);
    expect(phoneNumbersIn(probe)).toEqual(['13912345678']);
    expect(phoneNumbersIn('{"offset":"1795908012430","t":13912345678901}')).toEqual([]);
    expect(phoneNumbersIn('{"responseTime":4.13912345678}')).toEqual([]);
    expect(phoneNumbersIn('"called.13912345678"')).toEqual(['13912345678']);
  });
});
