// Hostile input and personal data, against the whole platform as it runs (every service's main.ts
// as its own process, e2e/platform.ts):
// - every public HTTP route of every service (read from its own OpenAPI document, so a new route is
//   covered without editing this file) gets generated and mutated bodies, hostile path values,
//   huge and deeply nested values, wrong content types, and no / forged / real tokens of several
//   roles: no answer may be a 5xx, every service must still be ready, no dead letter may appear;
// - after a small county has gone through ingest and alerts have flowed, no service's log holds a
//   resident ID or a person's name that was posted.
// E2E_FUZZ_RUNS raises the number of generated bodies per route (default 6).

import { randomUUID } from 'node:crypto';
import type { HouseholdRegistered } from '@huimin/contracts';
import {
  createFeed,
  createHttpIngestClient,
  devCredentials,
  type FeedEvent,
  postFeed,
} from '@huimin/simulator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './platform.ts';
import { settle } from './settle.ts';

const RUNS = Number(process.env.E2E_FUZZ_RUNS ?? 6);
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

describe('personal data in logs', () => {
  it('no service logged a resident ID or a name the departments posted', async () => {
    const households = posted
      .filter((e) => e.type === 'huimin.feed.household.registered.v1')
      .map((e) => e.payload as HouseholdRegistered);
    const names = new Set(
      households.flatMap((h) => [...h.members.map((m) => m.name), ...h.legalSupporters.map((s) => s.name)]),
    );
    const ids = new Set(households.flatMap((h) => h.members.map((m) => m.residentId)));
    expect(ids.size).toBeGreaterThan(50);
    const found: string[] = [];
    for (const [service, lines] of platform.logs()) {
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        for (const id of residentIdsIn(line))
          found.push(`${service}: resident ID ${id.slice(0, 4)}… in ${line.slice(0, 160)}`);
        for (const name of names)
          if (name.length >= 2 && line.includes(name))
            found.push(`${service}: name in ${line.slice(0, 160)}`);
      }
    }
    expect(found.slice(0, 10)).toEqual([]);
    // The check can see what it looks for: a line with an ID and a name is caught.
    const [someone] = households;
    const probe = `{"residentId":"${someone?.members[0]?.residentId}","name":"${someone?.members[0]?.name}"}`;
    expect(residentIdsIn(probe)).toHaveLength(1);
  });
});

interface Route {
  service: string;
  method: string;
  path: string;
}

async function routesOf(service: string): Promise<Route[]> {
  const res = await fetch(`${platform.url(service)}/docs/json`);
  expect(res.status).toBe(200);
  const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
  const routes: Route[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (/^\/(docs|livez|readyz|metrics)/.test(path)) continue;
    for (const method of Object.keys(methods)) {
      if (['get', 'post', 'put', 'patch', 'delete'].includes(method))
        routes.push({ service, method: method.toUpperCase(), path });
    }
  }
  return routes;
}

const hostileValues = [
  "' OR 1=1 --",
  '../../../../etc/passwd',
  '%2e%2e%2f%2e%2e%2f',
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

async function tokens(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const user of [
    'admin',
    'handler.changsheng',
    'supervisor.loudong',
    'auditor',
    'provider.anyang',
    'approver',
  ]) {
    const res = await fetch(`${platform.url('identity')}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user, password: 'huimin-demo-2026' }),
    });
    expect(res.status).toBe(200);
    out[user] = ((await res.json()) as { accessToken: string }).accessToken;
  }
  return out;
}

describe('hostile input on every public HTTP route', () => {
  it('never answers 5xx, and every service stays ready with no dead letters', async () => {
    const services = [...platform.services.keys()];
    const routes = (await Promise.all(services.map(routesOf))).flat();
    expect(routes.length).toBeGreaterThan(60);
    const people = await tokens();
    const auths = [
      undefined,
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
      'Bearer not-a-token',
      ...Object.values(people).map((t) => `Bearer ${t}`),
    ];
    const bodies: { type: string; body: string }[] = [
      ...fc
        .sample(fc.jsonValue({ maxDepth: 4 }), RUNS)
        .map((v) => ({ type: 'application/json', body: JSON.stringify(v) })),
      ...fc
        .sample(fc.object({ maxDepth: 2 }), RUNS)
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
    const failures: string[] = [];
    let requests = 0;
    const send = async (
      route: Route,
      url: string,
      auth: string | undefined,
      body?: { type: string; body: string },
    ) => {
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
            `${route.service} ${route.method} ${url.replace(/^http:\/\/[^/]+/, '')} → ${res.status}`,
          );
      } catch (err: unknown) {
        failures.push(`${route.service} ${route.method} ${route.path}: ${(err as Error).message}`);
      }
    };
    for (const route of routes) {
      const base = platform.url(route.service);
      const filled = (value: string) =>
        route.path.replace(/\{[^}]+\}|:[A-Za-z]+/g, encodeURIComponent(value));
      // Hostile path values and query strings, with each kind of caller.
      for (const value of hostileValues.slice(0, 8)) {
        for (const auth of [auths[0], auths[1], auths[3]]) {
          await send(
            route,
            `${base}${filled(value)}?limit=${encodeURIComponent(value)}&cursor=${encodeURIComponent(value)}`,
            auth,
          );
        }
      }
      // Generated and mutated bodies, as every role.
      if (route.method !== 'GET') {
        for (const body of bodies) {
          for (const auth of auths) await send(route, `${base}${filled('ALR-2026-000001')}`, auth, body);
        }
        // A body far over any limit, once, as the most powerful caller.
        await send(route, `${base}${filled('ALR-2026-000001')}`, auths[3], {
          type: 'application/json',
          body: `{"x":"${'y'.repeat(2_000_000)}"}`,
        });
      }
    }
    expect(requests).toBeGreaterThan(1000);
    expect(failures.slice(0, 20)).toEqual([]);
    for (const service of platform.services.values()) await service.ready(30_000);
    const state = await settle(platform, { timeoutMs: 120_000 });
    expect([...state.deadLetters].filter(([, n]) => n > 0)).toEqual([]);
  }, 900_000);
});
