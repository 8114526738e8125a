import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { parse } from 'yaml';

const composeSchema = JSON.parse(
  readFileSync(new URL('../schemas/compose-spec.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

export interface ComposeService {
  image?: string;
  build?: { context?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  command?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

/** Reads a compose file as Compose does: YAML 1.2 with `<<` merge keys resolved. */
export function parseCompose(text: string): ComposeFile {
  return parse(text, { merge: true, maxAliasCount: -1 }) as ComposeFile;
}

let validator: ReturnType<Ajv['compile']> | undefined;

/** Problems of a compose file against the Compose Specification's JSON schema; empty when valid. */
export function composeSchemaProblems(document: unknown): string[] {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    // The file names draft-07 by its https address, which ajv knows by its http one; the draft is the same.
    const { $schema: _draft, ...schema } = composeSchema;
    validator = ajv.compile(schema);
  }
  if (validator(document)) return [];
  return (validator.errors ?? []).map(
    (error: ErrorObject) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`,
  );
}
