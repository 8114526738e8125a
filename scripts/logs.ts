// `pnpm logs <name> [--json] [--lines n]`: follows one process of the running dev stack — a service,
// the broker (`kafka`) or a simulator — from its full log under .data/logs/, every line in the
// readable form the dev stack's terminal uses for warnings (`--json`: the lines as written).
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readableLogLine } from './dev-terminal.ts';
import { root } from './stack.ts';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--')),
  options: { json: { type: 'boolean', default: false }, lines: { type: 'string', default: '40' } },
  allowPositionals: true,
});
const logsDir = join(process.env.DEV_DATA_DIR ?? join(root, '.data'), 'logs');
const available = existsSync(logsDir)
  ? readdirSync(logsDir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => f.slice(0, -4))
      .sort()
  : [];
const name = positionals[0];
if (!name || !available.includes(name)) {
  process.stderr.write(
    available.length === 0
      ? `no dev stack logs in ${logsDir}: start the stack with pnpm start\n`
      : `usage: pnpm logs <name> [--json] [--lines n]; logs of this run: ${available.join(', ')}\n`,
  );
  process.exit(1);
}
const file = join(logsDir, `${name}.log`);
const paint = (code: number, text: string) => (process.stdout.isTTY ? `\x1b[${code}m${text}\x1b[0m` : text);
const show = (line: string) => {
  const text = values.json ? line : readableLogLine(name, line, paint, 0);
  if (text !== undefined && line.trim() !== '') process.stdout.write(`${text}\n`);
};

let offset = 0;
let pending = '';
function readNew(): string[] {
  const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  if (size < offset) offset = 0; // a new run of the stack started the file again
  if (size === offset) return [];
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(size - offset);
    const read = readSync(fd, buffer, 0, buffer.length, offset);
    offset += read;
    pending += buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  return lines;
}

const last = Number(values.lines);
for (const line of readNew().slice(-(Number.isInteger(last) && last >= 0 ? last : 40))) show(line);
setInterval(() => {
  for (const line of readNew()) show(line);
}, 250);
