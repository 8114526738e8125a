// `pnpm bench <name>`: runs bench/<name>/index.ts on Node 24 and checks that it wrote
// bench/results/<name>.json. Benchmarks measure; tests never time anything.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench');

function available(): string[] {
  return readdirSync(benchDir).filter((entry) => existsSync(join(benchDir, entry, 'index.ts')));
}

const [name, ...rest] = process.argv.slice(2);
if (!name) {
  const names = available();
  console.error(`usage: pnpm bench <name>\navailable: ${names.length ? names.join(', ') : '(none yet)'}`);
  process.exit(2);
}
if (!/^[a-z0-9-]+$/.test(name) || !existsSync(join(benchDir, name, 'index.ts'))) {
  console.error(`no benchmark named "${name}"; available: ${available().join(', ') || '(none yet)'}`);
  process.exit(2);
}

const resultFile = join(benchDir, 'results', `${name}.json`);
const startedAt = Date.now();
const child = spawn(process.execPath, [join(benchDir, name, 'index.ts'), ...rest], {
  stdio: 'inherit',
  env: { ...process.env, BENCH_RESULT_FILE: resultFile },
});
child.on('exit', (code, signal) => {
  if (code !== 0) {
    console.error(`bench ${name} failed (${signal ?? `exit ${code}`})`);
    process.exit(code ?? 1);
  }
  if (!existsSync(resultFile) || statSync(resultFile).mtimeMs < startedAt) {
    console.error(`bench ${name} finished but did not write ${join('bench', 'results', `${name}.json`)}`);
    process.exit(1);
  }
  console.log(`results: ${join('bench', 'results', `${name}.json`)}`);
});
