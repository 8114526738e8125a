import { stringify } from 'yaml';
import type { DeployedService } from './deployment-table.ts';
import { renderBase } from './render-base.ts';

const HEADER =
  '# Rendered by tools/deploy-check (pnpm --filter @huimin/deploy-check render) from its deployment table;\n' +
  '# edit src/k8s/deployment-table.ts or render-base.ts and render again. CI fails when this file is stale.\n';

/** The Kustomize base as files: relative path → text. */
export function renderBaseFiles(services: readonly DeployedService[]): Map<string, string> {
  const files = new Map<string, string>();
  const documents = renderBase(services);
  for (const [name, manifests] of documents) {
    files.set(
      name,
      HEADER + manifests.map((manifest) => stringify(manifest, { lineWidth: 0 })).join('---\n'),
    );
  }
  files.set(
    'kustomization.yaml',
    `${HEADER}${stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [...documents.keys()],
    })}`,
  );
  return files;
}
