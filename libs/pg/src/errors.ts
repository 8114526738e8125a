/**
 * The closed set of failures this library reports itself. SQL errors from Postgres (with their
 * SQLSTATE in `code`) pass through unchanged, so callers can tell the two apart by `instanceof`.
 */
export type PgLibErrorCode =
  | 'INVALID_SCHEMA_NAME'
  | 'MIGRATIONS_DIR_MISSING'
  | 'MIGRATION_INVALID_NAME'
  | 'MIGRATION_DUPLICATE_VERSION'
  | 'MIGRATION_CHANGED'
  | 'MIGRATION_MISSING'
  | 'MIGRATION_OUT_OF_ORDER'
  | 'MIGRATION_FAILED'
  | 'NOT_IN_TRANSACTION'
  | 'LEASE_LOST';

export class PgLibError extends Error {
  readonly code: PgLibErrorCode;

  constructor(code: PgLibErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PgLibError';
    this.code = code;
  }
}

/** Short, log-safe text of any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
