import { readFileSync } from 'node:fs';
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { secretStrengthOf, secretWeakness } from './secrets.ts';

export type Env = Record<string, string | undefined>;

/** Thrown by `loadConfig`: one readable line per missing or invalid variable. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Reads the variables a TypeBox object schema declares from `env`: numbers and booleans are
 * coerced from their string form, comma-separated lists become arrays, defaults fill what is
 * unset (an empty string counts as unset). `<NAME>_FILE` names a file holding the value (a
 * mounted secret), used when `<NAME>` itself is unset. Every problem is collected before throwing,
 * so one start-up shows all of them. A property may carry `expected: '...'` to describe itself in
 * errors. With NODE_ENV=production a secret (kit's `secret()`) must be set and strong.
 */
export function loadConfig<T extends TObject>(schema: T, env: Env = process.env): Readonly<Static<T>> {
  const required = new Set(schema.required ?? []);
  const config: Record<string, unknown> = {};
  const problems: string[] = [];

  const production = env.NODE_ENV === 'production';
  for (const [key, property] of Object.entries(schema.properties)) {
    const raw = fromEnvOrFile(env, key, problems);
    const strength = secretStrengthOf(property);
    if (raw === undefined || raw.trim() === '') {
      if (production && strength) problems.push(`${key}: required in production (the default is public)`);
      else if (property.default !== undefined) config[key] = Value.Clone(property.default);
      else if (required.has(key)) problems.push(`${key}: required, not set`);
      continue;
    }
    const value = coerce(property, raw);
    if (!Value.Check(property, value)) {
      problems.push(`${key}: expected ${describe(property)}, got ${shown(key, raw)}`);
      continue;
    }
    const weakness = production && strength ? secretWeakness(raw, strength) : undefined;
    if (weakness) problems.push(`${key}: ${weakness} (refused in production)`);
    else config[key] = value;
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config) as Readonly<Static<T>>;
}

/** For main.ts: load the config, or print each problem to stderr and exit 1. */
export function loadConfigOrExit<T extends TObject>(schema: T, env: Env = process.env): Readonly<Static<T>> {
  try {
    return loadConfig(schema, env);
  } catch (err: unknown) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return process.exit(1);
  }
}

/** `env[key]`, or the content of the file `env[key_FILE]` names (without its final line break). */
function fromEnvOrFile(env: Env, key: string, problems: string[]): string | undefined {
  const raw = env[key];
  const file = env[`${key}_FILE`];
  if ((raw !== undefined && raw.trim() !== '') || file === undefined || file.trim() === '') return raw;
  try {
    return readFileSync(file.trim(), 'utf8').replace(/\r?\n$/, '');
  } catch (err: unknown) {
    problems.push(
      `${key}_FILE: cannot read ${file.trim()} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
    return undefined;
  }
}

function coerce(schema: TSchema, raw: string): unknown {
  const text = raw.trim();
  switch (schema.type) {
    case 'integer':
    case 'number':
      // Number('') is 0 and Number('0x1f') is 31; only plain decimal text counts as a number.
      return /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : raw;
    case 'boolean':
      if (/^(true|1|yes|on)$/i.test(text)) return true;
      if (/^(false|0|no|off)$/i.test(text)) return false;
      return raw;
    case 'array':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
        .map((item) => coerce(schema.items as TSchema, item));
    default:
      return raw; // strings keep their exact text: a password may well contain spaces
  }
}

function describe(schema: TSchema): string {
  if (typeof schema.expected === 'string') return schema.expected;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.anyOf)) {
    const options = (schema.anyOf as TSchema[]).map((option) =>
      option.const !== undefined ? String(option.const) : describe(option),
    );
    return `one of ${options.join(', ')}`;
  }
  switch (schema.type) {
    case 'integer':
      return `an integer${range(schema)}`;
    case 'number':
      return `a number${range(schema)}`;
    case 'boolean':
      return 'true or false';
    case 'array':
      return `a comma-separated list of ${describe(schema.items as TSchema)}${schema.minItems ? ` (at least ${schema.minItems})` : ''}`;
    case 'string':
      if (schema.pattern) return `a string matching ${schema.pattern}`;
      if (schema.minLength) return `a string of at least ${schema.minLength} characters`;
      return 'a string';
    default:
      return 'a valid value';
  }
}

function range(schema: TSchema): string {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema;
  if (minimum !== undefined && maximum !== undefined) return ` ${minimum}–${maximum}`;
  const low =
    minimum !== undefined ? `≥ ${minimum}` : exclusiveMinimum !== undefined ? `> ${exclusiveMinimum}` : '';
  const high =
    maximum !== undefined ? `≤ ${maximum}` : exclusiveMaximum !== undefined ? `< ${exclusiveMaximum}` : '';
  const bounds = [low, high].filter((bound) => bound !== '').join(' and ');
  return bounds === '' ? '' : ` ${bounds}`;
}

// Quote the offending value so stray spaces show, but never print a secret.
function shown(key: string, raw: string): string {
  if (/PASSWORD|SECRET|TOKEN|PRIVATE|CREDENTIAL|(^|_)KEY$/i.test(key))
    return `a value of ${raw.length} characters (hidden)`;
  const withoutPassword = raw.replace(/(\/\/[^/:@\s]*:)[^@/\s]*@/, '$1***@');
  const short = withoutPassword.length > 80 ? `${withoutPassword.slice(0, 77)}...` : withoutPassword;
  return JSON.stringify(short);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
