import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

/** Kinds checked against the Kubernetes OpenAPI schemas that kubernetes-models ships. */
const models: Record<string, ModelClass> = {
  'apps/v1/Deployment': Deployment as unknown as ModelClass,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as unknown as ModelClass,
  'batch/v1/Job': Job as unknown as ModelClass,
  'networking.k8s.io/v1/Ingress': Ingress as unknown as ModelClass,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as unknown as ModelClass,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as ModelClass,
  'v1/ConfigMap': ConfigMap as unknown as ModelClass,
  'v1/Namespace': Namespace as unknown as ModelClass,
  'v1/Service': Service as unknown as ModelClass,
};

const kedaSchema = JSON.parse(
  readFileSync(new URL('../../schemas/keda-scaled-object.json', import.meta.url), 'utf8'),
) as object;
const keda = new Ajv({ allErrors: true, strict: false }).compile(kedaSchema);

/**
 * Problems of one manifest: Kubernetes kinds against the API schemas, KEDA's kinds against our
 * own minimal schema (schemas/keda-scaled-object.json). A kind known to neither is a problem, so
 * nothing reaches the cluster unchecked.
 */
export function manifestProblems(manifest: { apiVersion?: unknown; kind?: unknown }): string[] {
  const id = `${String(manifest.apiVersion)}/${String(manifest.kind)}`;
  if (String(manifest.apiVersion).startsWith('keda.sh/')) {
    if (keda(manifest)) return [];
    return (keda.errors ?? []).map((error) => `${id} ${error.instancePath || '/'} ${error.message ?? ''}`);
  }
  const Model = models[id];
  if (!Model) return [`${id}: no schema to check it against`];
  try {
    new Model(manifest as never).validate();
    return [];
  } catch (err: unknown) {
    return [`${id}: ${(err as Error).message}`];
  }
}
