import { describe, expect, it } from 'vitest';
import { apiKeyMatches, hashApiKey, issueApiKey, issueSigningSecret, keyIdOf } from './api-key.ts';

describe('API keys', () => {
  it('are hmk_<key id>_<256 random bits>, and only the hash needs storing', () => {
    const key = issueApiKey();
    expect(key.apiKey).toMatch(/^hmk_[a-z0-9]{12}_[0-9a-f]{64}$/);
    expect(keyIdOf(key.apiKey)).toBe(key.keyId);
    expect(apiKeyMatches(key.apiKey, key.apiKeySha256)).toBe(true);
    expect(issueApiKey().apiKey).not.toBe(key.apiKey);
  });

  it('a changed secret with the right key id does not match', () => {
    const key = issueApiKey({ keyId: 'devgrid', secretHex: '1'.repeat(64) });
    expect(apiKeyMatches(`hmk_devgrid_${'2'.repeat(64)}`, key.apiKeySha256)).toBe(false);
    expect(apiKeyMatches(key.apiKey, hashApiKey(key.apiKey))).toBe(true);
  });

  it('malformed keys have no key id (nothing is looked up for them)', () => {
    for (const text of [
      '',
      'hmk_',
      'Bearer x',
      `hmk_AB_${'1'.repeat(64)}`,
      `hmk_devgrid_${'1'.repeat(63)}`,
    ]) {
      expect(keyIdOf(text)).toBeUndefined();
    }
  });

  it('signing secrets are hms_<64 hex>', () => {
    expect(issueSigningSecret()).toMatch(/^hms_[0-9a-f]{64}$/);
    expect(() => issueSigningSecret('xyz')).toThrow();
  });
});
