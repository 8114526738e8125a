// `pnpm --filter @huimin/contracts run check:compat [--update] [--dir <path>]`
// Compares every declared event type with its committed snapshot in schemas/published/ and exits 1
// on a non-additive change to a published version, naming the type and the schema pointer.
// `--update` snapshots new types and additive changes (and refuses while anything is breaking).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkCompatibility, type PublishedSnapshot, snapshotOf } from '../compat/check-compatibility.ts';
import type { EventDefinition } from '../define-event.ts';
import { jsonText } from '../json-text.ts';
import { events } from '../registry.ts';

const { values } = parseArgs({
  options: { update: { type: 'boolean', default: false }, dir: { type: 'string' } },
});
const dir = values.dir
  ? resolve(values.dir)
  : fileURLToPath(new URL('../../schemas/published/', import.meta.url));

mkdirSync(dir, { recursive: true });
const published = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as PublishedSnapshot);
const current = (Object.values(events) as EventDefinition[]).map(snapshotOf);
const report = checkCompatibility(published, current);

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

for (const f of report.breaking) say(`BREAKING ${f.type} ${f.pointer || '/'}: ${f.message} (${f.kind})`);
for (const f of report.additive) say(`additive ${f.type} ${f.pointer}: ${f.message}`);
for (const type of report.unpublished) say(`new      ${type}: no snapshot yet`);

if (report.breaking.length > 0) {
  say(
    `\n${report.breaking.length} non-additive change(s) to published event versions. Within a version only optional properties may be added; publish a new version (….v2) instead.`,
  );
  process.exit(1);
}

const toWrite = new Set([...report.unpublished, ...report.stale]);
if (values.update) {
  for (const snapshot of current) {
    if (toWrite.has(snapshot.type)) writeFileSync(join(dir, `${snapshot.type}.json`), jsonText(snapshot));
  }
  say(toWrite.size > 0 ? `snapshotted ${toWrite.size} type(s) in ${dir}` : 'snapshots are up to date');
} else {
  say(
    toWrite.size > 0
      ? `compatible; ${toWrite.size} snapshot(s) out of date: run check:compat --update and commit schemas/published/`
      : `compatible: ${current.length} event types match their snapshots`,
  );
}
