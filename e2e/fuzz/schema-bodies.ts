// Bodies built from a route's own request schema (as its OpenAPI document publishes it), then
// broken one property at a time: a value of the wrong type, an injection string, a huge or deeply
// nested value, a required property missing, a property the schema does not know. A body that
// passes validation reaches the handler and the database, which is where a 5xx would hide.

import { syntheticResidentId } from '@huimin/contracts';
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  examples?: unknown[];
  default?: unknown;
}

/** Strings a careless handler would pass on to SQL, a template, a file path or a shell. */
export const injectionStrings = [
  "' OR 1=1 --",
  "'; DROP TABLE users; --",
  '1; SELECT pg_sleep(0)',
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as it is
  '{{7*7}}${7*7}<%= 7*7 %>#{7*7}',
  '<script>alert(1)</script>',
  '$(id)`id`',
  '\u0000',
  'a\u0000b',
  '\u202e\ufeff',
  '\ud800',
  '😀'.repeat(40),
  '=HYPERLINK("http://example.invalid")',
];

const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

function stringFor(schema: JsonSchema, name: string): string {
  const example = schema.examples?.[0] ?? schema.default;
  if (typeof example === 'string') return example;
  if (schema.format === 'date') return TODAY;
  if (schema.format === 'date-time') return new Date().toISOString();
  const pattern = schema.pattern ?? '';
  if (/residentId/i.test(name) || pattern.includes('{17}'))
    return syntheticResidentId({ birthDate: '1950-03-04', sex: 'female', seq: 7 });
  if (pattern.includes('\\d{12}') || /communityCode/.test(name)) return '320585001001';
  if (pattern.includes('\\d{9}') || /townCode/.test(name)) return '320585001';
  if (pattern.includes('\\d{4}-\\d{2}-\\d{2}') || /date/i.test(name)) return TODAY;
  if (/month/i.test(name)) return TODAY.slice(0, 7);
  if (/^(id|householdId)$/.test(name)) return 'HH-fuzz-0001';
  return 'x'.repeat(Math.max(1, Math.min(schema.minLength ?? 3, 64)));
}

/** A value the schema accepts as often as we can tell (patterns are guessed from names). */
export function plausible(schema: JsonSchema | undefined, name = '', depth = 0): unknown {
  if (!schema || depth > 6) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const choice = schema.anyOf ?? schema.oneOf;
  if (choice?.length) return plausible(choice[0], name, depth + 1);
  if (schema.allOf?.length)
    return Object.assign({}, ...schema.allOf.map((s) => plausible(s, name, depth + 1) as object));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type ?? (schema.properties ? 'object' : undefined)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(schema.properties ?? {}))
        out[key] = plausible(child, key, depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () =>
        plausible(schema.items, name, depth + 1),
      );
    case 'string':
      return stringFor(schema, name);
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, Math.min(schema.maximum ?? 100, 100));
    case 'boolean':
      return true;
    default:
      return null;
  }
}

/** Every path (as property names) into a plausible body's objects, the root included. */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

const replacements: unknown[] = [
  ...injectionStrings,
  null,
  true,
  -1,
  0,
  1.5,
  -2_147_483_649,
  Number.MAX_SAFE_INTEGER + 2,
  1e308,
  '1e309',
  'NaN',
  [],
  {},
  [[[[[]]]]],
  JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
  'y'.repeat(100_000),
  Array.from({ length: 5_000 }, (_, i) => i),
  nested(500),
];

type Mutation = { kind: 'replace'; value: unknown } | { kind: 'delete' } | { kind: 'extra'; value: unknown };

function mutate(body: unknown, path: string[], mutation: Mutation): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  if (path.length === 0) {
    if (mutation.kind === 'replace') return mutation.value;
    if (mutation.kind === 'extra' && copy && typeof copy === 'object')
      return Object.assign(copy, { role: 'bureau-admin', isAdmin: true, status: 'approved' });
    return body;
  }
  let parent: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  if (mutation.kind === 'replace') parent[last] = mutation.value;
  else if (mutation.kind === 'delete') delete parent[last];
  else parent[`${last}Extra`] = mutation.value;
  return copy;
}

/**
 * The plausible body itself and `runs` broken ones, chosen by fast-check from every (property,
 * mutation) pair, so a longer run (E2E_FUZZ_RUNS) covers more of them.
 */
export function schemaBodies(schema: JsonSchema, runs: number, seed: number): string[] {
  const base = plausible(schema);
  const paths = pathsOf(base);
  const mutation = fc.oneof(
    fc.constantFrom(...replacements).map((value) => ({ kind: 'replace', value }) as Mutation),
    fc.constant({ kind: 'delete' } as Mutation),
    fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: 'extra', value }) as Mutation),
  );
  const broken = fc
    .sample(fc.tuple(fc.constantFrom(...paths), mutation), { numRuns: runs, seed })
    .map(([path, m]) => JSON.stringify(mutate(base, path, m)) ?? 'null');
  return [JSON.stringify(base), ...broken];
}
