import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumPath, missingTools, testTools } from './ensure-tools.ts';
import { root } from './stack.ts';

// Every TypeScript file of the workspace's own code (tests, fixtures, e2e, benchmarks, scripts).
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    if (entry === 'node_modules' || entry.startsWith('.')) return [];
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}
const code = ['libs', 'services', 'tools', 'e2e', 'bench', 'scripts']
  .flatMap((dir) => sources(join(root, dir)))
  .map((path) => ({ path: relative(root, path), text: readFileSync(path, 'utf8') }))
  // ensure-tools runs fc-list and apt-get to do its own checking.
  .filter(({ path }) => !path.startsWith(join('scripts', 'ensure-tools')));

// What the workspace itself runs or installs with, not tools the tests drive.
// (and coreutils, on every machine).
const toolchain = new Set(['node', 'pnpm', 'npx', 'sh', 'apt-get', 'rm']);
// Run only when present, nothing failing without them: `pnpm start` asks ss who holds a taken port
// when /proc does not say.
const optional = new Set(['ss']);
// Apache Kafka's own runs (`pnpm test:apache-kafka`, `pnpm kafka:apache`), not `pnpm test`: that
// command checks them itself and names what is missing in one line (checkJavaAndMaven).
const apacheKafkaOnly = new Set(['java', 'mvn']);

describe('scripts/ensure-tools.ts (run by pnpm test)', () => {
  it('knows every system program the code runs by name', () => {
    const known = new Set(testTools.map((tool) => tool.name));
    const driven = new Map<string, string>();
    for (const { path, text } of code) {
      for (const match of text.matchAll(/\b(?:spawn|spawnSync|execFile|execFileSync)\(\s*'([\w.-]+)'/g)) {
        const command = match[1] ?? '';
        if (apacheKafkaOnly.has(command)) {
          expect(path, `${command} runs only for Apache Kafka`).toBe(
            join('libs', 'testkit', 'src', 'apache-kafka.ts'),
          );
          continue;
        }
        if (!toolchain.has(command) && !optional.has(command)) driven.set(command, path);
      }
    }
    expect([...driven.keys()]).toContain('kcat');
    for (const [command, path] of driven) expect(known, `${command} (run in ${path})`).toContain(command);
  });

  it('knows the browser the console tests launch, at the path they launch it from', () => {
    const browser = code.find(
      ({ path }) => path === join('services', 'notify', 'test', 'console-browser.ts'),
    );
    expect(browser?.text).toContain("process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'");
    expect(testTools.find((tool) => tool.name === 'chromium')?.path).toBe(chromiumPath);
    expect(testTools.find((tool) => tool.name === 'chromium')?.debianPackage).toBe('chromium');
    // Screenshots of the console need glyphs for its Chinese text.
    expect(testTools.find((tool) => tool.name === 'a CJK font')?.debianPackage).toBe('fonts-wqy-microhei');
  });

  it('finds each tool on a machine that has them (this one: pnpm test ran ensure-tools first)', () => {
    expect(missingTools().map((tool) => tool.name)).toEqual([]);
  });

  it('reports a tool as missing when its check fails', () => {
    const absent = { name: 'absent', debianPackage: 'absent', present: () => false };
    expect(missingTools([...testTools, absent]).map((tool) => tool.name)).toEqual(['absent']);
  });
});
