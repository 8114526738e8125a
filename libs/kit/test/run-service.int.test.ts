import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/failing-start.ts', import.meta.url));

function run(failure: string) {
  const { status, stdout, stderr } = spawnSync(process.execPath, [fixture], {
    env: { ...process.env, FIXTURE_FAILURE: failure },
    encoding: 'utf8',
  });
  return { status, stdout, stderr };
}

describe('start-up failures exit 1 with a readable reason', () => {
  const configProblems = [
    'invalid configuration:',
    '  PORT: expected an integer 1–65535, got "abc"',
    '  RISK_WINDOW_DAYS: required, not set',
  ].join('\n');

  it('runService prints config problems to stderr, one line each', () => {
    const { status, stdout, stderr } = run('config');
    expect(status).toBe(1);
    expect(stderr).toBe(`${configProblems}\n`);
    expect(stdout).not.toContain('still running');
  });

  it('loadConfigOrExit does the same for a main.ts without runService', () => {
    const { status, stderr } = run('config-or-exit');
    expect(status).toBe(1);
    expect(stderr).toBe(`${configProblems}\n`);
  });

  it('runService logs any other start-up error (masked) and exits 1', () => {
    const { status, stdout } = run('crash');
    expect(status).toBe(1);
    const line = JSON.parse(stdout.trim().split('\n')[0] ?? '{}');
    expect(line).toMatchObject({ level: 'fatal', msg: 'service failed to start' });
    expect(line.err.message).toBe('connect ECONNREFUSED 127.0.0.1:5432 for resident 9900**********0009');
    expect(stdout).not.toContain('still running');
  });
});
