import { maskPhone, maskResidentId } from './mask.ts';
import { isPersonalKey } from './personal-data.ts';

// Redaction runs on the finished JSON line, after pino has applied every serializer, child
// binding and message: nothing can be added later that skips it. pino's own `redact` paths
// cannot express "this key at any depth, also inside arrays", so this does the walk itself.

export const REDACTED = '[REDACTED]';

// Last-line defence, applied to every string in the line (messages, err.message, stacks, URLs):
// an 18-character resident ID (17 digits + digit or X) and an 11-digit mainland mobile number,
// optionally written with +86 and separators.
const residentIdPattern = /(?<!\d)\d{17}[\dXx](?!\d)/g;
const mobilePattern = /(?<!\d)(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)/g;
// The same, written as a bare JSON number (a phone stored as a number); becomes a masked string.
const residentIdNumber = /(?<![\d.eE+-])\d{18}(?![\d.eE])/g;
const mobileNumber = /(?<![\d.eE+-])1[3-9]\d{9}(?![\d.eE])/g;

// Splits a JSON text into string literals and the stretches between them.
const jsonTokens = /"(?:[^"\\]|\\.)*"|[^"]+/g;
const jsonKeys = /"((?:[^"\\]|\\.)*)":/g;

export function redactLogLine(line: string): string {
  const keyed = hasPersonalKey(line) ? redactKeys(line) : line;
  return keyed.replace(jsonTokens, (token) => (token.startsWith('"') ? maskText(token) : maskNumbers(token)));
}

export function maskText(text: string): string {
  return text.replace(residentIdPattern, maskResidentId).replace(mobilePattern, (m) => maskPhone(m));
}

function maskNumbers(text: string): string {
  return text
    .replace(residentIdNumber, (m) => `"${maskResidentId(m)}"`)
    .replace(mobileNumber, (m) => `"${maskPhone(m)}"`);
}

// Cheap pre-check so most lines skip the parse: only lines with a personal-looking key pay for it.
function hasPersonalKey(line: string): boolean {
  for (const match of line.matchAll(jsonKeys)) {
    if (isPersonalKey(match[1] ?? '')) return true;
  }
  return false;
}

function redactKeys(line: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return line; // not a JSON line (should not happen with pino); the pattern pass still runs
  }
  const trailing = line.endsWith('\n') ? '\n' : '';
  return JSON.stringify(redactValue(parsed)) + trailing;
}

/** A copy of a JSON value with every personal field, at any depth and inside arrays, replaced. */
export function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = isPersonalKey(key) && inner !== null ? REDACTED : redactValue(inner);
  }
  return out;
}
