import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServiceManifest } from './repo.ts';

/** One environment variable a service's config schema declares. */
export interface ConfigVariable {
  name: string;
  required: boolean;
  default?: unknown;
  /** Declared with libs/kit's `secret()`: required, and strong, in production. */
  secret?: boolean;
}

interface SchemaLike {
  type?: unknown;
  properties?: Record<string, { default?: unknown; secret?: unknown }>;
  required?: string[];
}

function isObjectSchema(value: unknown): value is Required<Pick<SchemaLike, 'properties'>> & SchemaLike {
  const schema = value as SchemaLike | null;
  return (
    typeof schema === 'object' &&
    schema !== null &&
    schema.type === 'object' &&
    typeof schema.properties === 'object'
  );
}

/**
 * The variables a service reads, from its `src/config.ts`: every exported object schema there
 * (kit's loadConfig reads exactly the properties of the schema it is given). Data-driven, so a
 * service written later is covered as soon as it has a config.ts.
 */
export async function configVariables(service: ServiceManifest): Promise<ConfigVariable[] | undefined> {
  const file = join(service.dir, 'src', 'config.ts');
  if (!existsSync(file)) return undefined;
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const variables = new Map<string, ConfigVariable>();
  for (const exported of Object.values(module)) {
    if (!isObjectSchema(exported)) continue;
    const required = new Set(exported.required ?? []);
    for (const [name, property] of Object.entries(exported.properties)) {
      if (!/^[A-Z][A-Z0-9_]*$/.test(name)) continue;
      variables.set(name, {
        name,
        required: required.has(name),
        default: property.default,
        ...(property.secret !== undefined ? { secret: true } : {}),
      });
    }
  }
  return [...variables.values()];
}

/**
 * Why a container must be told a variable: it is required without a default, it is a secret
 * whose default is public, or its default names the local machine (127.0.0.1 / localhost),
 * which inside a container is the container itself.
 */
export function mustBeSetInContainer(variable: ConfigVariable): string | undefined {
  // Images run with NODE_ENV=production, where kit's loadConfig requires every secret.
  if (variable.secret) return 'a secret, required in production';
  if (variable.default === undefined) return variable.required ? 'required, no default' : undefined;
  // Images run with NODE_ENV=production, where services refuse their public development secrets.
  // An empty list (INGEST_SECRETS_KEY_PREVIOUS outside a rotation) holds no secret at all.
  const empty = Array.isArray(variable.default) && variable.default.length === 0;
  if (/SECRET|(^|_)KEY$/.test(variable.name) && !empty) return 'a secret whose default is public (dev only)';
  const text = JSON.stringify(variable.default);
  if (/127\.0\.0\.1|localhost/.test(text)) return `its default ${text} points at the container itself`;
  return undefined;
}
