// `pnpm bench eldercare`: a simulated month of home-visit orders for 50,000 elders at 10,000 orders
// a day, against eldercare's main.ts as a child process (outbox relay publishing to the embedded
// broker), then quota contention: 100 concurrent orders on one elder's last 100 yuan of quota.
// Writes BENCH_RESULT_FILE with the machine it ran on. Measures; asserts nothing but exactness.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticResidentId, taicang, topics } from '@huimin/contracts';
import { createKafkaClient, ensureTopics } from '@huimin/kafka';
import { createLogger } from '@huimin/kit';
import { createPool, migrate } from '@huimin/pg';
import pg from 'pg';
import { createTestIssuer } from '../../libs/auth/src/index.ts';
import { serviceTypes } from '../../services/eldercare/src/domain/service-types.ts';
import { addDays, shanghaiDate, shanghaiInstant } from '../../services/eldercare/src/domain/shanghai-time.ts';
import { saveProvider } from '../../services/eldercare/src/store/provider-store.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const resultFile = process.env.BENCH_RESULT_FILE ?? join(root, 'bench', 'results', 'eldercare.json');
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ELDERS = Number(process.env.BENCH_ELDERS ?? 50_000);
const ORDERS_PER_DAY = Number(process.env.BENCH_ORDERS_PER_DAY ?? 10_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const CONTENDERS = 100;

const children: ChildProcess[] = [];
const logger = createLogger({ name: 'bench-eldercare', level: 'warn' });

function spawnChild(args: string[], env: Record<string, string>, cwd = root): ChildProcess {
  const proc = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  proc.on('exit', (code) => {
    if (code !== 0 && code !== null) process.stderr.write(`child ${args[0]} exited ${code}:\n${stderr}\n`);
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
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`eldercare exited (${proc.exitCode})`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('eldercare not ready');
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

const schema = `bench_eldercare_${randomBytes(4).toString('hex')}`;
const workDir = await mkdtemp(join(tmpdir(), 'huimin-bench-eldercare-'));
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

/** 50,000 synthetic elders (region 99, no real place) spread over Taicang's communities. */
async function seedElders(): Promise<string[]> {
  const communities = taicang.communities();
  const ids: string[] = [];
  const batch = 5_000;
  for (let from = 0; from < ELDERS; from += batch) {
    const rows = Array.from({ length: Math.min(batch, ELDERS - from) }, (_, k) => {
      const i = from + k;
      const year = 1930 + (i % 36); // 60 to 95 years old in 2026
      const day = 1 + (Math.floor(i / 36 / 500) % 28);
      const birthDate = `${year}-${String(1 + (Math.floor(i / 36) % 12)).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      const community = communities[i % communities.length];
      if (!community) throw new Error('no communities');
      return {
        id: `EL-B${String(i).padStart(6, '0')}`,
        residentId: syntheticResidentId({
          birthDate,
          sex: i % 2 ? 'male' : 'female',
          seq: Math.floor(i / 36 / 12) % 500,
        }),
        birthDate,
        community: community.code,
        town: community.code.slice(0, 9),
        alone: i % 5 === 0,
        dibao: i % 17 === 0,
      };
    });
    await pool.query(
      `insert into elders (elder_id, resident_id, household_id, name, birth_date, town_code, community_code,
                           address_text, lng, lat, living_alone, dibao, business_date)
       select id, rid, 'HH-B-' || id, '测试', bd::date, town, comm, '测试地址', 121.1 + random() / 10,
              31.45 + random() / 10, alone, dibao, '2026-01-01'
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::bool[])
           as t(id, rid, bd, town, comm, alone, dibao)
       on conflict (resident_id) do nothing`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.residentId),
        rows.map((r) => r.birthDate),
        rows.map((r) => r.town),
        rows.map((r) => r.community),
        rows.map((r) => r.alone),
        rows.map((r) => r.dibao),
      ],
    );
    ids.push(...rows.map((r) => r.id));
  }
  const { rows } = await pool.query<{ elder_id: string }>('select elder_id from elders order by elder_id');
  return rows.map((r) => r.elder_id);
}

try {
  await migrate(pool, { schema, dir: join(root, 'services', 'eldercare', 'migrations') });
  const elderIds = await seedElders();
  // Two providers per town, each able to take every order of a day (capacity is not the subject here).
  for (const [n, town] of taicang.towns().entries()) {
    for (const suffix of ['A', 'B']) {
      await saveProvider(pool, {
        providerId: `PV-B${n}-${suffix}`,
        name: `bench provider ${n}${suffix}`,
        dailyCapacity: ORDERS_PER_DAY + CONTENDERS,
        offerings: [{ townCode: town.code, serviceTypes: [...serviceTypes] }],
      });
    }
  }

  const broker = spawnChild([join(here, 'broker.ts'), join(workDir, 'kafka')], {});
  const { brokers } = await firstJsonLine(broker, '{"brokers"');
  const kafka = createKafkaClient({ brokers: brokers ?? '', clientId: 'bench-eldercare', logger });
  await ensureTopics(kafka, { topics: Object.values(topics), mode: 'dev', logger });

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = spawnChild(
    [join('src', 'main.ts')],
    {
      PORT: String(port),
      GRPC_PORT: String(await freePort()),
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      KAFKA_BROKERS: brokers ?? '',
      AUTH_ISSUER: issuer.issuer,
      AUTH_JWKS_URL: issuer.jwksUrl,
      CHECK_ON_SCHEDULER: 'false',
      LOG_LEVEL: 'warn',
    },
    join(root, 'services', 'eldercare'),
  );
  await waitReady(url, service);
  const token = await issuer.userToken(
    { userId: 'u-bench-hotline', role: 'bureau-admin', jurisdictions: ['320585'] },
    { ttlSeconds: 6 * 3600 },
  );
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  async function placeOrder(elderId: string, serviceType: string, start: Date) {
    const started = performance.now();
    const res = await fetch(`${url}/v1/orders`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        elderId,
        serviceType,
        windowStart: start.toISOString(),
        windowEnd: new Date(start.getTime() + 2 * 3600_000).toISOString(),
        channel: 'hotline',
      }),
    });
    const body = (await res.json()) as { subsidyFen?: number; code?: string };
    return { ms: performance.now() - started, status: res.status, body };
  }

  const contentionElder = elderIds[0] as string;
  // Contention: the elder has 300 yuan this month and 200 used; 100 orders of 40 yuan at once.
  const contentionDate = addDays(shanghaiDate(new Date()), 1);
  const month = contentionDate.slice(0, 7);
  await pool.query(
    `insert into quotas (elder_id, month, entitled_fen, used_fen, policy_version)
     values ($1, $2, 30000, 20000, 'eldercare-2021-01-01')
     on conflict (elder_id, month) do update set entitled_fen = 30000, used_fen = 20000`,
    [contentionElder, month],
  );
  const burstStarted = performance.now();
  const burst = await Promise.all(
    Array.from({ length: CONTENDERS }, () =>
      placeOrder(contentionElder, 'personal-care', shanghaiInstant(contentionDate, 9)),
    ),
  );
  const burstSeconds = (performance.now() - burstStarted) / 1000;
  const subsidised = burst.reduce((sum, r) => sum + (r.body.subsidyFen ?? 0), 0);
  const { rows: quotaRows } = await pool.query<{ entitled_fen: string; used_fen: string }>(
    'select entitled_fen, used_fen from quotas where elder_id = $1 and month = $2',
    [contentionElder, month],
  );
  const finalUsed = Number(quotaRows[0]?.used_fen);
  const exact = subsidised === 10_000 && finalUsed === 30_000 && burst.every((r) => r.status === 201);

  // Written after every simulated day, so a run cut short still leaves an honest, labelled result.
  async function writeResult(completedDays: number, monthSeconds: number, drainSeconds?: number) {
    const { rows: pgVersion } = await pool.query<{ v: string }>(
      "select current_setting('server_version') as v",
    );
    const { rows: negative } = await pool.query<{ n: string }>(
      'select count(*) as n from quotas where used_fen > entitled_fen or used_fen < 0',
    );
    const placed = statuses['201'] ?? 0;
    const result = {
      complete: completedDays === DAYS,
      completedDays,
      benchmark: 'eldercare',
      measuredAt: new Date().toISOString(),
      machine: {
        cpuModel: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
        node: process.version,
        platform: `${platform()} ${release()}`,
        postgres: pgVersion[0]?.v,
      },
      setup: {
        elders: elderIds.length,
        ordersPerDay: ORDERS_PER_DAY,
        days: DAYS,
        clients: CLIENTS,
        providers: taicang.towns().length * 2,
        eldercare:
          'services/eldercare/src/main.ts as a child process, LOG_LEVEL=warn, outbox relay and feed consumer on, check-on scheduler off',
        broker: 'embedded-kafka as a child process',
        postgres: 'the shared local server (DATABASE_URL)',
        loadGenerator: 'fetch (undici) in the driver process, same machine',
        notSimulated: 'check-ins and check-outs (the month measures order placement only)',
      },
      results: {
        orderCreate: {
          ordersPlaced: placed,
          statuses,
          seconds: Math.round(monthSeconds * 10) / 10,
          ordersPerSecond: Math.round((latencies.length / monthSeconds) * 10) / 10,
          latencyMs: percentiles(latencies),
          perDaySeconds,
        },
        outboxDrainSecondsAfterLastOrder:
          drainSeconds === undefined ? null : Math.round(drainSeconds * 10) / 10,
        quotaContention: {
          concurrentOrders: CONTENDERS,
          remainingBeforeFen: 10_000,
          priceFen: 4_000,
          subsidyGrantedFen: subsidised,
          finalUsedFen: finalUsed,
          entitledFen: Number(quotaRows[0]?.entitled_fen),
          quotasOverdrawnAnywhere: Number(negative[0]?.n),
          exact,
          seconds: Math.round(burstSeconds * 1000) / 1000,
          latencyMs: percentiles(burst.map((r) => r.ms)),
        },
      },
    };
    await writeFile(resultFile, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  }

  // The month: service dates tomorrow … tomorrow + DAYS − 1 (Shanghai), ORDERS_PER_DAY each,
  // placed by CLIENTS concurrent callers; elders and services drawn at random (the contention
  // elder is kept out).
  const pool2 = elderIds.slice(1);
  const orderable = serviceTypes.filter((s) => s !== 'daily-check-on');
  const firstDate = addDays(shanghaiDate(new Date()), 1);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const perDaySeconds: number[] = [];
  const monthStarted = performance.now();
  for (let d = 0; d < DAYS; d++) {
    const date = addDays(firstDate, d);
    let next = 0;
    const dayStarted = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < ORDERS_PER_DAY) {
          next++;
          const elderId = pool2[Math.floor(Math.random() * pool2.length)] as string;
          const serviceType = orderable[Math.floor(Math.random() * orderable.length)] as string;
          const start = shanghaiInstant(date, 7 + Math.floor(Math.random() * 12));
          const r = await placeOrder(elderId, serviceType, start);
          latencies.push(r.ms);
          const key = r.status === 201 ? '201' : `${r.status} ${r.body.code}`;
          statuses[key] = (statuses[key] ?? 0) + 1;
        }
      }),
    );
    perDaySeconds.push(Math.round((performance.now() - dayStarted) / 100) / 10);
    process.stdout.write(
      `day ${d + 1}/${DAYS} (${date}): ${ORDERS_PER_DAY} orders in ${perDaySeconds.at(-1)} s\n`,
    );
  }
  const monthSeconds = (performance.now() - monthStarted) / 1000;

  // Outbox lag: how long after the last order the relay has published everything.
  const drainStarted = performance.now();
  for (;;) {
    const { rows } = await pool.query<{ n: string }>(
      'select count(*) as n from outbox where sent_at is null',
    );
    if (Number(rows[0]?.n) === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  const result = await writeResult(DAYS, monthSeconds, drainSeconds);
  process.stdout.write(`${JSON.stringify(result.results, null, 2)}\n`);

  if (!exact) process.exitCode = 1;
} finally {
  await cleanUp();
}
