import { type CryptoKey, type JWTPayload, SignJWT } from 'jose';
import { isRole, type Principal, type Role } from './principal.ts';

// Claims of Huimin tokens, beyond the registered ones (iss, sub, aud, exp, iat, jti):
//   typ  'user' | 'service' — a user token can never pass as a service token, nor the reverse
//   role the person's role (user tokens)
//   jur  division codes the person covers (user tokens)
//   prv  the person's eldercare provider (provider staff)
// An OIDC provider plugged in for production must issue the same claims.
export const AUDIENCE = 'huimin';

export interface UserClaims {
  userId: string;
  role: Role;
  jurisdictions: string[];
  providerId?: string;
}

export function userTokenPayload(claims: UserClaims): JWTPayload {
  return {
    typ: 'user',
    role: claims.role,
    jur: claims.jurisdictions,
    ...(claims.providerId ? { prv: claims.providerId } : {}),
  };
}

export function serviceTokenPayload(): JWTPayload {
  return { typ: 'service' };
}

/** Builds a signed token; `sub` is the user id or the service name. */
export async function signToken(
  payload: JWTPayload,
  options: {
    subject: string;
    issuer: string;
    key: CryptoKey;
    kid: string;
    ttlSeconds: number;
    now?: Date;
    /** Default `huimin`. */
    audience?: string;
  },
): Promise<string> {
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'EdDSA', kid: options.kid, typ: 'JWT' })
    .setSubject(options.subject)
    .setIssuer(options.issuer)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + options.ttlSeconds)
    .setJti(crypto.randomUUID())
    .sign(options.key);
}

/** The principal a verified payload describes, or a reason it describes none. */
export function principalOf(payload: JWTPayload): Principal | { error: string } {
  if (typeof payload.sub !== 'string' || payload.sub === '') return { error: 'token has no subject' };
  if (payload.typ === 'service') return { kind: 'service', service: payload.sub };
  if (payload.typ !== 'user') return { error: 'token is neither a user nor a service token' };
  if (!isRole(payload.role)) return { error: 'token carries no known role' };
  const jur = payload.jur;
  if (!Array.isArray(jur) || !jur.every((code) => typeof code === 'string')) {
    return { error: 'token carries no jurisdiction list' };
  }
  return {
    kind: 'user',
    userId: payload.sub,
    role: payload.role,
    jurisdictions: jur as string[],
    ...(typeof payload.prv === 'string' ? { providerId: payload.prv } : {}),
  };
}
