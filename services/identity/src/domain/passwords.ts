import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt cost. Production default N = 2^15, r = 8, p = 3: one of OWASP's equivalent scrypt
 * settings (32 MiB per hash, about a quarter of a second of CPU). Tests lower log2N so they stay
 * quick; the cost is stored with each hash, so raising it later rehashes at the next login.
 */
export interface PasswordCost {
  log2N: number;
  p?: number;
}

const R = 8;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_LENGTH,
      { N: 2 ** log2N, r, p, maxmem: 256 * 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

interface ParsedHash {
  log2N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

// `scrypt$<log2N>$<r>$<p>$<salt>$<hash>`; the first hashes had no r and p (`scrypt$<log2N>$<salt>$<hash>`,
// r 8, p 1) and still verify.
function parse(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt') return undefined;
  const [log2N, r, p, salt, hash] =
    parts.length === 4 ? [parts[1], '8', '1', parts[2], parts[3]] : parts.slice(1);
  const numbers = [log2N, r, p].map(Number);
  const [n = Number.NaN, rr = Number.NaN, pp = Number.NaN] = numbers;
  if (!Number.isInteger(n) || n < 1 || n > 20 || !Number.isInteger(rr) || !Number.isInteger(pp))
    return undefined;
  if (!salt || !hash) return undefined;
  return {
    log2N: n,
    r: rr,
    p: pp,
    salt: Buffer.from(salt, 'base64url'),
    hash: Buffer.from(hash, 'base64url'),
  };
}

export async function hashPassword(password: string, cost: PasswordCost): Promise<string> {
  const p = cost.p ?? 1;
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost.log2N, R, p);
  return `scrypt$${cost.log2N}$${R}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const actual = await derive(password, parsed.salt, parsed.log2N, parsed.r, parsed.p);
  return actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
}

/** True when the stored hash is cheaper than the configured cost: rehash it at the next login. */
export function needsRehash(stored: string, cost: PasswordCost): boolean {
  const parsed = parse(stored);
  if (!parsed) return true;
  return parsed.log2N < cost.log2N || parsed.r < R || parsed.p < (cost.p ?? 1);
}

/**
 * A hash of a password nobody has, at the configured cost: an unknown username costs the same
 * time as a wrong password, so timing does not tell which usernames exist.
 */
export function unusableHash(cost: PasswordCost): string {
  const zeros = (n: number) => Buffer.alloc(n).toString('base64url');
  return `scrypt$${cost.log2N}$${R}$${cost.p ?? 1}$${zeros(16)}$${zeros(KEY_LENGTH)}`;
}
