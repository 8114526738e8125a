import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// API keys: `hmk_<key id>_<64 hex>`. The key id is public (it names the credential in lists, logs
// and the lookup); the rest is 256 random bits. Only the SHA-256 of the whole key is stored: with
// that much entropy a fast hash is enough (a slow password hash protects guessable secrets), and
// it keeps authentication cheap on every request.
//
// Signing secrets: `hms_<64 hex>`, used as the HMAC key exactly as written.

const API_KEY = /^hmk_([a-z0-9]{4,32})_([0-9a-f]{64})$/;
const KEY_ID = /^[a-z0-9]{4,32}$/;

export interface IssuedApiKey {
  keyId: string;
  /** Shown once, to be handed to the department. */
  apiKey: string;
  apiKeySha256: Buffer;
}

export function isKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

/** A fresh key; `keyId` and `secretHex` may be given (fixed dev credentials, tests). */
export function issueApiKey(options: { keyId?: string; secretHex?: string } = {}): IssuedApiKey {
  const keyId = options.keyId ?? randomKeyId();
  const secretHex = options.secretHex ?? randomBytes(32).toString('hex');
  const apiKey = `hmk_${keyId}_${secretHex}`;
  if (!API_KEY.test(apiKey)) throw new Error('key id must be 4–32 of a-z0-9 and the secret 64 hex digits');
  return { keyId, apiKey, apiKeySha256: hashApiKey(apiKey) };
}

export function issueSigningSecret(secretHex: string = randomBytes(32).toString('hex')): string {
  if (!/^[0-9a-f]{64}$/.test(secretHex)) throw new Error('a signing secret is 64 hex digits');
  return `hms_${secretHex}`;
}

/** The key id of a well-formed key, or undefined (then nothing about it is looked up). */
export function keyIdOf(apiKey: string): string | undefined {
  return API_KEY.exec(apiKey)?.[1];
}

export function hashApiKey(apiKey: string): Buffer {
  return createHash('sha256').update(apiKey).digest();
}

export function apiKeyMatches(apiKey: string, storedSha256: Buffer): boolean {
  const presented = hashApiKey(apiKey);
  return presented.length === storedSha256.length && timingSafeEqual(presented, storedSha256);
}

function randomKeyId(): string {
  // 12 characters of base-36 from 64 random bits: unique enough for a handful of credentials.
  return randomBytes(8).readBigUInt64BE().toString(36).padStart(12, '0').slice(-12);
}
