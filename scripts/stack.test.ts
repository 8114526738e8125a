import { describe, expect, it } from 'vitest';
import { loadConfig } from '../libs/kit/src/index.ts';
import { IdentityConfig } from '../services/identity/src/config.ts';
import { discoverServices } from './stack.ts';

describe('the dev stack', () => {
  it('starts identity trusting exactly one proxy hop, notify’s console gateway', () => {
    const identity = discoverServices().find((s) => s.name === 'identity');
    expect(identity?.env).toEqual({ TRUSTED_PROXY_HOPS: '1' });
    // What identity makes of it: the setting parses, and is not identity's own default.
    expect(loadConfig(IdentityConfig, { ...identity?.env }).TRUSTED_PROXY_HOPS).toBe(1);
    expect(loadConfig(IdentityConfig, {}).TRUSTED_PROXY_HOPS).toBe(0);
  });
});
