// `pnpm bench e2e`: the whole platform (e2e/platform.ts: every service's main.ts as its own
// process, the embedded broker, Postgres, a private Redis) and 200 claims/s for 60 s through
// ingest, each one pushing a household of 常胜社区 over the catastrophic threshold. Measures, per
// claim, from the start of its POST to ingest to the alert arriving on handler.changsheng's SSE
// stream from notify: p50 / p99. Target p99 ≤ 500 ms. BENCH_RATE / BENCH_SECONDS set the load.
// BENCH_CROSSING (default 1) is the share of claims that push their household over the
// catastrophic threshold and so open an alert; the others are small claims spread over quiet
// households that stay far below every line, so risk and ingest carry the full rate either way.

import { writeFileSync } from 'node:fs';
import {
  discoveryAlertStream,
  medicalExpenseFeed,
  riskHouseholdStream,
  syntheticResidentId,
} from '@huimin/contracts';
import { createKafkaClient } from '@huimin/kafka';
import { createLogger } from '@huimin/kit';
import {
  createHttpIngestClient,
  devCredentials,
  type FeedEvent,
  type IngestClient,
  postFeed,
} from '@huimin/simulator';
import { readRecords } from '@huimin/testkit';
import { startPlatform } from '../../e2e/platform.ts';
import { settle } from '../../e2e/settle.ts';
import { describeCost, startCostProbe } from '../cost.ts';
import { machine } from '../machine.ts';

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const CLAIMS = RATE * SECONDS;
const CROSSING = Math.min(1, Math.max(0, Number(process.env.BENCH_CROSSING ?? 1)));
/** Claim i opens an alert when it is one of the evenly spread CROSSING share. */
const crosses = (i: number) => Math.floor((i + 1) * CROSSING) > Math.floor(i * CROSSING);
const ALERTS = Array.from({ length: CLAIMS }, (_, i) => i).filter(crosses).length;
const QUIET = ALERTS === CLAIMS ? 0 : Math.min(2_000, CLAIMS - ALERTS);
const COMMUNITY = '320585001001'; // 常胜社区, handler.changsheng's
const progress = (line: string) =>
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

// Ingest limits each department's single-event requests (100/s by default, a production safeguard);
// the medical-insurance bureau is given room for the load measured here, or the bench would
// measure the limiter's 429s and the client's retries instead of the platform.
const platform = await startPlatform({
  name: 'bench_e2e',
  logLevel: 'warn',
  env: { ingest: { LIVE_RATE_PER_SECOND: String(RATE * 2), LIVE_BURST: String(RATE * 2) } },
});
try {
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const households: { householdId: string; residentId: string }[] = [];
  const seen = new Set<string>();
  for (let i = 0; households.length < ALERTS + QUIET; i++) {
    const residentId = syntheticResidentId({
      birthDate: `19${50 + (i % 40)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (Math.floor(i / 12) % 28)).padStart(2, '0')}`,
      sex: i % 2 ? 'male' : 'female',
      seq: Math.floor(i / (40 * 12 * 28)) % 500,
    });
    if (seen.has(residentId)) continue;
    seen.add(residentId);
    households.push({ householdId: `HB-E2E-${i}`, residentId });
  }
  // Each household: one member earning 5,000 yuan a month (no assistance programme applies).
  const facts: FeedEvent[] = households.flatMap(({ householdId, residentId }, i) => [
    {
      id: `reg-${i}`,
      type: 'huimin.feed.household.registered.v1',
      department: 'household-registry',
      payload: {
        householdId,
        businessDate: today,
        townCode: '320585001',
        communityCode: COMMUNITY,
        address: { text: '太仓市娄东街道常胜社区1幢101室', lng: 121.1, lat: 31.45 },
        members: [
          {
            residentId,
            name: '测试',
            relationToHead: 'head',
            birthDate: `${residentId.slice(6, 10)}-${residentId.slice(10, 12)}-${residentId.slice(12, 14)}`,
            sex: Number(residentId[16]) % 2 ? 'male' : 'female',
            hukouLocal: true,
            workAbility: 'full',
            inInstitution: false,
          },
        ],
        legalSupporters: [],
      },
    } as FeedEvent,
    {
      id: `inc-${i}`,
      type: 'huimin.feed.member-income.reported.v1',
      department: 'human-resources',
      payload: {
        householdId,
        residentId,
        businessDate: today,
        incomes: [{ type: 'wage', monthlyFen: 500_000 }],
      },
    } as FeedEvent,
  ]);
  const base = createHttpIngestClient({
    baseUrl: platform.url('ingest'),
    credentials: devCredentials(),
    maxAttempts: 20,
  });
  progress(`registering ${households.length} households with their incomes`);
  await postFeed({ client: base, bulk: facts, batchSize: 1000 });
  await settle(platform, { timeoutMs: 900_000 });
  progress('households in; opening the SSE stream');

  // The handler's live stream.
  const login = await fetch(`${platform.url('identity')}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'handler.changsheng', password: 'huimin-demo-2026' }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const arrived = new Map<string, number>();
  const stream = await fetch(`${platform.url('notify')}/v1/stream?access_token=${accessToken}`, {
    headers: { accept: 'text/event-stream' },
  });
  const reader = stream.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const reading = (async () => {
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) return;
      buffer += decoder.decode(chunk.value, { stream: true });
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        cut = buffer.indexOf('\n\n');
        const data = frame.split('\n').find((l) => l.startsWith('data: '));
        if (!frame.includes('event: alert') || !data) continue;
        const notice = JSON.parse(data.slice(6)) as { event: string; householdId?: string; type?: string };
        if (notice.event === 'AlertOpened' && notice.householdId && !arrived.has(notice.householdId))
          arrived.set(notice.householdId, Date.now());
      }
    }
  })();

  // A crossing claim: 40,000 yuan of care, 20,000 reimbursed: 20,000 out of pocket, 33% of a
  // 60,000 income, for a household of its own. A quiet claim: 300 yuan of care, 200 reimbursed, on
  // one of the quiet households: even all of a quiet household's claims stay under 2% of its income.
  const sentAt = new Map<string, number>();
  const householdOfClaim = new Map<string, string>();
  const timed: IngestClient = {
    sendOne(event) {
      const householdId = householdOfClaim.get((event.payload as { claimId: string }).claimId);
      if (householdId) sentAt.set(householdId, Date.now());
      return base.sendOne(event);
    },
    sendBatch: (department, type, events) => base.sendBatch(department, type, events),
  };
  let nextAlerting = 0;
  let nextQuiet = 0;
  const claims: FeedEvent[] = Array.from({ length: CLAIMS }, (_, i) => {
    const crossing = crosses(i);
    const household = crossing
      ? households[nextAlerting++]
      : households[ALERTS + (nextQuiet++ % Math.max(1, QUIET))];
    if (!household) throw new Error('ran out of households');
    if (crossing) householdOfClaim.set(`YB-E2E-${i}`, household.householdId);
    return {
      id: `claim-${i}`,
      type: 'huimin.feed.medical-expense.recorded.v1',
      department: 'medical-insurance-bureau',
      payload: {
        claimId: `YB-E2E-${i}`,
        patientResidentId: household.residentId,
        businessDate: today,
        dateOfCare: today,
        totalCostFen: crossing ? 4_000_000 : 30_000,
        insurancePaidFen: crossing ? 2_000_000 : 20_000,
        medicalAssistancePaidFen: 0,
        inpatient: crossing,
        diagnosisCategory: 'other',
      },
    } as FeedEvent;
  });
  progress(`posting ${CLAIMS} claims at ${RATE}/s, ${ALERTS} of them crossing the threshold`);
  // Every service's Postgres writes and each process's CPU over the measured stretch.
  const probe = await startCostProbe({
    databaseUrl: platform.databaseUrl,
    schemas: [...platform.services.values()].map((s) => s.manifest.schema),
    processes: {
      ...Object.fromEntries([...platform.services].map(([name, s]) => [name, s.proc?.pid ?? 0])),
      'embedded broker': platform.broker.proc?.pid ?? 0,
      'driver (this process)': 'self' as const,
    },
  });
  const started = Date.now();
  const posted = await postFeed({ client: timed, live: claims, rate: RATE, liveConcurrency: 32 });
  const postSeconds = (Date.now() - started) / 1000;
  const deadline = Date.now() + 120_000;
  while (arrived.size < ALERTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  const cost = await probe.stop(CLAIMS);
  process.stdout.write(describeCost('per claim', cost));
  await reader?.cancel();
  await reading.catch(() => {});

  const latencies = [...sentAt]
    .filter(([hh]) => arrived.has(hh))
    .map(([hh, at]) => (arrived.get(hh) ?? 0) - at)
    .sort((a, b) => a - b);
  const pct = (p: number, sorted: number[] = latencies) =>
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? null;

  // Where the time went, per alert, from the CloudEvents time each stage stamped on its record:
  // ingest accepting the claim, risk flagging the household, discovery opening the alert.
  const kafka = createKafkaClient({
    brokers: platform.brokers,
    clientId: 'bench-e2e-reader',
    logger: createLogger({ name: 'bench-e2e', level: 'silent' }),
  });
  const stamped = async (
    topic: string,
    type: string,
    keyOf: (payload: Record<string, unknown>) => string,
  ) => {
    const at = new Map<string, number>();
    for (const r of await readRecords(kafka, topic, { timeoutMs: 120_000 })) {
      if (r.headers.ce_type !== type) continue;
      const key = keyOf(JSON.parse(r.value) as Record<string, unknown>);
      if (!at.has(key)) at.set(key, Date.parse(r.headers.ce_time ?? ''));
    }
    return at;
  };
  const householdOfResident = new Map(households.map((h) => [h.residentId, h.householdId]));
  const accepted = await stamped(
    medicalExpenseFeed.name,
    'huimin.feed.medical-expense.recorded.v1',
    (p) => householdOfResident.get(String(p.patientResidentId)) ?? '',
  );
  const flagged = await stamped(riskHouseholdStream.name, 'huimin.risk.flagged.v1', (p) =>
    String(p.householdId),
  );
  const opened = await stamped(discoveryAlertStream.name, 'huimin.alert.raised.v2', (p) =>
    String(p.householdId),
  );
  const stage = (from: Map<string, number>, to: Map<string, number>) => {
    const d = [...sentAt.keys()]
      .filter((hh) => from.has(hh) && to.has(hh))
      .map((hh) => (to.get(hh) ?? 0) - (from.get(hh) ?? 0))
      .sort((a, b) => a - b);
    return { count: d.length, p50: pct(50, d), p99: pct(99, d) };
  };
  const stages = {
    'POST → ingest accepted (ce_time)': stage(sentAt, accepted),
    'accepted → risk flagged': stage(accepted, flagged),
    'flagged → discovery opened the alert': stage(flagged, opened),
    'opened → on the handler’s SSE stream': stage(opened, arrived),
  };
  const result = {
    benchmark: 'e2e',
    measuredAt: new Date().toISOString(),
    machine: machine(),
    workload: {
      claims: CLAIMS,
      claimsOpeningAnAlert: ALERTS,
      quietHouseholds: QUIET,
      ratePerSec: RATE,
      seconds: SECONDS,
      accepted: posted.accepted,
      /** Requests the client had to repeat (429 from a rate limit, 5xx, timeouts): 0 in a clean run. */
      retries: posted.retries,
      postedInSeconds: Math.round(postSeconds * 10) / 10,
      note: 'every service as its own process (e2e/platform.ts), broker, Postgres and Redis on the same 2-core machine; each crossing claim is its household’s only claim and crosses the catastrophic threshold; the other claims are small ones on quiet households',
    },
    target: { p99Ms: 500 },
    alertsReceived: arrived.size,
    missing: ALERTS - arrived.size,
    unexpected: [...arrived.keys()].filter((hh) => !sentAt.has(hh)).length,
    latencyMs: { p50: pct(50), p90: pct(90), p99: pct(99), max: latencies.at(-1) ?? null },
    stagesMs: stages,
    costPerClaim: cost,
    measuredFrom:
      'the start of the claim’s POST to ingest to the AlertOpened frame read from notify’s SSE stream',
  };
  writeFileSync(process.env.BENCH_RESULT_FILE ?? 'e2e.json', `${JSON.stringify(result, null, 2)}\n`);
  progress(`done: ${JSON.stringify({ ...result, machine: undefined })}`);
} finally {
  await platform.close();
}
