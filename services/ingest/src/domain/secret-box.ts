import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// Signing secrets must be readable by ingest (HMAC needs the secret itself on both sides), so they
// are stored encrypted with AES-256-GCM under a key that lives outside the database
// (INGEST_SECRETS_KEY): a copy of the credentials table alone signs nothing.

export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export function createSecretBox(keyHex: string): SecretBox {
  if (!/^[0-9a-f]{64}$/i.test(keyHex)) throw new Error('the secrets key must be 64 hex digits (32 bytes)');
  const key = Buffer.from(keyHex, 'hex');
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        'v1',
        iv.toString('base64'),
        cipher.getAuthTag().toString('base64'),
        body.toString('base64'),
      ].join(':');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split(':');
      if (version !== 'v1' || iv === undefined || tag === undefined || body === undefined) {
        throw new Error('not a sealed secret');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}
