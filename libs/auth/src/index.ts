// Masks for personal data on display, the same everywhere (320585********123X needs the role).
export { maskName, maskPhone, maskResidentId } from '@huimin/kit';
export { auditRead, type RecordRead, recordRead } from './audit.ts';
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
  inJurisdiction,
  isRole,
  type Principal,
  type Role,
  roles,
  type ServicePrincipal,
  type UserPrincipal,
} from './principal.ts';
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
  type TokenVerifier,
  type TrustedIssuer,
} from './verifier.ts';
