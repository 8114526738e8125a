import type { TokenVerifier } from '@huimin/auth';
import { AppError } from '@huimin/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdentityConfig } from '../config.ts';
import type { PasswordCost } from '../domain/passwords.ts';
import type { SigningKeys } from '../keys/signing-keys.ts';
import type { LoginThrottle } from '../login-throttle.ts';
import { clientAddress, type RateLimit } from '../rate-limit.ts';
import type { AuditStore } from '../store/audit-store.ts';
import type { IdentityStore } from '../store/identity-store.ts';
import type { RosterStore } from '../store/roster-store.ts';
import type { TokenIssuer } from '../tokens.ts';

/** What the route modules share; built once in app.ts. */
export interface RouteContext {
  config: IdentityConfig;
  users: IdentityStore;
  rosters: RosterStore;
  audit: AuditStore;
  keys: SigningKeys;
  issuer: TokenIssuer;
  verifier: TokenVerifier;
  limits: { login: RateLimit; token: RateLimit };
  /** Wrong passwords per (username, address): a doubling delay instead of a lock for everyone. */
  throttle: LoginThrottle;
  passwordCost: PasswordCost;
  now: () => Date;
}

/** The client's address: the socket's, or what the trusted hop (notify's gateway) says it is. */
export function callerAddress(context: RouteContext, request: FastifyRequest): string {
  return clientAddress(request.ip, request.headers['x-forwarded-for'], context.config.TRUSTED_PROXY_HOPS);
}

/** Counts the attempt against the caller's address; 429 with Retry-After past the limit. */
export async function enforceLimit(
  limit: RateLimit,
  context: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const { allowed, retryAfterSeconds } = await limit.hit(callerAddress(context, request));
  if (!allowed) {
    reply.header('retry-after', String(retryAfterSeconds));
    throw new AppError(
      'TOO_MANY_REQUESTS',
      `too many attempts from this address; retry in ${retryAfterSeconds} s`,
    );
  }
}

/** An RFC 3339 instant from a query parameter, or `fallback` when absent. */
export function instantParam(value: string | undefined, name: string, fallback: () => Date): Date {
  if (value === undefined) return fallback();
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new AppError('BAD_REQUEST', `${name} must be an RFC 3339 instant`);
  return at;
}
