// The whole platform, exactly once, under faults (issue: "Prove it"). The simulator's county goes
// through ingest; then its medical claims, while every service is killed and restarted, the broker
// too, a consumer is frozen past its session timeout, a service's Postgres connections are cut and
// Redis restarts. Afterwards the alerts discovery holds must be exactly the ones a reference
// implementation of the yardsticks (e2e/reference.ts, written for the test) derives from the same
// input: each once, no other; no dead letters; every service ready.
//
// CI runs a reduced county (E2E_HOUSEHOLDS, E2E_CLAIMS); `E2E_FULL=1` runs 20,000 claims and kills
// every service twice.

import {
  type AssistanceEnrolmentChanged,
  type AssistanceEnrolmentRetracted,
  eligibilityPolicyStream,
  type HouseholdRegistered,
  type MedicalExpenseRecorded,
  type MemberIncomeReported,
  type PolicyVersionPublished,
} from '@huimin/contracts';
import { createKafkaClient } from '@huimin/kafka';
import { createLogger } from '@huimin/kit';
import {
  createFeed,
  createHttpIngestClient,
  devCredentials,
  type FeedEvent,
  postFeed,
} from '@huimin/simulator';
import { readRecords } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './platform.ts';
import { expectedAlerts, policyOn } from './reference.ts';
import { settle } from './settle.ts';

const FULL = process.env.E2E_FULL === '1';
const HOUSEHOLDS = Number(process.env.E2E_HOUSEHOLDS ?? (FULL ? 2000 : 300));
const CLAIMS = Number(process.env.E2E_CLAIMS ?? (FULL ? 20_000 : 2500));
const RATE = Number(process.env.E2E_RATE ?? (FULL ? 200 : 100));
const CLAIM_TYPE = 'huimin.feed.medical-expense.recorded.v1';

let platform: Platform;
const faultLog: string[] = [];
const thawed: Promise<void>[] = [];

beforeAll(async () => {
  platform = await startPlatform({ name: 'exactly_once', logLevel: 'warn' });
  // As long as a service's own readiness wait (150 s) and then some: on a loaded machine eight
  // services starting at once took longer than 120 s.
}, 300_000);

afterAll(async () => {
  await platform?.close();
});

const shanghaiToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function note(line: string) {
  faultLog.push(`${new Date().toISOString().slice(11, 19)} ${line}`);
  if (process.env.E2E_VERBOSE) process.stderr.write(`[faults] ${line}\n`);
}

/** The faults, each at a share of the claims posted. */
function faultPlan(p: Platform): { at: number; what: string; run: () => Promise<void> }[] {
  const kill = (name: string) => async () => {
    const s = p.service(name);
    await s.kill();
    s.start();
    await s.ready(90_000);
  };
  const terminate = (name: string) => async () => {
    const pool = p.pool('public');
    const { rows } = await pool.query<{ n: number }>(
      `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
        where datname = current_database() and application_name = $1`,
      [name],
    );
    note(`  ${rows[0]?.n ?? 0} connections of ${name} terminated`);
  };
  const freeze = (name: string, ms: number) => async () => {
    const s = p.service(name);
    s.signal('SIGSTOP');
    // Past the consumer session timeout (10 s): the broker drops it from its groups. Posting and
    // the next faults go on meanwhile; the test waits for the thaw before it settles.
    thawed.push(
      sleep(ms).then(() => {
        s.signal('SIGCONT');
        note(`SIGCONT ${name}`);
      }),
    );
  };
  const plan = [
    { at: 0.05, what: 'SIGKILL risk', run: kill('risk') },
    { at: 0.12, what: 'SIGSTOP discovery for 35 s', run: freeze('discovery', 35_000) },
    { at: 0.2, what: 'SIGKILL ingest', run: kill('ingest') },
    {
      at: 0.3,
      what: 'pg_terminate_backend risk and eligibility',
      run: async () => {
        await terminate('risk')();
        await terminate('eligibility')();
      },
    },
    { at: 0.4, what: 'restart Redis', run: () => p.redis.restart() },
    ...brokerFaults(p),
    { at: 0.6, what: 'SIGKILL eligibility', run: kill('eligibility') },
    {
      at: 0.7,
      what: 'SIGKILL notify and identity',
      run: async () => {
        await kill('notify')();
        await kill('identity')();
      },
    },
    {
      at: 0.8,
      what: 'SIGKILL eldercare and charity',
      run: async () => {
        await kill('eldercare')();
        await kill('charity')();
      },
    },
    { at: 0.9, what: 'SIGKILL discovery', run: kill('discovery') },
  ];
  if (!FULL) return plan;
  // The full matrix: every service killed a second time, late in the run.
  const names = [...p.services.keys()];
  return [
    ...plan,
    ...names.map((name, i) => ({
      at: 0.92 + (i * 0.07) / names.length,
      what: `SIGKILL ${name} again`,
      run: kill(name),
    })),
  ];
}

/**
 * The broker's faults. On the embedded broker: SIGKILL and restart it. On Apache Kafka
 * (`pnpm test:apache-kafka`), real-cluster faults: kill -9 one broker (its partitions' leadership
 * moves to the others), start it again (it catches up), then a rolling restart of all three.
 */
function brokerFaults(p: Platform): { at: number; what: string; run: () => Promise<void> }[] {
  const cluster = p.apacheKafka;
  if (!cluster) return [{ at: 0.5, what: 'SIGKILL the broker', run: () => p.broker.restart() }];
  const victim = 2;
  return [
    { at: 0.45, what: `kill -9 Kafka broker ${victim}`, run: () => cluster.killNode(victim) },
    {
      at: 0.5,
      what: `restart Kafka broker ${victim} (until in sync)`,
      run: () => cluster.restartNode(victim),
    },
    {
      at: 0.55,
      what: 'rolling restart of the Kafka brokers',
      run: () => cluster.rollingRestart((id) => note(`  rolling: broker ${id}`)),
    },
  ];
}

describe('the whole platform under faults', () => {
  it('ends with exactly the alerts the yardsticks give, each once, no dead letters, every service ready', async () => {
    const feed = createFeed({ seed: 20_260, households: HOUSEHOLDS, now: new Date(), liveRate: RATE });
    const bulk = [...feed.bulk];
    const facts = bulk.filter((e) => e.type !== CLAIM_TYPE);
    const history = bulk.filter((e) => e.type === CLAIM_TYPE);
    const live: FeedEvent[] = [];
    for (const e of feed.live) {
      if (history.length + live.length >= CLAIMS) break;
      if (e.type === CLAIM_TYPE) live.push(e);
    }
    const claims = [...history, ...live];
    const client = createHttpIngestClient({
      baseUrl: platform.url('ingest'),
      credentials: devCredentials(),
      maxAttempts: 60,
      timeoutMs: 5000,
    });

    // 1. The county's facts (registry, incomes, assets, certificates, enrolments), and nothing else
    // until the platform has taken them in: a claim judged before its household's incomes could
    // raise a flag the final state does not hold, and alerts are not taken back.
    const loaded = await postFeed({ client, bulk: facts, batchSize: 500 });
    expect(loaded.rejected).toBe(0);
    await settle(platform, { timeoutMs: 180_000 });

    // 2. The claims, one by one at RATE per second, with the faults along the way.
    const plan = faultPlan(platform);
    let next = 0;
    const faults: Promise<void>[] = [];
    let chain = Promise.resolve();
    const posted = postFeed({
      client,
      live: claims,
      rate: RATE,
      liveConcurrency: 8,
      progressEveryMs: 250,
      onProgress: (progress) => {
        while (next < plan.length && progress.claims >= (plan[next]?.at ?? 1) * claims.length) {
          const fault = plan[next++];
          if (!fault) break;
          // One fault at a time, in order; posting goes on meanwhile.
          chain = chain.then(async () => {
            note(fault.what);
            await fault.run();
            note(`  done: ${fault.what}`);
          });
          faults.push(chain);
        }
      },
    });
    const result = await posted;
    expect(result.rejected).toBe(0);
    expect(result.claims).toBe(claims.length);
    await Promise.all(faults);
    expect(next).toBe(plan.length);
    await Promise.all(thawed);
    const state = await settle(platform, { timeoutMs: FULL ? 900_000 : 300_000 });

    // 3. What users rely on.
    for (const service of platform.services.values()) await service.ready(30_000);
    expect([...state.deadLetters].filter(([, n]) => n > 0)).toEqual([]);

    const policies = (await readRecords(platformKafka(), eligibilityPolicyStream.name)).map(
      (r) => JSON.parse(r.value) as PolicyVersionPublished,
    );
    const today = shanghaiToday();
    const expected = expectedAlerts({
      households: facts
        .filter((e) => e.type === 'huimin.feed.household.registered.v1')
        .map((e) => e.payload as HouseholdRegistered),
      incomes: facts
        .filter((e) => e.type === 'huimin.feed.member-income.reported.v1')
        .map((e) => e.payload as MemberIncomeReported),
      claims: claims.map((e) => e.payload as MedicalExpenseRecorded),
      enrolments: facts
        .filter((e) => e.type === 'huimin.feed.assistance-enrolment.changed.v1')
        .map((e) => e.payload as AssistanceEnrolmentChanged),
      enrolmentRetractions: facts
        .filter((e) => e.type === 'huimin.feed.assistance-enrolment.retracted.v1')
        .map((e) => e.payload as AssistanceEnrolmentRetracted),
      policy: policyOn(policies, today),
      today,
    });
    const { rows } = await platform
      .pool('discovery')
      .query<{ household_id: string; type: string; priority: string }>(
        `select household_id, type, priority from alerts where type in ('medical-hardship', 'major-illness')`,
      );
    const key = (a: { householdId?: string; household_id?: string; type: string; priority: string }) =>
      `${a.householdId ?? a.household_id} ${a.type} ${a.priority}`;
    expect(expected.length).toBeGreaterThan(0);
    expect(rows.map(key).sort()).toEqual(expected.map(key).sort());

    // Every alert discovery opened (of every type) reached notify's delivery log, once.
    const { rows: opened } = await platform
      .pool('discovery')
      .query<{ id: string }>('select id from alerts order by id');
    const { rows: delivered } = await platform
      .pool('notify')
      .query<{ alert_id: string }>(
        `select alert_id from delivery_log where event_type = 'huimin.alert.raised.v2' order by alert_id`,
      );
    expect(delivered.map((r) => r.alert_id)).toEqual(opened.map((r) => r.id));
    const summary = {
      households: HOUSEHOLDS,
      claims: claims.length,
      ratePerSec: RATE,
      expectedAlerts: expected.length,
      byPriority: Object.fromEntries(
        ['P1', 'P2', 'P3'].map((p) => [p, expected.filter((e) => e.priority === p).length]),
      ),
      majorIllness: expected.filter((e) => e.type === 'major-illness').length,
      alertsOfEveryType: opened.length,
      faults: faultLog,
    };
    if (process.env.E2E_VERBOSE || process.env.E2E_SUMMARY)
      process.stderr.write(`[e2e summary] ${JSON.stringify(summary, null, 2)}\n`);
  }, 2_400_000);
});

function platformKafka() {
  // A throwaway client for reading topics (testkit's readRecords wants a Kafka).
  return createKafkaClientFor(platform.brokers);
}

function createKafkaClientFor(brokers: string) {
  return createKafkaClient({
    brokers,
    clientId: 'e2e-reader',
    logger: createLogger({ name: 'e2e', level: 'silent' }),
  });
}
