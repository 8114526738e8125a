import { Type } from '@sinclair/typebox';
import { AUDIENCE } from './claims.ts';
import { createTokenVerifier, type TokenVerifier, type TrustedIssuer } from './verifier.ts';

const url = (expected: string) => Type.String({ pattern: '^https?://\\S+$', expected });

/**
 * The variables a service reads to verify tokens; compose them into the service's config schema:
 * `Type.Object({ PORT: port(8083), ...authEnv })`. Defaults point at identity in the dev stack.
 */
export const authEnv = {
  /** identity's issuer name (its base URL). */
  AUTH_ISSUER: Type.String({
    pattern: '^https?://\\S+$',
    expected: 'an http(s):// issuer URL',
    default: 'http://127.0.0.1:8087',
  }),
  /** identity's JWKS; default `<AUTH_ISSUER>/.well-known/jwks.json`. */
  AUTH_JWKS_URL: Type.Optional(url('an http(s):// URL of a JWKS')),
  /**
   * More trusted issuers, comma-separated, each `issuer` or `issuer|jwksUrl` (a production OIDC
   * provider issuing the same claims). Empty by default.
   */
  AUTH_ISSUERS: Type.Array(
    Type.String({ pattern: '^https?://[^\\s|]+(\\|https?://\\S+)?$', expected: 'issuer or issuer|jwksUrl' }),
    { default: [] },
  ),
  AUTH_AUDIENCE: Type.String({ minLength: 1, default: AUDIENCE }),
};

export interface AuthConfig {
  AUTH_ISSUER: string;
  AUTH_JWKS_URL?: string | undefined;
  AUTH_ISSUERS?: readonly string[] | undefined;
  AUTH_AUDIENCE?: string | undefined;
}

/** The issuers a service trusts, from its config: identity first, then any listed in AUTH_ISSUERS. */
export function trustedIssuersFrom(config: AuthConfig): TrustedIssuer[] {
  const issuers: TrustedIssuer[] = [
    { issuer: config.AUTH_ISSUER, jwksUrl: config.AUTH_JWKS_URL ?? wellKnownJwks(config.AUTH_ISSUER) },
  ];
  for (const entry of config.AUTH_ISSUERS ?? []) {
    const [issuer = '', jwksUrl] = entry.split('|');
    if (issuers.some((known) => known.issuer === issuer)) continue;
    issuers.push({ issuer, jwksUrl: jwksUrl ?? wellKnownJwks(issuer) });
  }
  return issuers;
}

/** `createTokenVerifier` for the issuers and audience the config names. */
export function verifierFromConfig(config: AuthConfig): TokenVerifier {
  return createTokenVerifier({
    issuers: trustedIssuersFrom(config),
    ...(config.AUTH_AUDIENCE ? { audience: config.AUTH_AUDIENCE } : {}),
  });
}

function wellKnownJwks(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
}
