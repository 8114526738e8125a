// The order simulator for the dev stack: drives home-visit orders and visits through eldercare's
// own HTTP API, as the hotline and a provider's caregivers would. It logs in at identity as the
// demo bureau admin (places orders for any elder) and the demo provider (P-ANYANG's caregiver),
// then every few seconds places an order for a random elder and works through P-ANYANG's due
// visits: check-in at the elder's door, check-out some minutes later, now and then a no-show.
//
//   node services/eldercare/src/cli/simulate-orders.ts --url http://127.0.0.1:8085 \
//     --identity http://127.0.0.1:8087 [--every-ms 3000] [--once]
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8085' },
    identity: { type: 'string', default: 'http://127.0.0.1:8087' },
    'every-ms': { type: 'string', default: '3000' },
    password: { type: 'string', default: process.env.DEMO_PASSWORD ?? 'huimin-demo-2026' },
    once: { type: 'boolean', default: false },
  },
});
const base = values.url;
const everyMs = Math.max(200, Number(values['every-ms']));
const serviceMix = ['meal-help', 'personal-care', 'cleaning', 'bathing', 'rehab-nursing'] as const;

async function login(username: string): Promise<string> {
  const res = await fetch(`${values.identity}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: values.password }),
  });
  if (!res.ok) throw new Error(`login ${username}: HTTP ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function api<T>(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

interface OrderView {
  orderId: string;
  elderId: string;
  status: string;
  windowStart: string;
}

/** Elders to order for: ELDER_IDS if given, else the first 200 of the county (GET /v1/elders). */
async function eldersToServe(admin: string): Promise<string[]> {
  const fromEnv = process.env.ELDER_IDS?.split(',').filter(Boolean) ?? [];
  if (fromEnv.length) return fromEnv;
  const { body } = await api<{ elderIds: string[] }>(admin, 'GET', '/v1/elders?limit=200');
  return body.elderIds ?? [];
}

let tokens = { admin: '', caregiver: '', at: 0 };
async function fresh(): Promise<typeof tokens> {
  // Access tokens live ~10 minutes; log in again every 5.
  if (Date.now() - tokens.at > 5 * 60_000) {
    tokens = { admin: await login('admin'), caregiver: await login('provider.anyang'), at: Date.now() };
  }
  return tokens;
}

async function tick(): Promise<void> {
  const { admin, caregiver } = await fresh();
  const elders = await eldersToServe(admin);
  const elderId = elders[Math.floor(Math.random() * elders.length)];
  if (elderId) {
    const start = new Date(Date.now() + 60_000 + Math.floor(Math.random() * 4 * 3600_000));
    const serviceType = serviceMix[Math.floor(Math.random() * serviceMix.length)];
    const placed = await api<{ orderId?: string; code?: string }>(admin, 'POST', '/v1/orders', {
      elderId,
      serviceType,
      windowStart: start.toISOString(),
      windowEnd: new Date(start.getTime() + 2 * 3600_000).toISOString(),
      channel: 'hotline',
    });
    process.stdout.write(
      `order ${serviceType}: ${placed.status} ${placed.body.orderId ?? placed.body.code}\n`,
    );
  }
  // The caregiver's phone: check in to one assigned order, check out of one in service.
  const inService = await api<{ orders: OrderView[] }>(
    caregiver,
    'GET',
    '/v1/orders?status=in_service&limit=5',
  );
  for (const o of inService.body.orders ?? []) {
    const home = await homeOf(caregiver, o.orderId);
    if (home) await api(caregiver, 'POST', `/v1/orders/${o.orderId}/check-out`, home);
  }
  const assigned = await api<{ orders: OrderView[] }>(caregiver, 'GET', '/v1/orders?status=assigned&limit=5');
  for (const o of assigned.body.orders ?? []) {
    const home = await homeOf(caregiver, o.orderId);
    if (!home) continue;
    if (Math.random() < 0.05 && Date.parse(o.windowStart) <= Date.now()) {
      await api(caregiver, 'POST', `/v1/orders/${o.orderId}/no-show`);
    } else {
      await api(caregiver, 'POST', `/v1/orders/${o.orderId}/check-in`, home);
    }
  }
}

/** The caregiver's phone stands at the elder's door: the visit address of an order assigned to it. */
async function homeOf(caregiver: string, orderId: string): Promise<{ lng: number; lat: number } | undefined> {
  const { status, body } = await api<{ lng: number; lat: number }>(
    caregiver,
    'GET',
    `/v1/orders/${orderId}/visit-address`,
  );
  return status === 200 ? { lng: body.lng, lat: body.lat } : undefined;
}

for (;;) {
  try {
    await tick();
  } catch (err: unknown) {
    process.stderr.write(`order simulator: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  if (values.once) break;
  await new Promise((resolve) => setTimeout(resolve, everyMs));
}
