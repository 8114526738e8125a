// `pnpm bench charity`: 50 concurrent clients for 60 s against charity on this machine, half of
// them recording donations through the API, half donating through WeChat Pay or Alipay, each
// payment notified three times at once (a delivery and two duplicates). Measures booked donations
// per second and request latencies, then checks the books: receipt numbers without a gap or a
// duplicate, one donation per provider transaction, the ledger balanced, every donation announced.
// Needs Postgres (DATABASE_URL); starts its own broker, token issuer and charity (child process);
// removes its scratch schema and files after. BENCH_SECONDS shortens the run for a trial.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PersonRecordRead, taicang, topics } from '@huimin/contracts';
import { createKafkaClient, ensureTopics } from '@huimin/kafka';
import { createLogger } from '@huimin/kit';
import { createPool, migrate } from '@huimin/pg';
import pg from 'pg';
import { createTestIssuer } from '../../libs/auth/src/index.ts';
import {
  ensurePaymentSandbox,
  loadPaymentSandbox,
} from '../../services/charity/src/payments/payment-config.ts';
import {
  alipayNotification,
  wechatPayNotification,
} from '../../services/charity/src/payments/provider-sandbox.ts';
import { seedFunds } from '../../services/charity/src/seed-funds.ts';
import { createFundStore } from '../../services/charity/src/store/fund-store.ts';
import { reconciliationStore } from '../../services/charity/src/store/reconciliation-store.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const resultFile = process.env.BENCH_RESULT_FILE ?? join(root, 'bench', 'results', 'charity.json');
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CLIENTS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const DELIVERIES = 3;

const children: ChildProcess[] = [];
const logger = createLogger({ name: 'bench-charity', level: 'warn' });

function spawnChild(args: string[], env: Record<string, string>, cwd = root): ChildProcess {
  const proc = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  return proc;
}

function firstJsonLine(proc: ChildProcess, prefix: string): Promise<Record<string, string>> {
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => l.startsWith(prefix));
      if (line) resolve(JSON.parse(line));
    });
    proc.on('exit', (code) => reject(new Error(`child exited (${code}) before it was ready:\n${stderr}`)));
  });
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitReady(url: string, proc: ChildProcess, timeoutMs = 60_000): Promise<void> {
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`charity exited (${proc.exitCode}):\n${stderr}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`charity not ready:\n${stderr}`);
}

/** CPU seconds used so far by a process (utime + stime from /proc). */
async function cpuSeconds(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1) ?? 0),
    mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
  };
}

const schema = `bench_charity_${randomBytes(4).toString('hex')}`;
const workDir = await mkdtemp(join(tmpdir(), 'huimin-bench-charity-'));
const admin = new pg.Client({ connectionString: databaseUrl });
await admin.connect();
const pool = createPool({ connectionString: databaseUrl, schema, max: 4 });
const issuer = await createTestIssuer();

async function cleanUp(): Promise<void> {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1500));
  await issuer.close();
  await pool.end();
  await admin.query(`drop schema if exists ${pg.escapeIdentifier(schema)} cascade`);
  await admin.end();
  await rm(workDir, { recursive: true, force: true });
}

try {
  // The books: a scratch schema with charity's migrations and Taicang's funds.
  await migrate(pool, { schema, dir: join(root, 'services', 'charity', 'migrations') });
  await seedFunds(createFundStore(pool), taicang);
  const fundIds = (await pool.query<{ fund_id: string }>('select fund_id from funds')).rows.map(
    (r) => r.fund_id,
  );

  const broker = spawnChild([join(here, 'broker.ts'), join(workDir, 'kafka')], {});
  const { brokers } = await firstJsonLine(broker, '{"brokers"');
  const kafka = createKafkaClient({ brokers: brokers ?? '', clientId: 'bench-charity', logger });
  await ensureTopics(kafka, {
    topics: [topics['huimin.charity.fund'], PersonRecordRead.topic],
    mode: 'dev',
    logger,
  });

  const sandboxFile = join(workDir, 'payment-sandbox.json');
  ensurePaymentSandbox(sandboxFile);
  const sandbox = loadPaymentSandbox(sandboxFile);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const charity = spawnChild(
    [join('src', 'main.ts')],
    {
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      KAFKA_BROKERS: brokers ?? '',
      AUTH_ISSUER: issuer.issuer,
      AUTH_JWKS_URL: issuer.jwksUrl,
      PAYMENT_SANDBOX_FILE: sandboxFile,
      RECONCILE_ENABLED: 'false',
      LOG_LEVEL: 'warn',
    },
    join(root, 'services', 'charity'),
  );
  await waitReady(url, charity);
  const token = await issuer.userToken(
    { userId: 'u-bench-approver', role: 'charity-approver', jurisdictions: ['320585'] },
    { ttlSeconds: 3600 },
  );

  const latency = { apiDonation: [] as number[], paymentOrder: [] as number[], notification: [] as number[] };
  const tally = { apiDonations: 0, payments: 0, deliveries: 0, failures: 0, failureSamples: [] as string[] };
  const fail = (what: string) => {
    tally.failures++;
    if (tally.failureSamples.length < 10) tally.failureSamples.push(what);
  };
  let transactionSeq = 0;

  async function timed(bucket: number[], send: () => Promise<Response>): Promise<Response> {
    const started = performance.now();
    const res = await send();
    await res.arrayBuffer();
    bucket.push(performance.now() - started);
    return res;
  }

  async function apiDonation(client: number): Promise<void> {
    const res = await timed(latency.apiDonation, () =>
      fetch(`${url}/v1/donations`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify({
          fundId: fundIds[client % fundIds.length],
          amountFen: 100 + Math.floor(Math.random() * 100_000),
          channel: client % 2 === 0 ? 'bank-transfer' : 'cash',
          donor: { kind: 'person', name: '张伟', publishName: false },
        }),
      }),
    );
    if (res.status === 201) tally.apiDonations++;
    else fail(`api donation ${res.status}`);
  }

  // One payment: order, then three deliveries of its notification at once.
  async function pay(client: number): Promise<void> {
    const provider = client % 4 === 1 ? 'alipay' : 'wechat-pay';
    const amountFen = 100 * (10 + Math.floor(Math.random() * 500));
    const started = performance.now();
    const orderRes = await fetch(`${url}/public/v1/payment-orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        provider,
        fundId: fundIds[(client * 7) % fundIds.length],
        amountFen,
        restriction: { purpose: 'medical' },
        donor: { kind: 'anonymous', publishName: false },
      }),
    });
    const order = (await orderRes.json()) as { orderId?: string };
    latency.paymentOrder.push(performance.now() - started);
    if (orderRes.status !== 201 || order.orderId === undefined)
      return fail(`payment order ${orderRes.status}`);
    transactionSeq++;
    const settled = {
      outTradeNo: order.orderId,
      transactionId: `${provider === 'alipay' ? '2026' : '4200'}${String(transactionSeq).padStart(24, '0')}`,
      amountFen,
      paidAt: new Date(),
    };
    const deliveries = Array.from({ length: DELIVERIES }, () => {
      if (provider === 'wechat-pay') {
        const n = wechatPayNotification(sandbox.wechatPay, settled, { now: new Date() });
        return () =>
          fetch(`${url}/public/v1/payments/wechat-pay/notify`, {
            method: 'POST',
            headers: n.headers,
            body: n.body,
          });
      }
      const form = alipayNotification(sandbox.alipay, settled, { now: new Date() });
      return () =>
        fetch(`${url}/public/v1/payments/alipay/notify`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          body: form,
        });
    });
    const responses = await Promise.all(deliveries.map((send) => timed(latency.notification, send)));
    tally.deliveries += responses.length;
    const refused = responses.filter((r) => !r.ok);
    if (refused.length > 0) fail(`notification ${refused.map((r) => r.status).join(',')}`);
    else tally.payments++;
  }

  process.stdout.write(`charity on ${url}; ${CLIENTS} clients for ${SECONDS} s …\n`);
  const cpuBefore = { charity: await cpuSeconds(charity.pid), broker: await cpuSeconds(broker.pid) };
  const driverCpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const deadline = startedAt + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      let round = 0;
      while (performance.now() < deadline) {
        try {
          if ((client + round) % 2 === 0) await apiDonation(client);
          else await pay(client);
        } catch (err: unknown) {
          fail((err as Error).message);
        }
        round++;
      }
    }),
  );
  const elapsed = (performance.now() - startedAt) / 1000;
  const driverCpu = process.cpuUsage(driverCpuBefore);
  const cpu = {
    charitySeconds: Math.round(((await cpuSeconds(charity.pid)) - cpuBefore.charity) * 10) / 10,
    brokerSeconds: Math.round(((await cpuSeconds(broker.pid)) - cpuBefore.broker) * 10) / 10,
    loadGeneratorSeconds: Math.round(((driverCpu.user + driverCpu.system) / 1e6) * 10) / 10,
  };
  const booked = tally.apiDonations + tally.payments;
  process.stdout.write(`${booked} donations booked in ${elapsed.toFixed(1)} s; checking the books …\n`);

  // The checks.
  const q = async <T extends pg.QueryResultRow>(sql: string) => (await pool.query<T>(sql)).rows;
  const receipts = await q<{
    year: number;
    n: string;
    distinct_numbers: string;
    first: number;
    last: number;
  }>(
    `select receipt_year as year, count(*) as n, count(distinct receipt_number) as distinct_numbers,
            min(receipt_sequence) as first, max(receipt_sequence) as last
       from donations group by receipt_year order by 1`,
  );
  const receiptGaps = receipts.map((r) => ({
    year: r.year,
    receipts: Number(r.n),
    gapless: r.first === 1 && r.last === Number(r.n),
    duplicates: Number(r.n) - Number(r.distinct_numbers),
  }));
  const [donationCount] = await q<{ n: string }>('select count(*) as n from donations');
  const duplicateTransactions = await q<{ n: string }>(
    `select count(*) as n from (select 1 from donations where provider is not null
       group by provider, provider_transaction_id having count(*) > 1) d`,
  );
  const bookedDeliveries = await q<{ outcome: string; n: string }>(
    'select outcome, count(*) as n from notification_deliveries group by 1 order by 1',
  );
  const problems = await reconciliationStore.findProblems(pool);
  const [entrySum] = await q<{ total: string }>(
    'select coalesce(sum(amount_fen), 0) as total from ledger_entries',
  );

  // Every donation announced: wait for the relay to empty the outbox, then count the topic.
  const outboxDeadline = Date.now() + 60_000;
  let unsent = -1;
  while (Date.now() < outboxDeadline) {
    unsent = Number((await q<{ n: string }>('select count(*) as n from outbox where sent_at is null'))[0]?.n);
    if (unsent === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  const offsets = await kafkaAdmin.fetchTopicOffsets('huimin.charity.fund');
  await kafkaAdmin.disconnect();
  const eventsOnTopic = offsets.reduce((sum, o) => sum + Number(o.high), 0);

  const checks = {
    receiptNumbers: receiptGaps,
    noReceiptGap: receiptGaps.every((r) => r.gapless && r.duplicates === 0),
    donationsInDatabase: Number(donationCount?.n),
    donationsTheClientsSawBooked: booked,
    noDuplicateDonation: Number(duplicateTransactions[0]?.n) === 0 && Number(donationCount?.n) === booked,
    notificationDeliveries: Object.fromEntries(bookedDeliveries.map((r) => [r.outcome, Number(r.n)])),
    ledgerBalanced: problems.length === 0 && Number(entrySum?.total) === 0,
    reconciliationProblems: problems.length,
    outboxUnsent: unsent,
    donationEventsOnTopic: eventsOnTopic,
  };

  const result = {
    benchmark: 'charity',
    measuredAt: new Date().toISOString(),
    machine: {
      cpuModel: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      platform: `${platform()} ${release()}`,
      postgres: (await admin.query<{ server_version: string }>('show server_version')).rows[0]
        ?.server_version,
    },
    setup: {
      clients: CLIENTS,
      seconds: SECONDS,
      mix: 'each client alternates: an API donation (POST /v1/donations, bearer token, new Idempotency-Key), then a payment (payment order, then its WeChat Pay or Alipay notification delivered 3 times at once, each delivery freshly signed with RSA-2048 in the driver)',
      charity:
        'services/charity/src/main.ts as a child process, LOG_LEVEL=warn, outbox relay on, reconciliation scheduler off',
      broker: 'embedded-kafka as a child process',
      postgres: 'the shared local server (DATABASE_URL), synchronous_commit as configured there',
      loadGenerator: 'fetch (undici) in the driver process, which also signs the notifications',
    },
    results: {
      elapsedSeconds: Math.round(elapsed * 10) / 10,
      donationsBooked: booked,
      donationsPerSecond: Math.round((booked / elapsed) * 10) / 10,
      apiDonations: tally.apiDonations,
      payments: tally.payments,
      notificationDeliveries: tally.deliveries,
      failures: tally.failures,
      failureSamples: tally.failureSamples,
      latencyMs: {
        apiDonation: percentiles(latency.apiDonation),
        paymentOrder: percentiles(latency.paymentOrder),
        notification: percentiles(latency.notification),
      },
      cpuSeconds: cpu,
    },
    checks,
    passed:
      checks.noReceiptGap && checks.noDuplicateDonation && checks.ledgerBalanced && tally.failures === 0,
  };
  await writeFile(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(
    `${JSON.stringify({ results: result.results, checks, passed: result.passed }, null, 2)}\n`,
  );
  if (!result.passed) process.exitCode = 1;
} finally {
  await cleanUp();
}
