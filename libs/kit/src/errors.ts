/** How one error code shows up to callers: an HTTP status and a gRPC status code. */
export interface ErrorSpec {
  status: number;
  grpc: number;
}

export type ErrorCatalog<Code extends string = string> = Readonly<Record<Code, Readonly<ErrorSpec>>>;

/**
 * Declares a service's closed set of error codes, each mapped once:
 * `defineErrors({ HOUSEHOLD_NOT_FOUND: { status: 404, grpc: 5 } })`.
 * Codes are SCREAMING_SNAKE_CASE; statuses are 4xx/5xx; gRPC codes are 1–16.
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(
  codes: T,
): ErrorCatalog<keyof T & string> {
  for (const [code, { status, grpc }] of Object.entries(codes)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new Error(`error code ${code} must be SCREAMING_SNAKE_CASE`);
    if (!Number.isInteger(status) || status < 400 || status > 599)
      throw new Error(`${code}: HTTP status ${status} is not 4xx/5xx`);
    if (!Number.isInteger(grpc) || grpc < 1 || grpc > 16)
      throw new Error(`${code}: gRPC code ${grpc} is not 1–16`);
  }
  return Object.freeze(
    Object.fromEntries(Object.entries(codes).map(([code, spec]) => [code, Object.freeze({ ...spec })])),
  ) as ErrorCatalog<keyof T & string>;
}

/** Codes the kit itself answers with; every service has them. */
export const kitErrors = defineErrors({
  BAD_REQUEST: { status: 400, grpc: 3 },
  VALIDATION_FAILED: { status: 400, grpc: 3 },
  UNAUTHENTICATED: { status: 401, grpc: 16 },
  FORBIDDEN: { status: 403, grpc: 7 },
  NOT_FOUND: { status: 404, grpc: 5 },
  CONFLICT: { status: 409, grpc: 6 },
  PAYLOAD_TOO_LARGE: { status: 413, grpc: 8 },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, grpc: 3 },
  TOO_MANY_REQUESTS: { status: 429, grpc: 8 },
  INTERNAL: { status: 500, grpc: 13 },
  UNAVAILABLE: { status: 503, grpc: 14 },
});

export type KitErrorCode = keyof typeof kitErrors;

/**
 * An error the caller is meant to see: its code is in the service's catalog, its message says
 * what to fix. `details` is returned as-is, so it must hold no personal data either.
 */
export class AppError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly details: unknown;

  constructor(code: Code, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}
