// `pnpm --filter @huimin/deploy-check render`: writes the Kubernetes base (infra/k8s/base) and the
// Grafana dashboards (infra/grafana/dashboards) from the deployment table, then lets Biome format
// them as it formats every YAML and JSON file of the repository.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderedFiles } from '../rendered-files.ts';
import { repoRoot } from '../repo.ts';

const written: string[] = [];
for (const [path, text] of renderedFiles()) {
  const target = join(repoRoot, path);
  mkdirSync(join(target, '..'), { recursive: true });
  writeFileSync(target, text);
  written.push(path);
}
execFileSync('pnpm', ['exec', 'biome', 'format', '--write', ...written], { cwd: repoRoot, stdio: 'inherit' });
process.stdout.write(`wrote ${written.join('\n      ')}\n`);
