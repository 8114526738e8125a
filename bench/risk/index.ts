// `pnpm bench risk`: 1,000,000 claims over 200,000 households produced to the broker and consumed
// by risk — sustained claims/s for one instance, then two instances sharing the partitions, with
// an exact total. BENCH_HOUSEHOLDS / BENCH_CLAIMS override the sizes (the are the defaults).
// The broker and each risk instance run in processes of their own; this process produces and measures.

import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  HouseholdRegistered,
  MedicalExpenseRecorded,
  MemberIncomeReported,
  syntheticResidentId,
  topics,
} from '@huimin/contracts';
import {
  createKafkaClient,
  createProducer,
  createPublisher,
  ensureTopics,
  eventRecord,
  type PublishableRecord,
} from '@huimin/kafka';
import { createLogger } from '@huimin/kit';
import { createPool, migrate } from '@huimin/pg';
import { CLAIMS_BY_HOUSEHOLD } from '../../services/risk/src/handlers/topics.ts';
import { describeCost, startCostProbe } from '../cost.ts';

const HOUSEHOLDS = Number(process.env.BENCH_HOUSEHOLDS ?? 200_000);
/** Events of one partition per transaction (risk's RISK_BATCH_SIZE). */
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 1_000_000);
const logger = createLogger({ name: 'bench-risk', level: 'warn' });
const schema = 'bench_risk';
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const dataDir = await mkdtemp(join(tmpdir(), 'bench-risk-'));
const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

/** A child process on this Node, its stdout's first JSON line awaited by `firstJsonLine`. */
const children: ChildProcess[] = [];
// A failing run must not leave its broker or instances behind.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});
function spawnChild(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}
function firstJsonLine(proc: ChildProcess, prefix: string): Promise<Record<string, unknown>> {
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    let found = false;
    // The listener stays to drain the child's log (a full pipe would block it); once the line is found it ignores the rest.
    proc.stdout?.on('data', (chunk: Buffer) => {
      if (found) return;
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        if (line.startsWith(prefix)) {
          try {
            resolve(JSON.parse(line) as Record<string, unknown>);
            found = true;
            buffered = '';
            return;
          } catch {
            // a partial line: wait for the rest
          }
        }
      }
    });
    proc.on('exit', (code) => reject(new Error(`child exited (${code}) before it was ready:\n${stderr}`)));
  });
}
/** Peak resident memory of a running process, from /proc (VmHWM). */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}
function exited(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) resolve();
    else proc.on('exit', () => resolve());
  });
}

// The broker in its own process (its own event loop and CPU figure), as in the dev stack.
const brokerProcess = spawnChild([join(here, '..', 'charity', 'broker.ts'), join(dataDir, 'kafka')], {});
const brokers = String((await firstJsonLine(brokerProcess, '{"brokers"')).brokers);
const kafka = createKafkaClient({ brokers, clientId: 'bench-risk', logger });
await ensureTopics(kafka, { topics: [...Object.values(topics), CLAIMS_BY_HOUSEHOLD], mode: 'dev', logger });
const pool = createPool({ connectionString: databaseUrl, schema, max: 20, logger });
await pool.query(`drop schema if exists ${schema} cascade`);
await migrate(pool, {
  schema,
  dir: fileURLToPath(new URL('../../services/risk/migrations', import.meta.url)),
  logger,
});
const producer = createProducer(kafka);
await producer.connect();
const publisher = createPublisher({ producer });

function progress(line: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

// 1. The county: one household per person, incomes, then claims spread over them. Person i gets
// a distinct synthetic ID (seq × birth date gives 500 × 28 × 12 × 60 = 10 million of them), so
// the 200,000 households need no collision search.
const person = (i: number) => {
  const rest = Math.floor(i / 500);
  const day = 1 + (rest % 28);
  const month = 1 + (Math.floor(rest / 28) % 12);
  const year = 1940 + (Math.floor(rest / 336) % 60);
  return syntheticResidentId({
    birthDate: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    sex: i % 2 ? 'male' : 'female',
    seq: i % 500,
  });
};
const template = HouseholdRegistered.example;
const pending: PublishableRecord[] = [];
async function flush(force = false) {
  if (pending.length >= 5000 || (force && pending.length > 0))
    await publisher.publishRecords(pending.splice(0));
}
const ids: string[] = [];
const seen = new Set<string>();
for (let h = 0; h < HOUSEHOLDS; h++) {
  const householdId = `HB-${h}`;
  const residentId = person(h);
  if (seen.has(residentId)) throw new Error(`synthetic resident ID repeated for household ${h}`);
  seen.add(residentId);
  ids.push(residentId);
  const member = {
    ...(template.members[0] as (typeof template.members)[number]),
    residentId,
    relationToHead: 'head' as const,
  };
  const [, birth] = [0, residentId.slice(6, 14)];
  member.birthDate = `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`;
  member.sex = Number(residentId[16]) % 2 ? 'male' : 'female';
  const household = { ...template, householdId, members: [member], legalSupporters: [] };
  for (const r of [
    eventRecord(HouseholdRegistered, household, { source: '/bench' }),
    eventRecord(
      MemberIncomeReported,
      {
        householdId,
        residentId,
        businessDate: '2025-01-01',
        incomes: [{ type: 'wage', monthlyFen: 200_000 + (h % 50) * 10_000 }],
      },
      { source: '/bench' },
    ),
  ]) {
    pending.push({ topic: r.topic, key: r.key, headers: r.headers, value: JSON.stringify(r.payload) });
  }
  await flush();
}
await flush(true);
progress(`produced ${HOUSEHOLDS} households and incomes`);
async function produceClaims(): Promise<number> {
  const started = performance.now();
  for (let c = 0; c < CLAIMS; c++) {
    const r = eventRecord(
      MedicalExpenseRecorded,
      {
        ...MedicalExpenseRecorded.example,
        claimId: `CB-${c}`,
        patientResidentId: ids[c % ids.length] as string,
        dateOfCare: `2025-0${1 + (c % 2)}-1${c % 9}`,
        businessDate: '2025-03-01',
        totalCostFen: 10_000 + (c % 97) * 1_000,
        insurancePaidFen: 5_000,
        medicalAssistancePaidFen: 0,
        inpatient: c % 20 === 0,
      },
      { source: '/bench' },
    );
    pending.push({ topic: r.topic, key: r.key, headers: r.headers, value: JSON.stringify(r.payload) });
    await flush();
    if (c % 100_000 === 0 && c > 0) progress(`produced ${c} claims`);
  }
  await flush(true);
  const seconds = (performance.now() - started) / 1000;
  progress(`produced ${CLAIMS} claims in ${seconds.toFixed(1)} s`);
  return seconds;
}

async function progressCounts(): Promise<{ joined: number; households: number; incomes: number }> {
  const { rows } = await pool.query<{ joined: string; households: string; incomes: string }>(
    `select (select count(*) from claims) as joined, (select count(*) from households) as households,
            (select count(*) from member_incomes) as incomes`,
  );
  return {
    joined: Number(rows[0]?.joined),
    households: Number(rows[0]?.households),
    incomes: Number(rows[0]?.incomes),
  };
}

/** Rows inserted into the claims table so far, as the statistics views say. */
async function claimsWritten(): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `select coalesce(sum(n_tup_ins), 0) as n from pg_stat_user_tables where schemaname = $1 and relname = 'claims'`,
    [schema],
  );
  return Number(rows[0]?.n);
}

/**
 * Starts `count` instances. With `produce`, waits until every household and income is in, then
 * produces the claims while risk runs and measures from the first claim produced; otherwise the
 * claims are already in the feed (a backlog) and the clock starts with the instances.
 */
async function runInstances(
  count: number,
  label: string,
  groupSuffix: { router: string; join: string },
  produce: boolean,
) {
  const instances: ChildProcess[] = [];
  const launched = performance.now();
  for (let i = 0; i < count; i++) {
    // BENCH_CPU_PROFILE=<dir>: each instance writes a V8 CPU profile there when it stops.
    const profile = process.env.BENCH_CPU_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
      : [];
    const instance = spawnChild([...profile, join(here, 'instance.ts')], {
      BENCH_SCHEMA: schema,
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: brokers,
      BENCH_BATCH: String(BATCH),
      ROUTER_SUFFIX: groupSuffix.router,
      JOIN_SUFFIX: groupSuffix.join,
    });
    instances.push(instance);
  }
  await Promise.all(instances.map((instance) => firstJsonLine(instance, '{"ready"')));
  let factsSeconds: number | null = null;
  let produceSeconds: number | null = null;
  if (produce) {
    for (;;) {
      const counts = await progressCounts();
      if (counts.households >= HOUSEHOLDS && counts.incomes >= HOUSEHOLDS) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    factsSeconds = Number(((performance.now() - launched) / 1000).toFixed(1));
    progress(`${label}: ${HOUSEHOLDS} households and incomes applied in ${factsSeconds} s`);
  }
  const probe = await startCostProbe({
    databaseUrl,
    schemas: [schema],
    processes: {
      ...Object.fromEntries(
        instances.map((instance, i) => [`risk instance ${i + 1}`, instance.pid as number]),
      ),
      'embedded broker': brokerProcess.pid as number,
      'driver (claim producer, this process)': 'self',
    },
  });
  const claimsWrittenAtStart = await claimsWritten();
  const started = performance.now();
  const loadAtStart = loadavg().map((l) => Number(l.toFixed(2)));
  if (produce) produceSeconds = Number((await produceClaims()).toFixed(1));
  // Lag: claims in the feed not yet joined (the feed holds all of them from the start).
  const samples: { seconds: number; joined: number; lag: number; households: number }[] = [];
  let joined = 0;
  while (joined < CLAIMS) {
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const counts = await progressCounts();
    joined = counts.joined;
    const seconds = (performance.now() - started) / 1000;
    samples.push({
      seconds: Math.round(seconds),
      joined,
      lag: CLAIMS - joined,
      households: counts.households,
    });
    progress(
      `${label}: ${joined} claims joined, ${(joined / seconds).toFixed(0)}/s; ${counts.households} households, ${counts.incomes} incomes`,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  // Postgres's statistics views lag the commits (a backend flushes its counts about once a second
  // and when idle): wait until they show every claim written, at most 15 s, so rows per claim are whole.
  for (
    let waited = 0;
    waited < 15_000 && (await claimsWritten()) - claimsWrittenAtStart < CLAIMS;
    waited += 250
  )
    await new Promise((resolve) => setTimeout(resolve, 250));
  // CPU and memory are read while the instances still run (a process gone has no /proc entry, and
  // Postgres's machine-wide sum would lose the backends that closed with them).
  const cost = await probe.stop(CLAIMS);
  const peakRss: Record<string, number> = {};
  for (const [i, instance] of instances.entries())
    peakRss[`risk instance ${i + 1}`] = await peakRssMb(instance.pid as number);
  peakRss['embedded broker (so far)'] = await peakRssMb(brokerProcess.pid as number);
  peakRss['driver (so far)'] = Math.round(process.resourceUsage().maxRSS / 1024);
  for (const instance of instances) instance.kill('SIGTERM');
  await Promise.all(instances.map(exited));
  process.stdout.write(describeCost(`${label}, per claim`, cost));
  const { rows } = await pool.query<{ n: string }>(
    `select count(*) as n from household_risk where level is not null`,
  );
  const { rows: parked } = await pool.query<{ n: string }>('select count(*) as n from parked_claims');
  let peak = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    if (a && b && b.seconds > a.seconds)
      peak = Math.max(peak, (b.joined - a.joined) / (b.seconds - a.seconds));
  }
  return {
    instances: count,
    seconds: Number(seconds.toFixed(1)),
    /** Claims over the measured stretch: from the first claim produced (or the start, for a backlog) to the last joined. */
    claimsPerSec: Math.round(CLAIMS / seconds),
    factsSeconds,
    produceSeconds,
    peakClaimsPerSec5s: Math.round(peak),
    joined,
    stillParked: Number(parked[0]?.n),
    flaggedHouseholds: Number(rows[0]?.n),
    costPerClaim: cost,
    /** 1-, 5- and 15-minute load averages of the machine (shared) at the start and the end. */
    loadAverage: { start: loadAtStart, end: loadavg().map((l) => Number(l.toFixed(2))) },
    /** Peak resident memory (VmHWM) of each process, in MB. */
    peakRssMb: peakRss,
    samples,
  };
}

// One instance: the county's households first, then the claims produced while risk runs.
const one = await runInstances(1, 'one instance', { router: '', join: '' }, true);
// Two instances drain the whole feed as a backlog, households already known: a fresh router group
// re-reads every claim; the join group continues where it was (facts applied), its tables emptied
// of claims, verdicts, inbox and outbox.
await pool.query('truncate claims, parked_claims, household_risk, inbox, outbox');
const two = await runInstances(2, 'two instances', { router: '.second', join: '' }, false);

const result = {
  benchmark: 'risk',
  measuredAt: new Date().toISOString(),
  machine: {
    cpuModel: cpus()[0]?.model,
    cores: cpus().length,
    memoryGb: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
  },
  workload: {
    households: HOUSEHOLDS,
    claims: CLAIMS,
    ...(HOUSEHOLDS === 200_000 && CLAIMS === 1_000_000
      ? {}
      : {
          note: 'reduced workload (BENCH_HOUSEHOLDS / BENCH_CLAIMS); the issue asks for 200,000 households and 1,000,000 claims',
        }),
  },
  target: { claimsPerSecOneInstance: 20_000 },
  oneInstance: one,
  twoInstances: two,
};
writeFileSync(
  process.env.BENCH_RESULT_FILE ?? join('bench', 'results', 'risk.json'),
  `${JSON.stringify(result, null, 2)}\n`,
);
await producer.disconnect();
await pool.query(`drop schema if exists ${schema} cascade`);
await pool.end();
brokerProcess.kill('SIGTERM');
await exited(brokerProcess);
await rm(dataDir, { recursive: true, force: true });
