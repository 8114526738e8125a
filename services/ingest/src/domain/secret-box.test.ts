import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, keyFingerprint } from './secret-box.ts';

const OLD = '0f'.repeat(32);
const NEW = '1e'.repeat(32);

describe('sealed signing secrets', () => {
  const box = createSecretBox(OLD);

  it('open what was sealed; each seal differs (fresh IV); the key is named by fingerprint only', () => {
    const sealed = box.seal('hms_secret', 'k-grid-1');
    expect(sealed).not.toContain('hms_secret');
    expect(sealed.startsWith(`v2:${keyFingerprint(OLD)}:`)).toBe(true);
    expect(sealed).not.toContain(OLD);
    expect(box.open(sealed, 'k-grid-1')).toBe('hms_secret');
    expect(box.seal('hms_secret', 'k-grid-1')).not.toBe(sealed);
  });

  it('refuse to open under another key or after tampering', () => {
    const sealed = box.seal('hms_secret', 'k-grid-1');
    expect(() => createSecretBox(NEW).open(sealed, 'k-grid-1')).toThrow(/does not hold/);
    const parts = sealed.split(':');
    parts[4] = Buffer.from('tampered').toString('base64');
    expect(() => box.open(parts.join(':'), 'k-grid-1')).toThrow();
  });

  it('refuse to open a secret as another credential’s: it is bound to its key id', () => {
    const sealed = box.seal('hms_secret', 'k-grid-1');
    expect(() => box.open(sealed, 'k-grid-2')).toThrow();
  });

  it('open, during a rotation, what the previous key sealed; seal only under the new one', () => {
    const oldSealed = box.seal('hms_old', 'k-1');
    const rotating = createSecretBox(NEW, [OLD]);
    expect(rotating.open(oldSealed, 'k-1')).toBe('hms_old');
    expect(rotating.isCurrent(oldSealed)).toBe(false);
    const resealed = rotating.seal('hms_old', 'k-1');
    expect(rotating.isCurrent(resealed)).toBe(true);
    expect(createSecretBox(NEW).open(resealed, 'k-1')).toBe('hms_old');
    expect(() => box.open(resealed, 'k-1')).toThrow();
  });

  it('still open a secret sealed before the binding (v1), so a rotation can re-seal it', () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(OLD, 'hex'), iv);
    const body = Buffer.concat([cipher.update('hms_legacy', 'utf8'), cipher.final()]);
    const v1 = [
      'v1',
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      body.toString('base64'),
    ].join(':');
    expect(box.open(v1, 'any')).toBe('hms_legacy');
    expect(box.isCurrent(v1)).toBe(false);
    expect(() => createSecretBox(NEW).open(v1, 'any')).toThrow();
  });
});
