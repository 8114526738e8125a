import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secret-box.ts';

describe('sealed signing secrets', () => {
  const box = createSecretBox('0f'.repeat(32));

  it('open what was sealed; each seal differs (fresh IV)', () => {
    const sealed = box.seal('hms_secret');
    expect(sealed).not.toContain('hms_secret');
    expect(box.open(sealed)).toBe('hms_secret');
    expect(box.seal('hms_secret')).not.toBe(sealed);
  });

  it('refuse to open under another key or after tampering', () => {
    const sealed = box.seal('hms_secret');
    expect(() => createSecretBox('1e'.repeat(32)).open(sealed)).toThrow();
    const parts = sealed.split(':');
    parts[3] = Buffer.from('tampered').toString('base64');
    expect(() => box.open(parts.join(':'))).toThrow();
  });
});
