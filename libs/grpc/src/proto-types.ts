import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's proto/ folder: contracts are loaded from there, never copied. */
export const PROTO_ROOT = fileURLToPath(new URL('../../../proto/', import.meta.url));

export interface ProtoTypes {
  /** File path (relative to the generated folder) → content, as the proto generates it now. */
  generate(): Map<string, string>;
  /** Files whose committed copy differs from what the proto generates now (missing, stale or extra). */
  drift(): string[];
  /** Replaces the generated folder with a fresh generation; returns how many files it wrote. */
  write(): number;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * TypeScript types of a service's gRPC contract: proto-loader-gen-types (pure JS, no protoc
 * download) with its output made to fit Node's type stripping — relative imports get their `.ts`
 * extension, and the options emit no enums or namespaces. Services commit the generated folder and
 * a unit test checks it for drift.
 */
export function protoTypes(options: { proto: string; generatedDir: string }): ProtoTypes {
  const { proto, generatedDir } = options;

  function generate(): Map<string, string> {
    const require = createRequire(import.meta.url);
    const bin = join(
      require.resolve('@grpc/proto-loader/package.json'),
      '..',
      'build/bin/proto-loader-gen-types.js',
    );
    const out = mkdtempSync(join(tmpdir(), 'huimin-proto-'));
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
          proto,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      const files = new Map<string, string>();
      for (const path of filesUnder(out)) {
        const text = readFileSync(path, 'utf8')
          // The generator names the proto by the absolute path it was given; keep the repo-relative one.
          .replace(/^\/\/ Original file: .*$/m, `// Original file: proto/${proto}`)
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

  return {
    generate,
    drift() {
      const fresh = generate();
      const committed = new Map<string, string>();
      try {
        for (const path of filesUnder(generatedDir))
          committed.set(relative(generatedDir, path), readFileSync(path, 'utf8'));
      } catch {
        // No generated folder at all: every file is drift.
      }
      const names = new Set([...fresh.keys(), ...committed.keys()]);
      return [...names].filter((name) => fresh.get(name) !== committed.get(name)).sort();
    },
    write() {
      const files = generate();
      rmSync(generatedDir, { recursive: true, force: true });
      for (const [name, text] of files) {
        const path = join(generatedDir, name);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
      }
      return files.size;
    },
  };
}

/** The body of a service's `gen:proto` / `check:proto` script. */
export function runProtoTypesCli(types: ProtoTypes, argv: readonly string[]): void {
  if (argv.includes('--check')) {
    const drift = types.drift();
    if (drift.length > 0) {
      console.error(`generated gRPC types are stale (run gen:proto): ${drift.join(', ')}`);
      process.exit(1);
    }
    console.log('generated gRPC types match the proto');
  } else {
    console.log(`wrote ${types.write()} generated files`);
  }
}
