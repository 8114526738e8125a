import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh data directory for one test; remove it with the returned function. */
export function tempDataDir(label: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `embedded-kafka-${label}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
