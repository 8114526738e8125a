import { AppError } from '@huimin/kit';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import {
  hasRole,
  type Principal,
  type Role,
  type ServicePrincipal,
  type UserPrincipal,
} from './principal.ts';
import { AuthError, bearerToken, type TokenVerifier } from './verifier.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/**
 * A preHandler that admits any verified token, person or service, and sets `request.principal`.
 * A missing, expired, forged or foreign token is 401 UNAUTHENTICATED (kit's error catalog).
 */
export function authenticate(verifier: TokenVerifier): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    try {
      request.principal = await verifier.verify(bearerToken(request.headers.authorization));
    } catch (err: unknown) {
      if (err instanceof AuthError)
        throw new AppError('UNAUTHENTICATED', err.message, { reason: err.failure });
      throw err;
    }
  };
}

/** A preHandler (after `authenticate`) that admits people with one of the roles: 403 otherwise. */
export function requireRole(...allowed: Role[]): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest) => {
    const principal = request.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED', 'a bearer token is required');
    if (!hasRole(principal, ...allowed)) {
      throw new AppError('FORBIDDEN', 'your role may not do this');
    }
  };
}

/** A preHandler (after `authenticate`) for internal endpoints: only other Huimin services. */
export function requireService(...services: string[]): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest) => {
    const principal = request.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED', 'a service token is required');
    if (principal.kind !== 'service' || (services.length > 0 && !services.includes(principal.service))) {
      throw new AppError('FORBIDDEN', 'this endpoint is for other Huimin services only');
    }
  };
}

/** The authenticated person of a request; throws 403 when a service called a person's endpoint. */
export function userOf(request: FastifyRequest): UserPrincipal {
  const principal = request.principal;
  if (!principal) throw new AppError('UNAUTHENTICATED', 'a bearer token is required');
  if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'a person’s token is required');
  return principal;
}

export function serviceOf(request: FastifyRequest): ServicePrincipal {
  const principal = request.principal;
  if (principal?.kind !== 'service') throw new AppError('FORBIDDEN', 'a service token is required');
  return principal;
}
