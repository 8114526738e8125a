// Installs the system tools the test suite drives (Debian packages) when they are missing.
// The tests use real clients — kcat (librdkafka) talks to the embedded broker, Debian's Chromium
// drives the case-handler console (with a CJK font, so its screenshots show the Chinese text), the
// end-to-end tests run private Redis servers — so a missing tool is installed here (as root with
// apt-get) or named in one clear line with the command to run, never skipped. `pnpm test` runs this
// first; CI relies on it too, so the README's command and CI cannot drift apart.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface TestTool {
  /** What the suite drives, as a person would name it. */
  name: string;
  /** The Debian package that provides it. */
  debianPackage: string;
  /** Whether this machine has it. */
  present: () => boolean;
  /** The executable's path, for a tool the suite runs by path rather than from PATH. */
  path?: string;
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Where the console's browser tests find Chromium (CHROMIUM_PATH overrides Debian's). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const testTools: readonly TestTool[] = [
  { name: 'kcat', debianPackage: 'kcat', present: () => onPath('kcat') },
  {
    name: 'chromium',
    debianPackage: 'chromium',
    path: chromiumPath,
    present: () => existsSync(chromiumPath),
  },
  {
    name: 'a CJK font',
    debianPackage: 'fonts-wqy-microhei',
    // fontconfig comes with the font package; without fc-list there is no font either.
    present: () => spawnSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).stdout?.trim().length > 0,
  },
  { name: 'redis-server', debianPackage: 'redis-server', present: () => onPath('redis-server') },
  { name: 'redis-cli', debianPackage: 'redis-tools', present: () => onPath('redis-cli') },
];

export function missingTools(tools: readonly TestTool[] = testTools): TestTool[] {
  return tools.filter((tool) => !tool.present());
}

function main(): void {
  const missing = missingTools();
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((tool) => tool.debianPackage))];
  const canInstall = process.getuid?.() === 0 && onPath('apt-get');
  if (!canInstall) {
    console.error(
      `missing test tools: ${missing.map((tool) => tool.name).join(', ')}. Install them with: sudo apt-get install -y ${packages.join(' ')}`,
    );
    process.exit(1);
  }
  console.log(`installing test tools: ${packages.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], {
    stdio: 'inherit',
    env,
  });
  const still = missingTools();
  if (still.length > 0) {
    console.error(
      `installed ${packages.join(' ')} but still missing: ${still.map((t) => t.name).join(', ')}`,
    );
    process.exit(1);
  }
}

if (import.meta.main) main();
