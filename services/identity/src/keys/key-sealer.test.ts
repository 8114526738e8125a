import { describe, expect, it } from 'vitest';
import { createKeySealer } from './key-sealer.ts';

const secret = 'a deployment secret of more than thirty-two characters';

describe('sealing signing keys at rest', () => {
  it('opens what it sealed, and the sealed text does not contain the key', () => {
    const sealer = createKeySealer(secret);
    const jwk = '{"kty":"OKP","crv":"Ed25519","d":"private-part","x":"public-part"}';
    const sealed = sealer.seal(jwk, 'kid-1');
    expect(sealed).not.toContain('private-part');
    expect(sealer.open(sealed, 'kid-1')).toBe(jwk);
  });

  it('refuses a wrong secret, another key id, and altered text', () => {
    const sealed = createKeySealer(secret).seal('{"d":"x"}', 'kid-1');
    expect(() => createKeySealer(`${secret}!`).open(sealed, 'kid-1')).toThrow();
    expect(() => createKeySealer(secret).open(sealed, 'kid-2')).toThrow();
    const [v, iv, tag, body = ''] = sealed.split('.');
    const flipped = `${v}.${iv}.${tag}.${body.startsWith('A') ? `B${body.slice(1)}` : `A${body.slice(1)}`}`;
    expect(() => createKeySealer(secret).open(flipped, 'kid-1')).toThrow();
  });

  it('refuses a short secret', () => {
    expect(() => createKeySealer('short')).toThrow(/32 characters/);
  });
});
