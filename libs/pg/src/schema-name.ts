import { PgLibError } from './errors.ts';

// Lower-case identifiers only, so a schema never needs case-sensitive quoting anywhere, and short
// enough that `<schema>_outbox` still fits Postgres' 63-byte limit for NOTIFY channel names.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,55}$/;

/** Throws unless `schema` is a plain lower-case identifier of at most 56 characters. */
export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema) || schema.startsWith('pg_')) {
    throw new PgLibError(
      'INVALID_SCHEMA_NAME',
      `schema name "${schema}" must match ${SCHEMA_NAME} and not start with pg_`,
    );
  }
}

/** The schema as a quoted SQL identifier; only call after `assertSchemaName`. */
export function quoteSchema(schema: string): string {
  assertSchemaName(schema);
  return `"${schema}"`;
}
