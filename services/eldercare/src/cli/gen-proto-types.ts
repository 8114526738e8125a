// `pnpm --filter @huimin/eldercare gen:proto` writes src/grpc/generated from the proto;
// `check:proto` (and the unit test beside proto-types.ts) fails when the committed copy drifted.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GENERATED_DIR, generateProtoTypes, protoTypesDrift } from '../grpc/proto-types.ts';

if (process.argv.includes('--check')) {
  const drift = protoTypesDrift();
  if (drift.length > 0) {
    console.error(`generated gRPC types are stale (run gen:proto): ${drift.join(', ')}`);
    process.exit(1);
  }
  console.log('generated gRPC types match the proto');
} else {
  const files = generateProtoTypes();
  rmSync(GENERATED_DIR, { recursive: true, force: true });
  for (const [name, text] of files) {
    const path = join(GENERATED_DIR, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  console.log(`wrote ${files.size} files to src/grpc/generated`);
}
