import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Seals private signing keys at rest (AES-256-GCM), bound to their key id. */
export interface KeySealer {
  seal(plaintext: string, kid: string): string;
  /** Throws when the secret is wrong or the sealed text was altered or moved to another key id. */
  open(sealed: string, kid: string): string;
}

const VERSION = 'v1';

/**
 * A sealer from the deployment's secret (SIGNING_KEY_SECRET). The AES key is derived with HKDF,
 * so the secret may be any long random string; the key id is authenticated data, so a sealed key
 * copied onto another row does not open.
 */
export function createKeySealer(secret: string): KeySealer {
  if (secret.length < 32) throw new Error('the signing-key secret must be at least 32 characters');
  const key = Buffer.from(hkdfSync('sha256', secret, 'huimin-identity', 'signing-key-sealing v1', 32));
  return {
    seal(plaintext, kid) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(kid));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), body]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(sealed, kid) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || !body) throw new Error('not a sealed signing key');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(kid));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}
