// Masks for personal data on display: the kit's, so logs and API responses mask alike.
export { maskName, maskPhone, maskResidentId } from '@huimin/kit';
export { auditRead, type RecordRead, recordRead } from './audit.ts';
export { type AuthConfig, authEnv, trustedIssuersFrom, verifierFromConfig } from './auth-env.ts';
export {
  AUDIENCE,
  principalOf,
  serviceTokenPayload,
  signToken,
  type UserClaims,
  userTokenPayload,
} from './claims.ts';
export { authenticate, requireRole, requireService, serviceOf, userOf } from './fastify.ts';
export {
  hasRole,
  inJurisdiction,
  isRole,
  type Principal,
  type Role,
  roles,
  type ServicePrincipal,
  type UserPrincipal,
} from './principal.ts';
export { checkServiceCall, type ServiceCallCheck } from './service-call.ts';
export {
  createServiceTokenClient,
  devServiceCredentials,
  type ServiceTokenClient,
} from './service-token-client.ts';
export { createTestIssuer, type TestIssuer } from './test-issuer.ts';
export {
  AuthError,
  type AuthFailure,
  bearerToken,
  createTokenVerifier,
  JWKS_MAX_AGE_MS,
  type TokenVerifier,
  type TokenVerifierOptions,
  type TrustedIssuer,
} from './verifier.ts';
