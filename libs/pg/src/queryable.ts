import type { QueryResult, QueryResultRow } from 'pg';

/**
 * Anything that runs a parameterised query: a `pg.Pool` (autocommit) or a client (possibly
 * inside a transaction). Functions that must share the caller's transaction take a client instead.
 */
export interface Queryable {
  // biome-ignore lint/suspicious/noExplicitAny: mirrors pg's own default row type
  query<R extends QueryResultRow = any>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}
