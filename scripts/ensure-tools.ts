// Installs the system tools the test suite drives (Debian packages) when they are missing.
// The tests use real clients — kcat (librdkafka) talks to the embedded broker — so a missing
// tool is installed here (as root with apt-get) or named in one clear line, never skipped.
import { execFileSync, spawnSync } from 'node:child_process';

const tools: { command: string; debianPackage: string }[] = [{ command: 'kcat', debianPackage: 'kcat' }];

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const missing = tools.filter((tool) => !has(tool.command));
if (missing.length > 0) {
  const packages = missing.map((tool) => tool.debianPackage);
  const canInstall = process.getuid?.() === 0 && has('apt-get');
  if (!canInstall) {
    console.error(
      `missing test tools: ${packages.join(', ')}. Install them with: sudo apt-get install -y ${packages.join(' ')}`,
    );
    process.exit(1);
  }
  console.log(`installing test tools: ${packages.join(', ')}`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}
