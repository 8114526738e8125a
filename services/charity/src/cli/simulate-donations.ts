// `pnpm --filter @huimin/charity simulate [--url http://127.0.0.1:8086] [--rate 6] [--deliveries 2]
//   [--count N] [--seed 1] [--sandbox <file>]`
// The public donating, as the dev stack should see it: a donor picks a fund on the donation page
// (a payment order), pays with WeChat Pay or Alipay, and the provider notifies charity, usually
// more than once, signed with the sandbox keys seed-dev made. Runs until stopped (or --count).
import { parseArgs } from 'node:util';
import { loadPaymentSandbox } from '../payments/payment-config.ts';
import { alipayNotification, wechatPayNotification } from '../payments/provider-sandbox.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.CHARITY_URL ?? 'http://127.0.0.1:8086' },
    rate: { type: 'string', default: '6' },
    deliveries: { type: 'string', default: '2' },
    count: { type: 'string' },
    seed: { type: 'string', default: '1' },
    sandbox: { type: 'string' },
  },
});

const perMinute = Number(values.rate);
const deliveries = Number(values.deliveries);
const limit = values.count === undefined ? Number.POSITIVE_INFINITY : Number(values.count);
if (!(perMinute > 0) || !Number.isInteger(deliveries) || deliveries < 1 || !(limit > 0)) {
  process.stderr.write('--rate must be > 0, --deliveries an integer ≥ 1, --count > 0\n');
  process.exit(2);
}
const sandbox = loadPaymentSandbox(values.sandbox ?? process.env.PAYMENT_SANDBOX_FILE);

// A small seeded generator, so two runs with the same seed donate the same way.
let state = Number(values.seed) >>> 0 || 1;
function random(): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

// Synthetic donors: common surnames and given names, and made-up companies. Most people give
// 10–500 yuan; a few companies give much more.
const surnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙', '朱', '顾', '陆'];
const givenNames = ['建华', '秀英', '志强', '丽娟', '伟', '芳', '敏', '静', '磊', '红梅', '国平', '晓东'];
const companies = [
  '太仓某精密机械有限公司',
  '太仓港某物流有限公司',
  '沙溪某纺织有限公司',
  '浏河某食品有限公司',
];
const purposes = ['medical', 'education', 'elderly-care', 'disability', 'hardship'] as const;

function donation(fundIds: readonly string[]) {
  const roll = random();
  const donor =
    roll < 0.25
      ? { kind: 'anonymous' as const, publishName: false }
      : roll < 0.9
        ? { kind: 'person' as const, name: pick(surnames) + pick(givenNames), publishName: random() < 0.3 }
        : { kind: 'organisation' as const, name: pick(companies), publishName: random() < 0.8 };
  const yuan =
    donor.kind === 'organisation'
      ? 5_000 + Math.floor(random() * 50) * 1_000
      : pick([10, 20, 50, 100, 200, 500]);
  return {
    provider: random() < 0.6 ? ('wechat-pay' as const) : ('alipay' as const),
    fundId: pick(fundIds),
    amountFen: yuan * 100,
    restriction: random() < 0.4 ? { purpose: pick(purposes) } : {},
    donor,
  };
}

async function post(path: string, init: { headers: Record<string, string>; body: string }) {
  return fetch(new URL(path, values.url), { method: 'POST', ...init, signal: AbortSignal.timeout(10_000) });
}

const funds = (await (await fetch(new URL('/public/v1/funds', values.url))).json()) as {
  funds: { fundId: string }[];
};
const fundIds = funds.funds.map((f) => f.fundId);
const tally = { donations: 0, deliveries: 0, refused: 0 };
let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});
process.on('SIGINT', () => {
  stopping = true;
});

let sequence = 0;
while (!stopping && tally.donations < limit) {
  const request = donation(fundIds);
  const orderRes = await post('/public/v1/payment-orders', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  if (orderRes.status !== 201) {
    tally.refused++;
    process.stderr.write(`payment order refused: ${orderRes.status} ${await orderRes.text()}\n`);
  } else {
    const { orderId } = (await orderRes.json()) as { orderId: string };
    sequence++;
    const payment = {
      outTradeNo: orderId,
      transactionId: `${request.provider === 'wechat-pay' ? '4200' : '2026'}${Date.now()}${String(sequence).padStart(8, '0')}`,
      amountFen: request.amountFen,
      paidAt: new Date(),
    };
    // The provider retries until it hears success; a duplicate delivery must change nothing.
    for (let delivery = 0; delivery < deliveries; delivery++) {
      const res =
        request.provider === 'wechat-pay'
          ? await (async () => {
              const n = wechatPayNotification(sandbox.wechatPay, payment, { now: new Date() });
              return post('/public/v1/payments/wechat-pay/notify', { headers: n.headers, body: n.body });
            })()
          : await post('/public/v1/payments/alipay/notify', {
              headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
              body: alipayNotification(sandbox.alipay, payment, { now: new Date() }),
            });
      tally.deliveries++;
      if (!res.ok) {
        tally.refused++;
        process.stderr.write(`notification refused: ${res.status} ${await res.text()}\n`);
      }
    }
    tally.donations++;
    if (tally.donations % 20 === 0) process.stdout.write(`${JSON.stringify({ simulated: tally })}\n`);
  }
  await new Promise((resolve) => setTimeout(resolve, (60_000 / perMinute) * (0.5 + random())));
}
process.stdout.write(`${JSON.stringify({ simulated: tally })}\n`);
