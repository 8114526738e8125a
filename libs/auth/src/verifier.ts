import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { AUDIENCE, principalOf } from './claims.ts';
import type { Principal, ServicePrincipal, UserPrincipal } from './principal.ts';

export interface TrustedIssuer {
  /** The `iss` claim, e.g. `http://identity:8087` or an OIDC provider's issuer URL. */
  issuer: string;
  /** Where its signing keys are published; fetched and cached (refetched on an unknown `kid`). */
  jwksUrl?: string;
  /**
   * Keys given directly (tests, air-gapped setups), or a function returning the current set
   * (identity verifying its own tokens while its keys rotate).
   */
  jwks?: JSONWebKeySet | (() => JSONWebKeySet | Promise<JSONWebKeySet>);
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

export interface TokenVerifierOptions {
  issuers: readonly TrustedIssuer[];
  /**
   * The one issuer whose service tokens (`typ: service`) count: identity, which alone registers
   * services' clients. Default: the first issuer listed. A service token from any other issuer (an
   * OIDC provider trusted for people's logins) is refused, whatever service it names.
   */
  serviceIssuer?: string;
  /** The `aud` every token must carry; `huimin` unless a deployment names itself otherwise. */
  audience?: string;
  /** Signature algorithms accepted; EdDSA (identity) and ES256 (common for OIDC providers). */
  algorithms?: readonly string[];
  clockToleranceSeconds?: number;
  /** The verifier's clock; tests move it instead of waiting for tokens to expire. */
  now?: () => Date;
}

/**
 * Verifies Huimin access tokens locally: the signature against the issuer's published keys, the
 * issuer against the configured list (a token from anyone else is refused before any key is
 * fetched), the audience, expiry with 30 s of clock skew, and the claims; a service token only
 * from the service issuer (identity).
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  if (options.issuers.length === 0) throw new Error('a token verifier needs at least one trusted issuer');
  const keySets = new Map<string, JWTVerifyGetKey>();
  for (const trusted of options.issuers) {
    if (keySets.has(trusted.issuer)) throw new Error(`issuer ${trusted.issuer} is configured twice`);
    keySets.set(trusted.issuer, keyResolver(trusted));
  }
  const serviceIssuer = options.serviceIssuer ?? options.issuers[0]?.issuer;
  if (!keySets.has(serviceIssuer ?? ''))
    throw new Error(`the service issuer ${serviceIssuer} is not among the trusted issuers`);
  const audience = options.audience ?? AUDIENCE;
  const algorithms = [...(options.algorithms ?? ['EdDSA', 'ES256'])];

  async function verify(token: string | undefined): Promise<Principal> {
    if (!token) throw new AuthError('MISSING_TOKEN', 'a bearer token is required');
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new AuthError('MALFORMED_TOKEN', 'the token is not a JWT');
    }
    const keys = typeof issuer === 'string' ? keySets.get(issuer) : undefined;
    if (!keys || typeof issuer !== 'string')
      throw new AuthError('UNKNOWN_ISSUER', 'the token comes from an issuer this service does not trust');
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer,
        audience,
        algorithms,
        clockTolerance: options.clockToleranceSeconds ?? 30,
        ...(options.now ? { currentDate: options.now() } : {}),
      });
      const principal = principalOf(payload);
      if ('error' in principal) throw new AuthError('INVALID_TOKEN', principal.error);
      if (principal.kind === 'service' && issuer !== serviceIssuer)
        throw new AuthError('INVALID_TOKEN', 'only identity issues service tokens');
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

function keyResolver(trusted: TrustedIssuer): JWTVerifyGetKey {
  const { jwks, jwksUrl } = trusted;
  if (typeof jwks === 'function') {
    // Rebuilt only when the provider hands out a new set, so imported keys stay cached between calls.
    let last: { set: JSONWebKeySet; resolve: JWTVerifyGetKey } | undefined;
    return async (header, token) => {
      const set = await jwks();
      if (last?.set !== set) last = { set, resolve: createLocalJWKSet(set) };
      return last.resolve(header, token);
    };
  }
  if (jwks) return createLocalJWKSet(jwks);
  // An unknown kid (the issuer rotated its key) refetches the set, at most every 5 s.
  if (jwksUrl) return createRemoteJWKSet(new URL(jwksUrl), { cooldownDuration: 5_000 });
  throw new Error(`issuer ${trusted.issuer}: give jwksUrl or jwks`);
}

/** The token of an `Authorization: Bearer …` header (HTTP) or metadata value (gRPC). */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}
