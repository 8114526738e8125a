import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// Signing secrets must be readable by ingest (HMAC needs the secret itself on both sides), so they
// are stored encrypted with AES-256-GCM under a key that lives outside the database
// (INGEST_SECRETS_KEY): a copy of the credentials table alone signs nothing.
//
// Each sealed secret is bound to its credential's key id as GCM associated data, so a sealed
// secret copied onto another credential's row does not open there; and it names (by fingerprint)
// the master key that sealed it, so a key rotation knows what is left to re-seal:
//   v2:<key fingerprint>:<iv>:<tag>:<ciphertext>
// Secrets sealed before the binding (v1:<iv>:<tag>:<ciphertext>) still open until `reseal`
// rewrites them.

export interface SecretBox {
  /** Seals a credential's signing secret under the current key, bound to the credential's key id. */
  seal(plaintext: string, keyId: string): string;
  /** Opens a sealed secret of the credential `keyId`, under the current or a previous key. */
  open(sealed: string, keyId: string): string;
  /** Whether the sealed text is already in the current format under the current key. */
  isCurrent(sealed: string): boolean;
  /** The current key's fingerprint (never the key). */
  fingerprint: string;
}

const KEY_HEX = /^[0-9a-f]{64}$/i;

/** A key's public name: the first 16 hex digits of its SHA-256. */
export function keyFingerprint(keyHex: string): string {
  return createHash('sha256').update(Buffer.from(keyHex, 'hex')).digest('hex').slice(0, 16);
}

const aad = (keyId: string) => Buffer.from(`huimin.ingest.credential:${keyId}`, 'utf8');

/**
 * `keyHex` seals; `previousKeysHex` (during a rotation, the key being replaced) only open. Both
 * are 64 hex digits (32 bytes).
 */
export function createSecretBox(keyHex: string, previousKeysHex: readonly string[] = []): SecretBox {
  for (const k of [keyHex, ...previousKeysHex])
    if (!KEY_HEX.test(k)) throw new Error('the secrets key must be 64 hex digits (32 bytes)');
  const key = Buffer.from(keyHex, 'hex');
  const fingerprint = keyFingerprint(keyHex);
  const keys = new Map<string, Buffer>([
    ...previousKeysHex.map((k) => [keyFingerprint(k), Buffer.from(k, 'hex')] as const),
    [fingerprint, key],
  ]);

  function decrypt(k: Buffer, iv: string, tag: string, body: string, associated?: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64'));
    if (associated) decipher.setAAD(associated);
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }

  return {
    fingerprint,
    seal(plaintext, keyId) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad(keyId));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        'v2',
        fingerprint,
        iv.toString('base64'),
        cipher.getAuthTag().toString('base64'),
        body.toString('base64'),
      ].join(':');
    },
    open(sealed, keyId) {
      const parts = sealed.split(':');
      if (parts[0] === 'v2' && parts.length === 5) {
        const [, sealedWith = '', iv = '', tag = '', body = ''] = parts;
        const k = keys.get(sealedWith);
        if (!k) throw new Error(`sealed under key ${sealedWith}, which this process does not hold`);
        return decrypt(k, iv, tag, body, aad(keyId));
      }
      if (parts[0] === 'v1' && parts.length === 4) {
        const [, iv = '', tag = '', body = ''] = parts;
        for (const k of keys.values()) {
          try {
            return decrypt(k, iv, tag, body);
          } catch {
            // another key may have sealed it
          }
        }
        throw new Error('sealed under a key this process does not hold, or altered');
      }
      throw new Error('not a sealed secret');
    },
    isCurrent(sealed) {
      return sealed.startsWith(`v2:${fingerprint}:`);
    },
  };
}
