import { defineErrors, kitErrors } from '@huimin/kit';

export const identityErrors = defineErrors({
  ...kitErrors,
  INVALID_CREDENTIALS: { status: 401, grpc: 16 },
  ACCOUNT_LOCKED: { status: 423, grpc: 9 },
  INVALID_REFRESH_TOKEN: { status: 401, grpc: 16 },
  INVALID_CLIENT: { status: 401, grpc: 16 },
  USERNAME_TAKEN: { status: 409, grpc: 6 },
  UNKNOWN_USER: { status: 404, grpc: 5 },
  INVALID_ASSIGNMENT: { status: 422, grpc: 9 },
  LEAVE_OVERLAPS: { status: 409, grpc: 6 },
  LEAVE_NOT_FOUND: { status: 404, grpc: 5 },
});
