import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// The same pattern as eligibility's gRPC service: types generated from the proto by
// proto-loader-gen-types, committed under generated/, checked for drift by a unit test.

export const PROTO_ROOT = fileURLToPath(new URL('../../../../proto/', import.meta.url));
export const ORDER_PROTO = 'huimin/eldercare/v1/order.proto';
export const GENERATED_DIR = fileURLToPath(new URL('./generated/', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** proto-loader-gen-types output, with `.ts` on relative imports so Node's type stripping loads it. */
export function generateProtoTypes(): Map<string, string> {
  const require = createRequire(import.meta.url);
  const bin = join(
    require.resolve('@grpc/proto-loader/package.json'),
    '..',
    'build/bin/proto-loader-gen-types.js',
  );
  const out = mkdtempSync(join(tmpdir(), 'eldercare-proto-'));
  try {
    execFileSync(
      process.execPath,
      [
        bin,
        '--longs=String',
        '--enums=String',
        '--defaults',
        '--oneofs',
        '--grpcLib=@grpc/grpc-js',
        '-I',
        PROTO_ROOT,
        '-O',
        out,
        ORDER_PROTO,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const files = new Map<string, string>();
    for (const path of filesUnder(out)) {
      const text = readFileSync(path, 'utf8')
        .replace(/^\/\/ Original file: .*$/m, `// Original file: proto/${ORDER_PROTO}`)
        .replace(/from '(\.{1,2}\/[^']+?)'/g, (_m, spec: string) => `from '${spec}.ts'`);
      if (/^\s*(export\s+)?(const\s+)?(enum|namespace)\s/m.test(text))
        throw new Error(`${relative(out, path)}: generated code is not erasable TypeScript`);
      files.set(relative(out, path), text);
    }
    return files;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Generated files whose committed copy is missing, stale or extra. */
export function protoTypesDrift(): string[] {
  const fresh = generateProtoTypes();
  const committed = new Map<string, string>();
  try {
    for (const path of filesUnder(GENERATED_DIR))
      committed.set(relative(GENERATED_DIR, path), readFileSync(path, 'utf8'));
  } catch {
    // No generated folder: every file is drift.
  }
  const names = new Set([...fresh.keys(), ...committed.keys()]);
  return [...names].filter((name) => fresh.get(name) !== committed.get(name)).sort();
}
