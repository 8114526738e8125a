export {
  type AlertRule,
  headingAnchor,
  markdownAnchors,
  metricsInExpression,
  parseAlertRules,
} from './alert-rules.ts';
export { composeSchemaProblems, parseCompose } from './compose-check.ts';
export { type ConfigVariable, configVariables, mustBeSetInContainer } from './config-env.ts';
export { parseDockerfile } from './dockerfile.ts';
export { dockerignoreMatcher } from './dockerignore.ts';
export { buildImageLayout, type ImageLayout } from './image-layout.ts';
export { type DeployedService, deployedServices } from './k8s/deployment-table.ts';
export { renderKustomization } from './k8s/kustomize-lite.ts';
export { manifestProblems } from './k8s/validate-manifest.ts';
export { renderedFiles } from './rendered-files.ts';
export { listServices } from './repo.ts';
