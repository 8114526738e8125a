// `pnpm docs:events`: writes the AsyncAPI document to docs/events/asyncapi.json at the repository
// root (resolved from this file, not the working directory). `--out <path>` writes elsewhere.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildAsyncApiDocument } from '../asyncapi.ts';
import { jsonText } from '../json-text.ts';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = values.out
  ? resolve(values.out)
  : fileURLToPath(new URL('../../../../docs/events/asyncapi.json', import.meta.url));

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, jsonText(buildAsyncApiDocument()));
process.stdout.write(`wrote ${out}\n`);
