import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export type Resource = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
};

interface JsonPatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

interface Kustomization {
  resources?: string[];
  namespace?: string;
  images?: { name: string; newName?: string; newTag?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { path?: string; patch?: string; target: { kind?: string; name?: string } }[];
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'replicas', 'patches']);

/**
 * Renders a kustomization the way `kubectl kustomize` does for the subset Huimin's overlays use:
 * resources (files and folders), namespace, images, replicas, and `patches` holding JSON 6902
 * operations with a kind/name target. Anything else is refused rather than silently ignored,
 * so an overlay cannot use a feature this check does not apply. Strategic merge patches are not
 * supported on purpose.
 */
export function renderKustomization(dir: string): Resource[] {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir}: no kustomization.yaml`);
  const kustomization = parse(readFileSync(file, 'utf8')) as Kustomization & Record<string, unknown>;
  const unsupported = Object.keys(kustomization).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length > 0) throw new Error(`${file}: unsupported fields ${unsupported.join(', ')}`);

  const resources: Resource[] = [];
  for (const entry of kustomization.resources ?? []) {
    const path = resolve(dir, entry);
    if (statSync(path).isDirectory()) resources.push(...renderKustomization(path));
    else
      for (const document of parseAllDocuments(readFileSync(path, 'utf8'))) {
        if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]?.message}`);
        const value = document.toJS() as Resource | null;
        if (value) resources.push(value);
      }
  }

  for (const patch of kustomization.patches ?? []) {
    const text = patch.patch ?? readFileSync(resolve(dir, patch.path ?? ''), 'utf8');
    const operations = parse(text) as JsonPatchOperation[];
    const targets = resources.filter(
      (resource) =>
        (patch.target.kind === undefined || resource.kind === patch.target.kind) &&
        (patch.target.name === undefined || resource.metadata.name === patch.target.name),
    );
    if (targets.length === 0)
      throw new Error(`${file}: a patch matches nothing (${JSON.stringify(patch.target)})`);
    for (const target of targets) for (const operation of operations) applyOperation(target, operation);
  }

  for (const image of kustomization.images ?? []) {
    for (const container of containersOf(resources)) {
      const [name, tag] = splitImage(container.image);
      if (name !== image.name) continue;
      container.image = `${image.newName ?? name}${(image.newTag ?? tag) ? `:${image.newTag ?? tag}` : ''}`;
    }
  }

  for (const { name, count } of kustomization.replicas ?? []) {
    const workload = resources.find(
      (resource) => resource.kind === 'Deployment' && resource.metadata.name === name,
    );
    if (!workload) throw new Error(`${file}: replicas for unknown Deployment ${name}`);
    (workload.spec as { replicas: number }).replicas = count;
  }

  if (kustomization.namespace)
    for (const resource of resources)
      if (resource.kind !== 'Namespace') resource.metadata.namespace = kustomization.namespace;
  return resources;
}

function splitImage(image: string): [string, string | undefined] {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, undefined];
}

function containersOf(resources: Resource[]): { image: string }[] {
  return resources.flatMap((resource) => {
    const spec = (resource.spec as { template?: { spec?: { containers?: { image: string }[] } } } | undefined)
      ?.template?.spec;
    return spec?.containers ?? [];
  });
}

/** One JSON Patch (RFC 6902) operation: add, replace, remove; `-` appends to an array. */
export function applyOperation(document: unknown, operation: JsonPatchOperation): void {
  const segments = operation.path
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = segments.pop();
  if (last === undefined) throw new Error('a patch cannot replace the whole document');
  let parent: unknown = document;
  for (const segment of segments) {
    parent = (parent as Record<string, unknown>)[segment];
    if (parent === undefined || parent === null)
      throw new Error(`patch path ${operation.path} does not exist`);
  }
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length)
      throw new Error(`patch path ${operation.path}: no index ${last}`);
    if (operation.op === 'add') parent.splice(index, 0, structuredClone(operation.value));
    else if (index >= parent.length) throw new Error(`patch path ${operation.path} does not exist`);
    else if (operation.op === 'replace') parent[index] = structuredClone(operation.value);
    else parent.splice(index, 1);
    return;
  }
  const object = parent as Record<string, unknown>;
  if (operation.op !== 'add' && !(last in object))
    throw new Error(`patch path ${operation.path} does not exist`);
  if (operation.op === 'remove') delete object[last];
  else object[last] = structuredClone(operation.value);
}
