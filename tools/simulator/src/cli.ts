import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Department, isDepartment } from './departments.ts';
import { devCredentials } from './dev-credentials.ts';
import { createFeed, take } from './generator/feed.ts';
import type { FeedEvent } from './generator/feed-event.ts';
import type { SignalKind } from './generator/world.ts';
import type { Credentials, DepartmentCredential } from './ingest-client.ts';
import type { PostProgress } from './poster.ts';
import { runSimulation } from './run-simulation.ts';
import { SimulatorError } from './simulator-error.ts';

// pnpm simulate -- --seed 42 --households 2000 --rate 50 --duration 60s
// Progress and summaries go to stderr; --dry-run writes the events to stdout as NDJSON.

const USAGE = `usage: node tools/simulator/src/cli.ts [options]
  --ingest <url>        ingest's base URL (default $INGEST_URL or http://127.0.0.1:8080)
  --seed <n>            seed, 0–4294967295 (default 42)
  --households <n>      ordinary households (default 2000)
  --scenarios <n>       households that cross the risk thresholds in the first minute (default 3)
  --rate <n>            live events per second (default 50)
  --duration <d>        stop the live trickle after 90s, 5m, 1h … (default: run until Ctrl-C)
  --claims <n>          stop the live trickle after n medical claims
  --batch-size <n>      events per NDJSON batch in the initial load (default 500)
  --skip-bulk           no initial load (the households are already in ingest)
  --skip-live           only the initial load
  --signals <list>      signal kinds: unemployment,grid-worker-report (default), death, hospitalisation
  --keys <file>         JSON {"<department>": {"apiKey": "hmk_…", "signingSecret"?: "hms_…"}}
                        (default: the dev stack's demo keys)
  --sign                sign requests with the dev demo signing secrets
  --now <instant>       pretend the run starts at this RFC 3339 instant (reproduce a run)
  --dry-run             print the events as NDJSON to stdout instead of posting them
  --progress <d>        progress line interval (default 5s)`;

const SIGNAL_KINDS: readonly SignalKind[] = [
  'death',
  'unemployment',
  'hospitalisation',
  'grid-worker-report',
];

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new SimulatorError('BAD_OPTION', `not a duration: ${text} (try 90s, 5m, 1h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * unit);
}

function wholeNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new SimulatorError('BAD_OPTION', `--${name} must be a whole number`);
  return value;
}

function readKeys(file: string): Credentials {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (parsed === null || typeof parsed !== 'object')
    throw new SimulatorError('BAD_OPTION', `${file} is not a JSON object`);
  const credentials: Credentials = {};
  for (const [department, value] of Object.entries(parsed)) {
    if (!isDepartment(department))
      throw new SimulatorError('BAD_OPTION', `${file}: unknown department ${department}`);
    const credential = value as Partial<DepartmentCredential>;
    if (typeof credential.apiKey !== 'string') {
      throw new SimulatorError('BAD_OPTION', `${file}: ${department} needs an apiKey`);
    }
    credentials[department as Department] = credential as DepartmentCredential;
  }
  return credentials;
}

function progressLine(p: PostProgress): string {
  const seconds = (p.elapsedMs / 1000).toFixed(1).padStart(6);
  const what =
    p.phase === 'bulk' ? `bulk ${p.type ?? ''}` : p.phase === 'live' ? `live (${p.claims} claims)` : 'done';
  return `[${seconds}s] ${what} | sent ${p.sent} accepted ${p.accepted} (replayed ${p.replayed}) rejected ${p.rejected} retries ${p.retries} | ${p.ratePerSecond} ev/s`;
}

/**
 * The simulator's options from its command line. `pnpm simulate -- --seed 42` forwards the `--`
 * too; a leading one separates nothing here, so it is dropped (as the broker's CLI does).
 */
export function parseCommandLine(argv: readonly string[]) {
  const { values } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : [...argv],
    options: {
      ingest: { type: 'string' },
      seed: { type: 'string' },
      households: { type: 'string' },
      scenarios: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      claims: { type: 'string' },
      'batch-size': { type: 'string' },
      'skip-bulk': { type: 'boolean' },
      'skip-live': { type: 'boolean' },
      signals: { type: 'string' },
      keys: { type: 'string' },
      sign: { type: 'boolean' },
      now: { type: 'string' },
      'dry-run': { type: 'boolean' },
      progress: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  return values;
}

export async function main(argv: string[]): Promise<number> {
  const values = parseCommandLine(argv);
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  const seed = wholeNumber('seed', values.seed, 42);
  const households = wholeNumber('households', values.households, 2000);
  const scenarios = wholeNumber('scenarios', values.scenarios, 3);
  const rate = Number(values.rate ?? 50);
  if (!(rate > 0)) throw new SimulatorError('BAD_OPTION', '--rate must be more than 0');
  const durationMs = values.duration === undefined ? undefined : parseDuration(values.duration);
  const claims = values.claims === undefined ? undefined : wholeNumber('claims', values.claims, 0);
  const batchSize = wholeNumber('batch-size', values['batch-size'], 500);
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime()))
    throw new SimulatorError('BAD_OPTION', '--now must be an RFC 3339 instant');
  const signalKinds = values.signals?.split(',').map((s) => s.trim()) as SignalKind[] | undefined;
  for (const kind of signalKinds ?? []) {
    if (!SIGNAL_KINDS.includes(kind)) throw new SimulatorError('BAD_OPTION', `unknown signal kind ${kind}`);
  }
  const feedOptions = { seed, households, scenarios, ...(signalKinds ? { signalKinds } : {}) };

  if (values['dry-run']) {
    const feed = createFeed({ ...feedOptions, now, liveRate: rate });
    // Without a limit, a dry run prints a minute of the trickle.
    const liveCount =
      durationMs === undefined && claims === undefined
        ? rate * 60
        : Math.round((rate * (durationMs ?? Number.POSITIVE_INFINITY)) / 1000);
    // A reader that stops early (| head) is not an error.
    let closed = false;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      closed = true;
    });
    const write = async (event: FeedEvent): Promise<void> => {
      try {
        if (!process.stdout.write(`${JSON.stringify(event)}\n`)) await once(process.stdout, 'drain');
      } catch (err: unknown) {
        if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
        closed = true;
      }
    };
    if (!values['skip-bulk']) {
      for (const event of feed.bulk) {
        if (closed) return 0;
        await write(event);
      }
    }
    if (!values['skip-live']) {
      let claimCount = 0;
      for (const event of take(feed.live, liveCount)) {
        if (closed || (claims !== undefined && claimCount >= claims)) break;
        if (event.type === 'huimin.feed.medical-expense.recorded.v1') claimCount++;
        await write(event);
      }
    }
    return 0;
  }

  const ingestUrl = values.ingest ?? process.env.INGEST_URL ?? 'http://127.0.0.1:8080';
  const credentials = values.keys ? readKeys(values.keys) : devCredentials({ signed: values.sign === true });
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('stopping: letting the requests in flight finish (Ctrl-C again to quit now)\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });

  process.stderr.write(`simulating ${households} households (seed ${seed}) into ${ingestUrl}\n`);
  const { feed, result } = await runSimulation({
    ...feedOptions,
    ingestUrl,
    credentials,
    now,
    rate,
    batchSize,
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(claims !== undefined ? { claims } : {}),
    skipBulk: values['skip-bulk'] === true,
    skipLive: values['skip-live'] === true,
    signal: controller.signal,
    progressEveryMs: values.progress === undefined ? 5_000 : parseDuration(values.progress),
    onProgress: (p) => process.stderr.write(`${progressLine(p)}\n`),
    onRetry: (r) =>
      process.stderr.write(
        `retrying ${r.idempotencyKey} (attempt ${r.attempt}: ${r.reason}) in ${r.delayMs} ms\n`,
      ),
  });
  for (const s of feed.scenarios) {
    process.stderr.write(
      `scenario ${s.name}: household ${s.householdId} (community ${s.communityCode}) should be flagged ${s.expectedLevel} by claim ${s.crossingClaimId}, live second ~${s.liveSecond}\n`,
    );
  }
  process.stderr.write(`${progressLine(result)}\n`);
  for (const r of result.rejections) {
    process.stderr.write(`rejected ${r.type} ${r.id}: ${r.code} ${JSON.stringify(r.problems ?? '')}\n`);
  }
  return result.rejected > 0 ? 2 : 0;
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const message = err instanceof SimulatorError || err instanceof TypeError ? err.message : String(err);
      process.stderr.write(`simulate: ${message}\n`);
      if (err instanceof SimulatorError && err.code === 'BAD_OPTION') process.stderr.write(`${USAGE}\n`);
      process.exitCode = 1;
    },
  );
}
