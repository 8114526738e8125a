import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openProducerIdAllocator } from './producer-ids.ts';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('never hands out an id twice across restarts, even without a clean close', () => {
  dir = mkdtempSync(join(tmpdir(), 'producer-ids-'));
  const first = openProducerIdAllocator(dir, 10);
  const seen = new Set<number>();
  for (let i = 0; i < 25; i++) seen.add(first.next());
  // No close: a crash leaves the file as written so far.
  const second = openProducerIdAllocator(dir, 10);
  for (let i = 0; i < 25; i++) {
    const id = second.next();
    expect(seen.has(id)).toBe(false);
    seen.add(id);
  }
  expect(seen.size).toBe(50);
  expect([...seen].every((id) => id >= 0)).toBe(true);
});
