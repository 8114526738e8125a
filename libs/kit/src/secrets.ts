import { type StringOptions, type TString, Type } from '@sinclair/typebox';

// A service's own secrets (sealing keys, signing secrets, its client secret) have defaults so the
// dev stack runs without setting any; those defaults are public. With NODE_ENV=production,
// loadConfig refuses to start unless every secret is set and strong: long enough, not a value this
// repository publishes (a dev default, a demo password, a README example, a department's demo
// credential), and not text dressed up as a random key.

/** How strong a secret must be; carried on its schema as `secret`. */
export interface SecretStrength {
  /** `hex32`: exactly 64 hex digits holding 32 random bytes; `text`: at least `minLength` characters. */
  kind: 'hex32' | 'text';
  minLength?: number;
}

/**
 * A secret variable of a service's config: `INGEST_SECRETS_KEY: secret({ kind: 'hex32', default: DEV_KEY })`.
 * Without NODE_ENV=production the default (public, dev only) is accepted; with it, the variable must
 * be set and pass `secretWeakness`.
 */
export function secret(strength: SecretStrength, options: StringOptions = {}): TString {
  const minLength = strength.kind === 'hex32' ? 64 : (strength.minLength ?? 32);
  return Type.String({
    minLength: 1,
    ...(strength.kind === 'hex32'
      ? { pattern: '^[0-9a-fA-F]{64}$', expected: '64 hex digits (32 bytes)' }
      : { expected: `a secret (at least ${minLength} random characters in production)` }),
    ...options,
    secret: { ...strength, minLength },
  });
}

/** The strength a config property declares, if it is a secret. */
export function secretStrengthOf(schema: unknown): Required<SecretStrength> | undefined {
  const marked = (schema as { secret?: SecretStrength } | null)?.secret;
  if (!marked || (marked.kind !== 'hex32' && marked.kind !== 'text')) return undefined;
  return { kind: marked.kind, minLength: marked.minLength ?? (marked.kind === 'hex32' ? 64 : 32) };
}

/**
 * Words that mark a value as written by a person for others to read — a default, an example, a
 * placeholder — and never as generated: six letters or more, so that a random secret holds one by
 * chance less than once in a million.
 */
const PUBLISHED_MARKERS = [
  'example',
  'sample',
  'changeme',
  'change-me',
  'placeholder',
  'not-for-production',
  'huimin',
  'password',
  'secret',
];

/** Formats of credentials the platform issues to departments: never a service's secret. */
const CREDENTIAL_PREFIXES = ['hmk_', 'hms_'];

/** Why `value` is no production secret, or undefined when it may be one. Never echoes the value. */
export function secretWeakness(value: string, strength: SecretStrength): string | undefined {
  const minLength = strength.kind === 'hex32' ? 64 : (strength.minLength ?? 32);
  if (strength.kind === 'hex32' && !/^[0-9a-f]{64}$/i.test(value)) return 'must be 64 hex digits (32 bytes)';
  if (value.length < minLength) return `must be at least ${minLength} characters`;
  const lower = value.toLowerCase();
  if (CREDENTIAL_PREFIXES.some((prefix) => lower.startsWith(prefix)))
    return 'is a department credential, not a secret of this service';
  const marker = PUBLISHED_MARKERS.find((word) => lower.includes(word));
  if (marker) return `reads as a published value ("${marker}"), not a generated one`;
  // `dev-discovery-secret`, `compose-only-key-2026`: words joined by separators, typed by a person.
  if (/^[a-z0-9]+([-_.][a-z0-9]+)+$/.test(value)) return 'reads as words, not a generated value';
  if (new Set(value).size < 10) return 'has too few distinct characters to be random';
  if (periodic(lower)) return 'repeats itself, so it is not random';
  // Hex whose bytes are all printable is text dressed up as a key (`6465762d…` is "dev-…").
  if (/^([0-9a-f]{2})+$/i.test(value)) {
    const bytes = Buffer.from(value, 'hex');
    if (bytes.every((b) => b >= 0x20 && b < 0x7f)) return 'is text written as hex, not random bytes';
  }
  return undefined;
}

/** A value made of one block repeated (`0f1e…0f1e…`, `abcabcabc…`). */
function periodic(value: string): boolean {
  for (let period = 1; period <= value.length / 2; period++) {
    let repeats = true;
    for (let i = period; i < value.length && repeats; i++) repeats = value[i] === value[i - period];
    if (repeats) return true;
  }
  return false;
}
