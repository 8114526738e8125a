// `pnpm bench discovery`: 100,000 risk signals, 30% of which merge into alerts already open,
// consumed by two discovery replicas (two processes running services/discovery/src/main.ts, one
// consumer group) against a real identity for the roster. Measures alerts/s over the drain, then
// signal → alert latency at a steady rate, and checks that no household got a twin alert.
// BENCH_SIGNALS / BENCH_RATE / BENCH_LATENCY_SIGNALS override the sizes; BENCH_CPU_PROFILE=<dir>
// writes V8 CPU profiles of the replicas there.

import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { children, RiskFlagged, topics } from '@huimin/contracts';
import { startBroker } from '@huimin/embedded-kafka';
import {
  createKafkaClient,
  createProducer,
  createPublisher,
  ensureTopics,
  eventRecord,
  type PublishableRecord,
} from '@huimin/kafka';
import { createLogger } from '@huimin/kit';
import { createPool } from '@huimin/pg';
import { hashPassword } from '../../services/identity/src/domain/passwords.ts';
import { startIdentity } from '../../services/identity/test/harness.ts';
import { describeCost, startCostProbe } from '../cost.ts';
import { machine } from '../machine.ts';

const SIGNALS = Number(process.env.BENCH_SIGNALS ?? 100_000);
const MERGE_SHARE = 0.3;
const LATENCY_SIGNALS = Number(process.env.BENCH_LATENCY_SIGNALS ?? 6_000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const COMMUNITIES = 20;
const schema = 'bench_discovery';
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const logger = createLogger({ name: 'bench-discovery', level: 'warn' });
const progress = (line: string) =>
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dataDir = await mkdtemp(join(tmpdir(), 'bench-discovery-'));
const broker = await startBroker({ port: 0, dataDir, logger });
const kafka = createKafkaClient({ brokers: broker.brokers, clientId: 'bench-discovery', logger });
await ensureTopics(kafka, { topics: Object.values(topics), mode: 'dev', logger });
const producer = createProducer(kafka);
await producer.connect();
const publisher = createPublisher({ producer });

// identity, as discovery meets it: a roster of two handlers on each of 20 communities.
const identity = await startIdentity({ name: 'bench_discovery_id' });
const communities = children(children('320585')[0]?.code ?? '')
  .concat(children(children('320585')[1]?.code ?? ''))
  .slice(0, COMMUNITIES)
  .map((c) => c.code);
const people = communities.flatMap((code, i) =>
  [0, 1].map((n) => ({
    id: `u-bench-${i}-${n}`,
    username: `bench.${i}.${n}`,
    role: 'case-handler' as const,
    jurisdictions: [code],
  })),
);
await identity.addPeople(people);
for (const [i, code] of communities.entries())
  await identity.app.rosters.replaceRoster(
    code,
    [`u-bench-${i}-0`, `u-bench-${i}-1`],
    'bench',
    identity.clock.now,
  );
// discovery's dev-stack credentials (its config's defaults).
const [clientId, clientSecret] = ['discovery', 'dev-discovery-secret'];
await identity.app.users.upsertServiceClient(clientId, await hashPassword(clientSecret, { log2N: 10 }));

const pool = createPool({ connectionString: databaseUrl, schema, max: 4, logger });
await pool.query(`drop schema if exists ${schema} cascade`);

// The signals: one flag for each of 70% of the households, a second (higher) one for 30% of them.
const households = Math.round(SIGNALS * (1 - MERGE_SHARE));
const merges = SIGNALS - households;
const flag = (h: number, level: 'catastrophic' | 'severe'): RiskFlagged => ({
  ...RiskFlagged.example,
  flagId: `RF-B-${h}-${level}`,
  householdId: `HB-${h}`,
  communityCode: communities[h % communities.length] as string,
  level,
  flaggedAt: new Date().toISOString(),
});
const record = (payload: RiskFlagged, id: string): PublishableRecord => {
  const r = eventRecord(RiskFlagged, payload, { source: '/huimin/risk', id });
  return { topic: r.topic, key: r.key, headers: r.headers, value: JSON.stringify(r.payload) };
};
progress(`producing ${SIGNALS} signals: ${households} households, ${merges} merging into open alerts`);
const producedAt = Date.now();
let batch: PublishableRecord[] = [];
for (let i = 0; i < SIGNALS; i++) {
  const payload = i < households ? flag(i, 'catastrophic') : flag(i - households, 'severe');
  batch.push(record(payload, `bench-${i}`));
  if (batch.length === 5000 || i === SIGNALS - 1) {
    await publisher.publishRecords(batch);
    batch = [];
  }
}
progress(`produced in ${((Date.now() - producedAt) / 1000).toFixed(1)} s`);

// What the drain costs: Postgres writes in the schema, CPU of each replica (added as they start).
const drainProcesses: Record<string, number | 'self'> = {
  'driver, broker and identity (this process)': 'self',
};
const drainProbe = await startCostProbe({ databaseUrl, schemas: [schema], processes: drainProcesses });

// Two replicas of the service as it is deployed.
function replica(n: number): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      // BENCH_CPU_PROFILE=<dir>: V8 CPU profiles of the replicas (written when they stop).
      ...(process.env.BENCH_CPU_PROFILE
        ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROFILE]
        : []),
      fileURLToPath(new URL('../../services/discovery/src/main.ts', import.meta.url)),
    ],
    {
      env: {
        ...process.env,
        PORT: String(18_300 + n),
        GRPC_PORT: String(18_350 + n),
        DATABASE_URL: databaseUrl,
        DATABASE_SCHEMA: schema,
        KAFKA_BROKERS: broker.brokers,
        IDENTITY_URL: identity.baseUrl,
        AUTH_ISSUER: 'http://identity.test',
        AUTH_JWKS_URL: `${identity.baseUrl}/.well-known/jwks.json`,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return child;
}
const replicas = [replica(0)];
drainProcesses['discovery replica 1'] = replicas[0]?.pid ?? 0;
// The first replica applies the migrations; the second starts once they are there.
for (let i = 0; i < 600; i++) {
  const { rows } = await pool.query(
    `select 1 from information_schema.tables where table_schema = $1 and table_name = 'signal_log'`,
    [schema],
  );
  if (rows.length > 0) break;
  await sleep(100);
}
replicas.push(replica(1));
drainProcesses['discovery replica 2'] = replicas[1]?.pid ?? 0;

async function handled(): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('select count(*) as n from signal_log');
  return Number(rows[0]?.n ?? 0);
}

const samples: { seconds: number; handled: number }[] = [];
const drainStarted = Date.now();
for (;;) {
  const n = await handled();
  samples.push({ seconds: Math.round((Date.now() - drainStarted) / 1000), handled: n });
  if (n >= SIGNALS) break;
  if (Date.now() - drainStarted > 30 * 60_000)
    throw new Error(`only ${n} of ${SIGNALS} signals handled in 30 minutes`);
  if (samples.length % 6 === 0) progress(`${n} / ${SIGNALS} signals handled`);
  await sleep(5000);
}
const { rows: span } = await pool.query<{ first: Date; last: Date }>(
  'select min(received_at) as first, max(handled_at) as last from signal_log',
);
const drainSeconds = ((span[0]?.last.getTime() ?? 0) - (span[0]?.first.getTime() ?? 0)) / 1000;
progress(`drained ${SIGNALS} signals in ${drainSeconds.toFixed(1)} s`);
// Alerts opened by the drain itself (the latency phase opens more later).
const { rows: drainOpened } = await pool.query<{ n: string }>(
  `select count(*) as n from signal_log where outcome = 'opened'`,
);
const drainCost = await drainProbe.stop(SIGNALS);
process.stdout.write(describeCost('per signal', drainCost));

// Latency: a steady RATE of new signals (30% merging), signal published → alert written.
const publishedAt = new Map<string, number>();
let latencyOpened = 0;
const latencyStart = Date.now();
for (let i = 0; i < LATENCY_SIGNALS; i++) {
  const due = latencyStart + (i * 1000) / RATE;
  const wait = due - Date.now();
  if (wait > 0) await sleep(wait);
  // Three in ten raise a drain-phase household that has only its catastrophic alert.
  const merging = i % 10 < 3;
  const payload = merging
    ? flag(merges + (i % (households - merges)), 'severe')
    : flag(households + i, 'catastrophic');
  if (!merging) latencyOpened += 1;
  const id = `lat-${i}`;
  publishedAt.set(id, Date.now());
  await publisher.publishRecords([record(payload, id)]);
}
for (let i = 0; i < 600 && (await handled()) < SIGNALS + LATENCY_SIGNALS; i++) await sleep(500);
const { rows: lat } = await pool.query<{ event_id: string; received_at: Date }>(
  `select event_id, received_at from signal_log where event_id like 'lat-%'`,
);
const latencies = lat
  .map((r) => r.received_at.getTime() - (publishedAt.get(r.event_id) ?? 0))
  .sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? null;

// Correctness: one live alert per household and type, and every signal accounted for.
const { rows: twins } = await pool.query<{ n: string }>(
  `select count(*) as n from (select subject_key, type from alerts group by 1, 2 having count(*) > 1) t`,
);
const { rows: outcomes } = await pool.query<{ outcome: string; n: string }>(
  'select outcome, count(*) as n from signal_log group by 1',
);
const { rows: alertCount } = await pool.query<{ n: string }>('select count(*) as n from alerts');
const outcome = Object.fromEntries(outcomes.map((r) => [r.outcome, Number(r.n)]));

for (const child of replicas) child.kill('SIGTERM');
await Promise.all(replicas.map((c) => new Promise((r) => c.once('exit', r))));
await pool.query(`drop schema if exists ${schema} cascade`);
await pool.end();
await producer.disconnect();
await identity.close();
await broker.close();
await rm(dataDir, { recursive: true, force: true });

const result = {
  benchmark: 'discovery',
  measuredAt: new Date().toISOString(),
  machine: machine(),
  workload: {
    signals: SIGNALS,
    households,
    mergingSignals: merges,
    communities: COMMUNITIES,
    replicas: 2,
    note: 'RiskFlagged signals produced to the embedded broker first, then drained by two processes of services/discovery/src/main.ts in one consumer group, Postgres and the broker on the same 2-core machine',
  },
  drain: {
    seconds: Math.round(drainSeconds * 10) / 10,
    signalsPerSec: Math.round(SIGNALS / drainSeconds),
    alertsOpened: Number(drainOpened[0]?.n ?? 0),
    alertsOpenedPerSec: Math.round(Number(drainOpened[0]?.n ?? 0) / drainSeconds),
    costPerSignal: drainCost,
    samples,
  },
  latency: {
    signals: LATENCY_SIGNALS,
    ratePerSec: RATE,
    measured: latencies.length,
    p50Ms: pct(50),
    p99Ms: pct(99),
    maxMs: latencies.at(-1) ?? null,
    note: 'from handing the signal to the producer to the end of discovery’s handling (alert written, just before its commit with the inbox row)',
  },
  correctness: {
    alerts: Number(alertCount[0]?.n ?? 0),
    expectedAlerts: households + latencyOpened,
    outcomes: outcome,
    householdsWithTwinAlerts: Number(twins[0]?.n ?? 0),
  },
};
writeFileSync(process.env.BENCH_RESULT_FILE ?? 'discovery.json', `${JSON.stringify(result, null, 2)}\n`);
progress(
  `done: ${JSON.stringify({ drain: { ...result.drain, samples: undefined }, latency: result.latency, correctness: result.correctness })}`,
);
