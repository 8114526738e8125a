import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildAsyncApiDocument } from './asyncapi.ts';
import { jsonText } from './json-text.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** What the repository's formatter makes of a JSON text. */
function biomeFormat(text: string): string {
  const biome = join(repoRoot, 'node_modules', '.bin', 'biome');
  const result = spawnSync(biome, ['format', '--stdin-file-path=generated-check.json'], {
    cwd: repoRoot,
    input: text,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`biome failed: ${result.stderr}`);
  return result.stdout;
}

describe('jsonText', () => {
  it('is valid JSON of the same value', () => {
    const value = { a: [1, 'two', null, true], b: { c: [], d: {} }, e: [{ f: 1 }] };
    expect(JSON.parse(jsonText(value))).toEqual(value);
  });

  it('lays out JSON exactly as the formatter does, at and around the line width', () => {
    const long = (n: number) => 'x'.repeat(n);
    const value = {
      short: ['a', 'b'],
      // One-line forms of exactly 110 and 111 columns, with and without a comma after them.
      edge: [long(95)],
      over: [long(96)],
      nested: { deeper: { overComma: [long(87)], edgeLast: [long(88)] } },
      objects: [{ k: 1 }, { k: [1, 2, 3] }],
      overLast: [long(93)],
    };
    const text = jsonText(value);
    const widths = text.split('\n').map((line) => line.length);
    expect(widths.filter((w) => w === 110)).toHaveLength(2);
    expect(Math.max(...widths)).toBe(110);
    expect(text).toBe(biomeFormat(text));
  });

  it('lays out the AsyncAPI document as the formatter does', () => {
    const text = jsonText(buildAsyncApiDocument());
    expect(text).toBe(biomeFormat(text));
  });
});
