import { loadConfig } from '@huimin/kit';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { authEnv, trustedIssuersFrom } from './auth-env.ts';

const Config = Type.Object({ ...authEnv });

describe('trusted issuers from config', () => {
  it('trusts identity of the dev stack by default', () => {
    const config = loadConfig(Config, {});
    expect(trustedIssuersFrom(config)).toEqual([
      { issuer: 'http://127.0.0.1:8087', jwksUrl: 'http://127.0.0.1:8087/.well-known/jwks.json' },
    ]);
    expect(config.AUTH_AUDIENCE).toBe('huimin');
  });

  it('adds OIDC providers from AUTH_ISSUERS, with or without an explicit JWKS URL', () => {
    const config = loadConfig(Config, {
      AUTH_ISSUER: 'https://identity.huimin.example/',
      AUTH_JWKS_URL: 'https://identity.huimin.example/keys',
      AUTH_ISSUERS:
        'https://sso.gov.example/realms/taicang, https://idp.example|https://idp.example/oauth/jwks',
    });
    expect(trustedIssuersFrom(config)).toEqual([
      { issuer: 'https://identity.huimin.example/', jwksUrl: 'https://identity.huimin.example/keys' },
      {
        issuer: 'https://sso.gov.example/realms/taicang',
        jwksUrl: 'https://sso.gov.example/realms/taicang/.well-known/jwks.json',
      },
      { issuer: 'https://idp.example', jwksUrl: 'https://idp.example/oauth/jwks' },
    ]);
  });

  it('refuses an issuer that is not a URL', () => {
    expect(() => loadConfig(Config, { AUTH_ISSUERS: 'identity' })).toThrow(/AUTH_ISSUERS/);
  });
});
