import { serviceDashboard } from './grafana-dashboard.ts';
import { deployedServices } from './k8s/deployment-table.ts';
import { renderBaseFiles } from './k8s/render-files.ts';

/** Every generated file of the repository: path from the root → content. */
export function renderedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, text] of renderBaseFiles(deployedServices)) files.set(`infra/k8s/base/${name}`, text);
  for (const service of deployedServices)
    files.set(
      `infra/grafana/dashboards/${service.name}.json`,
      `${JSON.stringify(serviceDashboard(service), null, 2)}\n`,
    );
  return files;
}
