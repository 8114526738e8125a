// `pnpm bench ingest`: ingest against a bare fastify server on this machine, same load generator
// (autocannon), same concurrency. Measures single-event POSTs (req/s, p50/p99, ratio to bare
// fastify) and NDJSON batches of 1,000 events (events/s), and where the CPU went meanwhile.
// Needs Postgres and Redis (DATABASE_URL, REDIS_URL); starts its own broker, ingest and bare
// server as child processes, and removes its scratch schema, Redis db and broker data after.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MedicalExpenseRecorded, topics } from '@huimin/contracts';
import { createKafkaClient, ensureTopics } from '@huimin/kafka';
import { createLogger } from '@huimin/kit';
import { createPool, migrate } from '@huimin/pg';
import pg from 'pg';
import { claimRedisDb } from '../../libs/testkit/src/redis-db.ts';
import { DEV_SECRETS_KEY } from '../../services/ingest/src/config.ts';
import { createCredentialAdmin } from '../../services/ingest/src/credential-admin.ts';
import { createSecretBox } from '../../services/ingest/src/domain/secret-box.ts';
import { createCredentialStore } from '../../services/ingest/src/store/credential-store.ts';
import {
  type CostReport,
  cpuSeconds,
  cpuSecondsOf,
  describeCost,
  loadAverage,
  startCostProbe,
} from '../cost.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const resultFile = process.env.BENCH_RESULT_FILE ?? join(root, 'bench', 'results', 'ingest.json');
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisBaseUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const CONNECTIONS = 50;
const SINGLE_SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = 5;
const BATCH_LINES = 1000;
// ingest processes BULK_CONCURRENCY (default 4) batches at once per replica
const BATCH_CONNECTIONS = Number(process.env.BENCH_BATCH_CONNECTIONS ?? 4);
const BATCH_SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CLAIM = 'huimin.feed.medical-expense.recorded.v1';

// autocannon is ingest's dev dependency; resolve it from there.
const requireFromIngest = createRequire(join(root, 'services', 'ingest', 'package.json'));
const autocannon = requireFromIngest('autocannon') as (options: CannonOptions) => Promise<CannonResult>;

interface CannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}
interface CannonOptions {
  url: string;
  connections: number;
  duration: number;
  requests: { method: string; path: string; setupRequest(request: CannonRequest): CannonRequest }[];
}
interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
}

const children: ChildProcess[] = [];

function start(
  name: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ proc: ChildProcess; info: Record<string, string> }> {
  const proc = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => l.startsWith('{"brokers"') || l.startsWith('{"url"'));
      if (line) resolve({ proc, info: JSON.parse(line) });
    });
    proc.on('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready:\n${stderr}`)));
    if (name === 'ingest') resolve({ proc, info: {} });
  });
}

async function waitReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
      last = await res.text();
    } catch (err: unknown) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`ingest not ready: ${last}`);
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

interface CpuSample {
  at: number;
  driver: number;
  ingest: number;
  broker: number;
  bare: number;
  postgres: number;
  redis: number;
}

async function sampleCpu(pids: { ingest: number; broker: number; bare: number }): Promise<CpuSample> {
  const usage = process.cpuUsage();
  return {
    at: performance.now() / 1000,
    driver: (usage.user + usage.system) / 1e6,
    ingest: await cpuSeconds(pids.ingest),
    broker: await cpuSeconds(pids.broker),
    bare: await cpuSeconds(pids.bare),
    postgres: await cpuSecondsOf('postgres'),
    redis: await cpuSecondsOf('redis-server'),
  };
}

/** Share of one core each process used between two samples (2.0 = both cores of a 2-core box). */
function cpuShare(before: CpuSample, after: CpuSample): Record<string, number> {
  const wall = after.at - before.at;
  const share = (key: keyof CpuSample) => Math.round(((after[key] - before[key]) / wall) * 100) / 100;
  return {
    'autocannon (driver)': share('driver'),
    ingest: share('ingest'),
    'bare fastify': share('bare'),
    'embedded broker': share('broker'),
    postgres: share('postgres'),
    redis: share('redis'),
  };
}

async function metricSums(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sums: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match =
      /^(huimin_ingest_publish_duration_seconds|huimin_http_request_duration_seconds)_(sum|count)\{([^}]*)\} (\S+)$/.exec(
        line,
      );
    if (!match) continue;
    const lane = /lane="(\w+)"/.exec(match[3] ?? '')?.[1];
    const route = /route="([^"]+)"/.exec(match[3] ?? '')?.[1];
    if (match[1] === 'huimin_http_request_duration_seconds' && !route?.startsWith('/v1/events/')) continue;
    const key = `${match[1] === 'huimin_ingest_publish_duration_seconds' ? `publish:${lane}` : `http:${route?.endsWith('/batch') ? 'batch' : 'single'}`}:${match[2]}`;
    sums[key] = (sums[key] ?? 0) + Number(match[4]);
  }
  return sums;
}

function meanMs(before: Record<string, number>, after: Record<string, number>, key: string): number | null {
  const count = (after[`${key}:count`] ?? 0) - (before[`${key}:count`] ?? 0);
  if (count === 0) return null;
  return Math.round((((after[`${key}:sum`] ?? 0) - (before[`${key}:sum`] ?? 0)) / count) * 1e5) / 100;
}

function emptyResult(): CannonResult {
  return {
    requests: { average: 0, total: 0 },
    latency: { p50: 0, p99: 0, average: 0, max: 0 },
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    '2xx': 0,
    duration: 0,
    statusCodeStats: {},
  };
}

function summary(result: CannonResult) {
  return {
    requestsPerSec: Math.round(result.requests.average),
    totalRequests: result.requests.total,
    latencyMs: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      mean: result.latency.average,
      max: result.latency.max,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]),
    ),
  };
}

async function main(): Promise<void> {
  const logger = createLogger({ name: 'bench-ingest', level: 'warn' });
  const dataDir = await mkdtemp(join(tmpdir(), 'huimin-bench-ingest-'));
  const schema = `ingest_bench_${process.pid}`;
  const redis = await claimRedisDb(redisBaseUrl);
  const pool = createPool({ connectionString: databaseUrl, schema, logger });
  try {
    // Broker, topics, credentials.
    const broker = await start('broker', [join(here, 'broker.ts'), join(dataDir, 'kafka')], {});
    const brokers = broker.info.brokers as string;
    const kafka = createKafkaClient({ brokers, clientId: 'bench-ingest', logger });
    await ensureTopics(kafka, { topics: [topics['huimin.feed.medical-expense']], mode: 'dev', logger });
    await migrate(pool, { schema, dir: join(root, 'services', 'ingest', 'migrations'), logger });
    const store = createCredentialStore(pool);
    const admin = createCredentialAdmin({
      store,
      secretBox: createSecretBox(DEV_SECRETS_KEY),
      now: () => new Date(),
    });
    const credential = await admin.create('medical-insurance-bureau', { label: 'bench' });
    await store.setSigningRequired('medical-insurance-bureau', false);
    // The bench measures the pipeline, not the limiter's refusals: limits far above what it sends.
    await store.setRateLimits('medical-insurance-bureau', {
      liveRatePerSecond: 1e9,
      liveBurst: 1e9,
      bulkRatePerSecond: 1e9,
      bulkBurst: 1e9,
    });

    // Ingest, exactly as `pnpm start` runs it, and the bare server.
    const port = await freePort();
    // BENCH_CPU_PROFILE=<dir>: a V8 CPU profile of ingest for the "where does the time go" question.
    const profile = process.env.BENCH_CPU_PROFILE
      ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROFILE]
      : [];
    const ingest = await start('ingest', [...profile, join(root, 'services', 'ingest', 'src', 'main.ts')], {
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      REDIS_URL: redis.url,
      KAFKA_BROKERS: brokers,
      LOG_LEVEL: 'warn',
    });
    const ingestUrl = `http://127.0.0.1:${port}`;
    await waitReady(ingestUrl);
    const bare = await start('bare', [join(here, 'bare-server.ts')], {});
    const bareUrl = bare.info.url as string;
    const pids = { ingest: ingest.proc.pid ?? 0, broker: broker.proc.pid ?? 0, bare: bare.proc.pid ?? 0 };

    const claimBody = JSON.stringify(MedicalExpenseRecorded.example);
    let sequence = 0;
    const single = (url: string, seconds: number) =>
      autocannon({
        url,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path: `/v1/events/${CLAIM}`,
            setupRequest: (request) => ({
              ...request,
              headers: {
                authorization: `Bearer ${credential.apiKey}`,
                'content-type': 'application/json',
                'idempotency-key': `bench-${process.pid}-${sequence++}`,
              },
              body: claimBody,
            }),
          },
        ],
      });

    process.stdout.write(
      `single-event POSTs, ${CONNECTIONS} connections, ${SINGLE_SECONDS} s each (after ${WARMUP_SECONDS} s warm-up)\n`,
    );
    // BENCH_ONLY=single|batch runs one phase, for profiling; only a full run writes the result file.
    const only = process.env.BENCH_ONLY;
    const skipSingle = only === 'batch';
    const skipBatch = only === 'single';
    let bareResult = emptyResult();
    let ingestResult = emptyResult();
    let bareCpu = {};
    let ingestCpu = {};
    let singleTimes = {};
    let singleCost: CostReport | undefined;
    let batchCost: CostReport | undefined;
    const costProcesses = {
      ingest: pids.ingest,
      'embedded broker': pids.broker,
      'autocannon (driver)': 'self' as const,
    };
    let warmupAcknowledged = 0;
    if (!skipSingle) {
      await single(bareUrl, WARMUP_SECONDS);
      let cpuBefore = await sampleCpu(pids);
      bareResult = await single(bareUrl, SINGLE_SECONDS);
      bareCpu = cpuShare(cpuBefore, await sampleCpu(pids));
      process.stdout.write(
        `  bare fastify: ${Math.round(bareResult.requests.average)} req/s, p99 ${bareResult.latency.p99} ms\n`,
      );

      warmupAcknowledged = (await single(ingestUrl, WARMUP_SECONDS))['2xx'];
      const metricsBefore = await metricSums(ingestUrl);
      cpuBefore = await sampleCpu(pids);
      const probe = await startCostProbe({ databaseUrl, schemas: [schema], processes: costProcesses });
      ingestResult = await single(ingestUrl, SINGLE_SECONDS);
      ingestCpu = cpuShare(cpuBefore, await sampleCpu(pids));
      // Receipts follow the answers: the phase's writes end once ingest has written them.
      singleCost = await probe.stop(ingestResult['2xx']);
      process.stdout.write(describeCost('single', singleCost));
      const metricsAfter = await metricSums(ingestUrl);
      singleTimes = {
        httpMeanMs: meanMs(metricsBefore, metricsAfter, 'http:single'),
        publishMeanMs: meanMs(metricsBefore, metricsAfter, 'publish:live'),
      };
      process.stdout.write(
        `  ingest:       ${Math.round(ingestResult.requests.average)} req/s, p99 ${ingestResult.latency.p99} ms\n`,
      );
    }

    // Batches of 1,000 claims, every line a new event id.
    const lineTail = `","data":${claimBody}}`;
    let batchSequence = 0;
    const batchBody = () => {
      const prefix = `{"id":"bench-${process.pid}-b${batchSequence++}-`;
      const lines: string[] = new Array(BATCH_LINES);
      for (let i = 0; i < BATCH_LINES; i++) lines[i] = `${prefix}${i}${lineTail}`;
      return lines.join('\n');
    };
    let batchResult = emptyResult();
    let batchCpu = {};
    let batchTimes = {};
    if (!skipBatch) {
      process.stdout.write(
        `NDJSON batches of ${BATCH_LINES}, ${BATCH_CONNECTIONS} connections, ${BATCH_SECONDS} s\n`,
      );
      const metricsBefore = await metricSums(ingestUrl);
      const cpuBefore = await sampleCpu(pids);
      const probe = await startCostProbe({ databaseUrl, schemas: [schema], processes: costProcesses });
      batchResult = await autocannon({
        url: ingestUrl,
        connections: BATCH_CONNECTIONS,
        duration: BATCH_SECONDS,
        requests: [
          {
            method: 'POST',
            path: `/v1/events/${CLAIM}/batch`,
            setupRequest: (request) => ({
              ...request,
              headers: {
                authorization: `Bearer ${credential.apiKey}`,
                'content-type': 'application/x-ndjson',
                'idempotency-key': `bench-${process.pid}-batch-${batchSequence}`,
              },
              body: batchBody(),
            }),
          },
        ],
      });
      batchCpu = cpuShare(cpuBefore, await sampleCpu(pids));
      batchCost = await probe.stop(batchResult['2xx'] * BATCH_LINES);
      process.stdout.write(describeCost('batch', batchCost));
      const metricsAfter = await metricSums(ingestUrl);
      batchTimes = {
        httpMeanMs: meanMs(metricsBefore, metricsAfter, 'http:batch'),
        publishMeanMs: meanMs(metricsBefore, metricsAfter, 'publish:bulk'),
      };
    }
    const okBatches = batchResult['2xx'];
    const eventsPerSec = Math.round((okBatches * BATCH_LINES) / (batchResult.duration || 1));
    if (!skipBatch) {
      process.stdout.write(
        `  ingest: ${eventsPerSec} events/s (${okBatches} batches of ${BATCH_LINES} in ${batchResult.duration} s), p99 ${batchResult.latency.p99} ms\n`,
      );
    }

    // What reached the topic, as a check that every 2xx was real.
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    const offsets = await kafkaAdmin.fetchTopicOffsets('huimin.feed.medical-expense');
    await kafkaAdmin.disconnect();
    const onTopic = offsets.reduce((sum, p) => sum + Number(p.high), 0);
    const accepted202 = warmupAcknowledged + ingestResult['2xx'] + okBatches * BATCH_LINES;

    const ratio = Math.round((ingestResult.requests.average / bareResult.requests.average) * 100) / 100;
    const result = {
      benchmark: 'ingest',
      measuredAt: new Date().toISOString(),
      loadAverageAtEnd: await loadAverage(),
      machine: {
        cpuModel: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
        node: process.version,
        platform: `${platform()} ${release()}`,
      },
      setup: {
        loadGenerator: 'autocannon 9 in the driver process',
        ingest:
          'services/ingest/src/main.ts as a child process, LOG_LEVEL=warn, defaults otherwise (signing off, limits raised)',
        broker: 'embedded-kafka as a child process (fsync interval), acks=all',
        postgresAndRedis:
          'shared local servers (DATABASE_URL, REDIS_URL); other work on the machine shows in their CPU',
        event: `${CLAIM}, ${Buffer.byteLength(claimBody)} bytes, a new Idempotency-Key per request`,
      },
      single: {
        connections: CONNECTIONS,
        seconds: SINGLE_SECONDS,
        bareFastify: summary(bareResult),
        ingest: summary(ingestResult),
        ratio,
        targets: { ratio: 0.4, p99Ms: 25 },
        met: { ratio: ratio >= 0.4, p99: ingestResult.latency.p99 <= 25 },
        ingestServerTimes: singleTimes,
        cpuCoresUsed: { bareFastifyRun: bareCpu, ingestRun: ingestCpu },
        costPerEvent: singleCost ?? null,
      },
      batch: {
        linesPerBatch: BATCH_LINES,
        connections: BATCH_CONNECTIONS,
        seconds: batchResult.duration,
        eventsPerSec,
        batchesPerSec: Math.round((okBatches / batchResult.duration) * 10) / 10,
        batch: summary(batchResult),
        target: 50_000,
        met: eventsPerSec >= 50_000,
        ingestServerTimes: batchTimes,
        cpuCoresUsed: batchCpu,
        costPerEvent: batchCost ?? null,
      },
      check: {
        eventsAcknowledged: accepted202,
        recordsOnTopic: onTopic,
        note: 'the topic may hold a few more than were acknowledged: requests still in flight when autocannon stops are published but not counted (at most 50 single events per run and 4 batches)',
      },
    };
    if (only === undefined) await writeFile(resultFile, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      `single ratio ${ratio}× bare fastify; ${accepted202} events acknowledged, ${onTopic} records on the topic\n`,
    );
  } finally {
    for (const child of children.reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => {
          const timer = setTimeout(() => {
            child.kill('SIGKILL');
            resolve(undefined);
          }, 10_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve(undefined);
          });
        });
      }
    }
    await pool.end();
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`drop schema if exists ${pg.escapeIdentifier(schema)} cascade`);
    await admin.end();
    await redis.release();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
