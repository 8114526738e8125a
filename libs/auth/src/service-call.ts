import type { ServicePrincipal } from './principal.ts';
import { AuthError, bearerToken, type TokenVerifier } from './verifier.ts';

/** The outcome of checking an internal call, with the status each transport answers with. */
export type ServiceCallCheck =
  | { ok: true; principal: ServicePrincipal }
  | {
      ok: false;
      /** 401 without a valid service token, 403 for a service not allowed here. */
      httpStatus: 401 | 403;
      /** gRPC UNAUTHENTICATED (16) or PERMISSION_DENIED (7). */
      grpcStatus: 16 | 7;
      message: string;
    };

/**
 * Checks the `authorization` of an internal call (an HTTP header, or gRPC metadata values as
 * `metadata.get('authorization')` returns them): a valid service token, and when `allowed` is
 * given, one of those services. A person's token is refused here, whatever the role.
 */
export async function checkServiceCall(
  verifier: TokenVerifier,
  authorization: unknown,
  allowed: readonly string[] = [],
): Promise<ServiceCallCheck> {
  const values = Array.isArray(authorization) ? authorization : [authorization];
  const header = values.find((value): value is string => typeof value === 'string');
  try {
    const principal = await verifier.verifyService(bearerToken(header));
    if (allowed.length > 0 && !allowed.includes(principal.service)) {
      return { ok: false, httpStatus: 403, grpcStatus: 7, message: `${principal.service} may not call this` };
    }
    return { ok: true, principal };
  } catch (err: unknown) {
    if (!(err instanceof AuthError)) throw err;
    return { ok: false, httpStatus: 401, grpcStatus: 16, message: err.message };
  }
}
