import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { validateEvent } from '@huimin/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommandLine, parseDuration } from '../src/cli.ts';
import { departmentCodes } from '../src/departments.ts';
import { devCredentials } from '../src/dev-credentials.ts';
import { type FakeIngest, startFakeIngest } from './support/fake-ingest.ts';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const run = promisify(execFile);
const simulate = (args: string[]) => run(process.execPath, [cli, ...args], { maxBuffer: 64 * 1024 * 1024 });

let fake: FakeIngest | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('pnpm simulate', () => {
  it('prints the same NDJSON for the same flags with --dry-run, every line a valid event', async () => {
    const args = [
      '--dry-run',
      '--seed',
      '9',
      '--households',
      '30',
      '--claims',
      '20',
      '--now',
      '2025-06-15T04:00:00Z',
    ];
    const [first, second] = await Promise.all([simulate(args), simulate(args)]);
    expect(second.stdout).toBe(first.stdout);
    const events = first.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.length).toBeGreaterThan(300);
    for (const e of events) expect(validateEvent(e.type, e.payload).ok, e.id).toBe(true);
    const liveClaims = events.filter(
      (e) => e.id.includes('-l') && e.type === 'huimin.feed.medical-expense.recorded.v1',
    );
    expect(liveClaims).toHaveLength(20);
  });

  it('posts through ingest with the demo keys and reports the scenario households', async () => {
    const keys = devCredentials();
    fake = await startFakeIngest({
      keys: Object.fromEntries(departmentCodes.map((d) => [d, keys[d]?.apiKey ?? ''])),
    });
    const { stderr } = await simulate([
      '--ingest',
      fake.url,
      '--households',
      '10',
      '--claims',
      '5',
      '--rate',
      '500',
    ]);
    expect(fake.violations).toEqual([]);
    expect(fake.requests.filter((r) => r.path.endsWith('/batch')).length).toBeGreaterThan(0);
    expect(
      fake.requests.filter((r) => r.path === '/v1/events/huimin.feed.medical-expense.recorded.v1'),
    ).toHaveLength(5);
    expect(stderr).toMatch(/scenario severe: household HH-S42-R01 .* should be flagged severe/);
    expect(stderr).toMatch(/rejected 0/);
  });

  it('fails with a readable message and exit code 1 on a bad flag', async () => {
    await expect(simulate(['--rate', '-3'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--rate/),
    });
  });

  it('accepts the command line its README documents, with the `--` pnpm forwards', async () => {
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const documented = readme
      .split('\n')
      .find((line) => line.startsWith('pnpm --filter @huimin/simulator simulate'));
    expect(documented).toBeDefined();
    // pnpm hands the script everything after the script's name, the `--` included.
    const words = documented?.trim().split(/\s+/) ?? [];
    const forwarded = words.slice(words.indexOf('simulate') + 1);
    expect(forwarded[0]).toBe('--');
    const options = parseCommandLine(forwarded);
    expect(options).toMatchObject({ seed: '42', households: '2000', rate: '50', duration: '5m' });
    expect(parseDuration(options.duration ?? '')).toBe(300_000);
    // And the CLI itself runs with it.
    const { stdout } = await simulate([
      '--',
      '--dry-run',
      '--seed',
      '42',
      '--households',
      '3',
      '--claims',
      '1',
    ]);
    expect(stdout.trimEnd().split('\n').length).toBeGreaterThan(3);
  });

  it('reads durations as people write them', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2')).toBe(2_000);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
  });
});
