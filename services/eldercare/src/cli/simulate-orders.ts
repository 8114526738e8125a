// The order simulator for the dev stack: logs in at identity as the demo bureau admin (places
// orders for any elder) and the demo provider (P-ANYANG's caregiver), then every few seconds
// places an order for a random elder and works through P-ANYANG's visits (see order-simulator.ts).
//
//   node services/eldercare/src/cli/simulate-orders.ts --url http://127.0.0.1:8085 \
//     --identity http://127.0.0.1:8087 [--every-ms 3000] [--once]
import { parseArgs } from 'node:util';
import { createOrderSimulator, type SimulatorTokens } from '../order-simulator.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8085' },
    identity: { type: 'string', default: 'http://127.0.0.1:8087' },
    'every-ms': { type: 'string', default: '3000' },
    admin: { type: 'string', default: 'admin' },
    caregiver: { type: 'string', default: 'provider.anyang' },
    once: { type: 'boolean', default: false },
  },
});
const password = process.env.DEMO_PASSWORD ?? 'huimin-demo-2026';
const everyMs = Math.max(200, Number(values['every-ms']));

async function login(username: string): Promise<string> {
  const res = await fetch(`${values.identity}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username}: HTTP ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

// Access tokens live ~10 minutes; log in again every 5.
let cached: { tokens: SimulatorTokens; at: number } | undefined;
async function tokens(): Promise<SimulatorTokens> {
  if (!cached || Date.now() - cached.at > 5 * 60_000) {
    cached = {
      tokens: { admin: await login(values.admin), caregiver: await login(values.caregiver) },
      at: Date.now(),
    };
  }
  return cached.tokens;
}

const simulator = createOrderSimulator({
  url: values.url,
  tokens,
  log: (line) => process.stdout.write(`${line}\n`),
});
for (;;) {
  try {
    await simulator.tick();
  } catch (err: unknown) {
    process.stderr.write(`order simulator: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  if (values.once) break;
  await new Promise((resolve) => setTimeout(resolve, everyMs));
}
