// `pnpm bench notify`: 1,000 SSE clients over two notify replicas (500 handlers, each with one tab
// on each replica), while alerts are published to discovery's alert stream at 200 a second for
// 60 s, each assigned to one of the handlers. Measures raised → received (the event's time to its
// arrival at the client) and checks that every tab received every alert of its handler exactly
// once and nothing else. Needs Postgres (DATABASE_URL) and Redis (REDIS_URL); starts its own broker,
// token issuer and two notify processes; removes its scratch schema and files after.
// BENCH_SECONDS, BENCH_RATE and BENCH_HANDLERS shrink it for a trial.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AlertOpened, discoveryAlertStream, taicang } from '@huimin/contracts';
import { createKafkaClient, createProducer, createPublisher, ensureTopics, eventRecord } from '@huimin/kafka';
import { createLogger } from '@huimin/kit';
import pg from 'pg';
import { createTestIssuer } from '../../libs/auth/src/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const resultFile = process.env.BENCH_RESULT_FILE ?? join(root, 'bench', 'results', 'notify.json');
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const HANDLERS = Number(process.env.BENCH_HANDLERS ?? 500);
const TABS = 2; // one on each replica
const TARGET_P99_MS = 200;
const TICK_MS = 50;

const children: ChildProcess[] = [];
const logger = createLogger({ name: 'bench-notify', level: 'warn' });

function spawnChild(args: string[], env: Record<string, string>): ChildProcess {
  const proc = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  return proc;
}

function firstJsonLine(proc: ChildProcess, prefix: string): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => l.startsWith(prefix));
      if (line) resolve(JSON.parse(line));
    });
    proc.on('exit', (code) => reject(new Error(`child exited (${code}) before it was ready`)));
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
    if (proc.exitCode !== null) throw new Error(`notify exited (${proc.exitCode}):\n${stderr}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`notify not ready:\n${stderr}`);
}

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
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1) ?? 0),
  };
}

/** One SSE tab: counts what it receives per alert, and how long each took from its raising. */
interface Tab {
  handler: number;
  replica: number;
  ready: Promise<void>;
  received: Map<string, number>;
  foreign: number;
  close(): void;
}

const latencies: number[] = [];

function openTab(baseUrl: string, token: string, handler: number, replica: number, userId: string): Tab {
  const received = new Map<string, number>();
  let markReady: () => void = () => {};
  let fail: (err: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    fail = reject;
  });
  const tab: Tab = { handler, replica, ready, received, foreign: 0, close: () => req.destroy() };
  const req = httpRequest(
    new URL('/v1/stream', baseUrl),
    { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, agent: false },
    (res) => {
      if (res.statusCode !== 200) fail(new Error(`stream answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (block.includes('event: ready')) markReady();
          if (!block.includes('event: alert')) continue;
          const data = block.slice(block.indexOf('data: ') + 6);
          const notice = JSON.parse(data) as { alertId: string; occurredAt: string; assigneeUserId?: string };
          latencies.push(Date.now() - Date.parse(notice.occurredAt));
          if (notice.assigneeUserId !== userId) tab.foreign++;
          received.set(notice.alertId, (received.get(notice.alertId) ?? 0) + 1);
        }
      });
    },
  );
  req.on('error', (err) => fail(err));
  req.end();
  return tab;
}

const schema = `bench_notify_${randomBytes(4).toString('hex')}`;
const workDir = await mkdtemp(join(tmpdir(), 'huimin-bench-notify-'));
const admin = new pg.Client({ connectionString: databaseUrl });
await admin.connect();
const issuer = await createTestIssuer();
const tabs: Tab[] = [];

async function cleanUp(): Promise<void> {
  for (const tab of tabs) tab.close();
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 2000));
  await issuer.close();
  await admin.query(`drop schema if exists ${pg.escapeIdentifier(schema)} cascade`);
  await admin.end();
  await rm(workDir, { recursive: true, force: true });
}

try {
  const broker = spawnChild([join(here, 'broker.ts'), join(workDir, 'kafka')], {});
  const { brokers = '' } = await firstJsonLine(broker, '{"brokers"');
  const kafka = createKafkaClient({ brokers, clientId: 'bench-notify', logger });
  await ensureTopics(kafka, { topics: [discoveryAlertStream], mode: 'dev', logger });

  const replicas: { url: string; proc: ChildProcess }[] = [];
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const proc = spawnChild([join(root, 'services', 'notify', 'src', 'main.ts')], {
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      REDIS_URL: redisUrl,
      KAFKA_BROKERS: brokers,
      AUTH_ISSUER: issuer.issuer,
      CONSUMER_GROUP: `notify-${schema}`,
      LOG_LEVEL: 'warn',
    });
    replicas.push({ url: `http://127.0.0.1:${port}`, proc });
    // One after the other: the second starts once the first has migrated the schema.
    await waitReady(`http://127.0.0.1:${port}`, proc);
  }

  // 500 handlers spread over Taicang's communities, each signed in on both replicas.
  const communities = taicang.communities();
  const handlers = Array.from({ length: HANDLERS }, (_, i) => ({
    userId: `u-bench-${i}`,
    community: communities[i % communities.length]?.code ?? '',
  }));
  for (const [i, h] of handlers.entries()) {
    const token = await issuer.userToken({
      userId: h.userId,
      role: 'case-handler',
      jurisdictions: [h.community],
    });
    for (let r = 0; r < TABS; r++) tabs.push(openTab(replicas[r]?.url ?? '', token, i, r, h.userId));
  }
  await Promise.all(tabs.map((t) => t.ready));
  console.log(`${tabs.length} SSE clients connected over ${replicas.length} replicas`);

  const producer = createProducer(kafka);
  await producer.connect();
  const publisher = createPublisher({ producer });
  const cpuBefore = await Promise.all(replicas.map((r) => cpuSeconds(r.proc.pid)));
  const total = RATE * SECONDS;
  const expected = new Map<number, string[]>();
  const perTick = (RATE * TICK_MS) / 1000;
  const started = Date.now();
  let sent = 0;
  let tick = 0;
  while (sent < total) {
    // Paced by the wall clock: tick n is due at started + n × 50 ms, whatever the last one took.
    const due = started + tick * TICK_MS;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const batch = [];
    const upto = Math.min(total, Math.round((tick + 1) * perTick));
    for (; sent < upto; sent++) {
      const handler = sent % HANDLERS;
      const h = handlers[handler] as { userId: string; community: string };
      const alertId = `ALR-2026-${String(sent + 1).padStart(6, '0')}`;
      const list = expected.get(handler) ?? [];
      list.push(alertId);
      expected.set(handler, list);
      const record = eventRecord(
        AlertOpened,
        {
          alertId,
          communityCode: h.community,
          townCode: h.community.slice(0, 9),
          assigneeUserId: h.userId,
          householdId: `HH-B${String(sent).padStart(7, '0')}`,
          type: 'medical-hardship',
          title: '因病致贫风险',
          priority: 'P2',
          origin: 'signal',
          reasons: [{ code: 'OOP_OVER_25_PERCENT', summary: '近12个月自付医疗费用超过家庭年收入25%' }],
          sourceEventIds: [],
          raisedAt: new Date().toISOString(),
          acknowledgeDueAt: new Date(Date.now() + 2 * 3600_000).toISOString(),
          visitDueAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
        },
        { source: '/huimin/discovery' },
      );
      batch.push({
        topic: record.topic,
        key: record.key,
        headers: record.headers,
        value: JSON.stringify(record.payload),
      });
    }
    await publisher.publishRecords(batch);
    tick++;
  }
  const publishSeconds = (Date.now() - started) / 1000;
  console.log(`${sent} alerts published in ${publishSeconds.toFixed(1)} s; waiting for the last deliveries`);

  const complete = () =>
    tabs.every((t) => (expected.get(t.handler) ?? []).every((id) => (t.received.get(id) ?? 0) >= 1));
  const drainDeadline = Date.now() + 60_000;
  while (!complete() && Date.now() < drainDeadline) await new Promise((r) => setTimeout(r, 250));
  const drainSeconds = (Date.now() - started) / 1000 - publishSeconds;
  await new Promise((r) => setTimeout(r, 2000)); // late duplicates, if any, would show up now
  const cpuAfter = await Promise.all(replicas.map((r) => cpuSeconds(r.proc.pid)));
  await producer.disconnect();

  let lost = 0;
  let duplicated = 0;
  let unexpected = 0;
  let tabsWithProblems = 0;
  for (const tab of tabs) {
    const mine = new Set(expected.get(tab.handler) ?? []);
    let problem = false;
    for (const id of mine) {
      const n = tab.received.get(id) ?? 0;
      if (n === 0) lost++;
      if (n > 1) duplicated += n - 1;
      if (n !== 1) problem = true;
    }
    for (const id of tab.received.keys()) {
      if (!mine.has(id)) {
        unexpected++;
        problem = true;
      }
    }
    if (tab.foreign > 0) problem = true;
    if (problem) tabsWithProblems++;
  }
  const latency = percentiles(latencies);
  const result = {
    benchmark: 'notify',
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
      clients: tabs.length,
      handlers: HANDLERS,
      tabsPerHandler: TABS,
      replicas: replicas.length,
      alertsPerSecond: RATE,
      seconds: SECONDS,
      notify:
        'services/notify/src/main.ts ×2 as child processes (LOG_LEVEL=warn), one consumer group, fan-out through the local Redis',
      broker: 'embedded-kafka as a child process; discovery alert stream with 6 partitions',
      clients_: 'node:http SSE readers in the driver process, which also publishes the alerts (acks=all)',
      latency:
        'raised → received: the event’s CloudEvents time (set when published) to its arrival at the tab',
    },
    results: {
      alertsPublished: sent,
      publishSeconds: Math.round(publishSeconds * 10) / 10,
      drainSecondsAfterLastPublish: Math.round(drainSeconds * 10) / 10,
      deliveriesExpected: sent * TABS,
      deliveriesReceived: latencies.length,
      lost,
      duplicated,
      unexpected,
      tabsWithProblems,
      raisedToReceivedMs: latency,
      targetP99Ms: TARGET_P99_MS,
      targetMet: latency.p99 <= TARGET_P99_MS && lost === 0 && duplicated === 0 && unexpected === 0,
      notifyCpuSeconds: replicas.map(
        (_, i) => Math.round(((cpuAfter[i] ?? 0) - (cpuBefore[i] ?? 0)) * 10) / 10,
      ),
    },
  };
  await writeFile(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result.results, null, 2));
} finally {
  await cleanUp();
}
