import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  errors,
  type JSONWebKeySet,
  jwtVerify,
} from 'jose';
import { AUDIENCE, principalOf } from './claims.ts';
import type { Principal, ServicePrincipal, UserPrincipal } from './principal.ts';

export interface TrustedIssuer {
  /** The `iss` claim, e.g. `http://identity:8087` or an OIDC provider's issuer URL. */
  issuer: string;
  /** Where its signing keys are published; fetched and cached (refetched on an unknown `kid`). */
  jwksUrl?: string;
  /** Keys given directly (tests, air-gapped setups). */
  jwks?: JSONWebKeySet;
}

export type AuthFailure =
  | 'MISSING_TOKEN'
  | 'MALFORMED_TOKEN'
  | 'UNKNOWN_ISSUER'
  | 'EXPIRED_TOKEN'
  | 'INVALID_TOKEN'
  | 'WRONG_TOKEN_KIND';

export class AuthError extends Error {
  override name = 'AuthError';
  readonly failure: AuthFailure;
  constructor(failure: AuthFailure, message: string) {
    super(message);
    this.failure = failure;
  }
}

export interface TokenVerifier {
  verify(token: string | undefined): Promise<Principal>;
  verifyUser(token: string | undefined): Promise<UserPrincipal>;
  verifyService(token: string | undefined): Promise<ServicePrincipal>;
}

/**
 * Verifies Huimin access tokens locally: the signature against the issuer's published keys, the
 * issuer against the configured list (a token from anyone else is refused before any key is
 * fetched), audience `huimin`, expiry with 30 s of clock skew, and the claims.
 */
export function createTokenVerifier(options: {
  issuers: readonly TrustedIssuer[];
  clockToleranceSeconds?: number;
}): TokenVerifier {
  type KeySet = ReturnType<typeof createLocalJWKSet> | ReturnType<typeof createRemoteJWKSet>;
  const keySets = new Map<string, KeySet>();
  for (const trusted of options.issuers) {
    if (trusted.jwks) keySets.set(trusted.issuer, createLocalJWKSet(trusted.jwks));
    else if (trusted.jwksUrl)
      keySets.set(trusted.issuer, createRemoteJWKSet(new URL(trusted.jwksUrl), { cooldownDuration: 5_000 }));
    else throw new Error(`issuer ${trusted.issuer}: give jwksUrl or jwks`);
  }

  async function verify(token: string | undefined): Promise<Principal> {
    if (!token) throw new AuthError('MISSING_TOKEN', 'a bearer token is required');
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new AuthError('MALFORMED_TOKEN', 'the token is not a JWT');
    }
    const keys = typeof issuer === 'string' ? keySets.get(issuer) : undefined;
    if (!keys)
      throw new AuthError('UNKNOWN_ISSUER', 'the token comes from an issuer this service does not trust');
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: issuer as string,
        audience: AUDIENCE,
        algorithms: ['EdDSA', 'ES256'],
        clockTolerance: options.clockToleranceSeconds ?? 30,
      });
      const principal = principalOf(payload);
      if ('error' in principal) throw new AuthError('INVALID_TOKEN', principal.error);
      return principal;
    } catch (err: unknown) {
      if (err instanceof AuthError) throw err;
      if (err instanceof errors.JWTExpired) throw new AuthError('EXPIRED_TOKEN', 'the token has expired');
      throw new AuthError('INVALID_TOKEN', 'the token is not valid');
    }
  }

  return {
    verify,
    async verifyUser(token) {
      const principal = await verify(token);
      if (principal.kind !== 'user') throw new AuthError('WRONG_TOKEN_KIND', 'a person’s token is required');
      return principal;
    },
    async verifyService(token) {
      const principal = await verify(token);
      if (principal.kind !== 'service')
        throw new AuthError('WRONG_TOKEN_KIND', 'a service token is required');
      return principal;
    },
  };
}

/** The token of an `Authorization: Bearer …` header (HTTP) or metadata value (gRPC). */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}
