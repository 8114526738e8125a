import {
  createLocalJWKSet,
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
  /**
   * Where its signing keys are published; fetched and cached for `jwksMaxAgeMs` at most (refetched
   * sooner on an unknown `kid`), so a key the issuer withdraws stops verifying within that time.
   */
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
  /** How long a fetched JWKS is trusted before it is fetched again; default (and at most) 60 s. */
  jwksMaxAgeMs?: number;
}

/** A withdrawn key stops verifying within this long everywhere (the runbook promises a minute). */
export const JWKS_MAX_AGE_MS = 60_000;

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
    keySets.set(
      trusted.issuer,
      keyResolver(trusted, {
        maxAgeMs: Math.min(options.jwksMaxAgeMs ?? JWKS_MAX_AGE_MS, JWKS_MAX_AGE_MS),
        now: options.now,
      }),
    );
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
        // A token without an expiry would be good forever: refused, whoever signed it.
        requiredClaims: ['exp'],
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
      if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'exp')
        throw new AuthError('INVALID_TOKEN', 'the token has no expiry');
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

function keyResolver(
  trusted: TrustedIssuer,
  cache: { maxAgeMs: number; now?: (() => Date) | undefined },
): JWTVerifyGetKey {
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
  if (jwksUrl) return remoteKeySet(new URL(jwksUrl), cache);
  throw new Error(`issuer ${trusted.issuer}: give jwksUrl or jwks`);
}

/**
 * An issuer's published keys, fetched over HTTP. The set is fetched again once it is `maxAgeMs`
 * old, by the wall clock or the verifier's own (tests move theirs), so a withdrawn key stops
 * verifying within that time; an unknown `kid` (the issuer rotated) refetches at most every 5 s.
 * When the set cannot be fetched again, tokens are refused rather than checked against stale keys.
 */
function remoteKeySet(
  url: URL,
  cache: { maxAgeMs: number; now?: (() => Date) | undefined },
): JWTVerifyGetKey {
  const clock = () => cache.now?.().getTime() ?? Date.now();
  let current: { fetchedAt: number; fetchedAtWall: number; resolve: JWTVerifyGetKey } | undefined;
  let inFlight: Promise<void> | undefined;
  const load = () => {
    inFlight ??= (async () => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'error' });
        if (!res.ok) throw new Error(`the JWKS at ${url} answered ${res.status}`);
        const set = (await res.json()) as JSONWebKeySet;
        current = { fetchedAt: clock(), fetchedAtWall: Date.now(), resolve: createLocalJWKSet(set) };
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };
  const stale = (c: NonNullable<typeof current>) => {
    const age = Math.max(clock() - c.fetchedAt, Date.now() - c.fetchedAtWall);
    return age >= cache.maxAgeMs || clock() < c.fetchedAt;
  };
  return async (header, token) => {
    if (!current || stale(current)) await load();
    const keys = current;
    if (!keys) throw new Error(`no JWKS from ${url}`);
    try {
      return await keys.resolve(header, token);
    } catch (err: unknown) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || Date.now() - keys.fetchedAtWall < 5000) throw err;
      await load();
      if (!current) throw err;
      return current.resolve(header, token);
    }
  };
}

/** The token of an `Authorization: Bearer …` header (HTTP) or metadata value (gRPC). */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}
