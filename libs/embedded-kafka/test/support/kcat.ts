import { execFile, execFileSync } from 'node:child_process';

/** Fails the test (never skips it) when kcat is missing: CI installs it. */
export function requireKcat(): void {
  try {
    execFileSync('kcat', ['-V'], { stdio: 'ignore' });
  } catch {
    throw new Error('kcat is not installed: these tests need it (Debian/Ubuntu: apt-get install -y kcat)');
  }
}

/** Runs kcat with a timeout; resolves with its stdout, rejects with stderr on failure. */
export function kcat(args: string[], input?: string, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'kcat',
      args,
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`kcat ${args.join(' ')} failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}
