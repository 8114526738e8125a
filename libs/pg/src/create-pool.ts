import pg from 'pg';
import type { PgLogger } from './logger.ts';
import { consoleLogger } from './logger.ts';
import { assertSchemaName } from './schema-name.ts';

/** The dev stack's database, as every service and the README default to it. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/huimin';

export interface CreatePoolOptions {
  /** Defaults to `DATABASE_URL` from the environment, then `DEFAULT_DATABASE_URL`. */
  connectionString?: string;
  /** The service's own schema; every connection resolves unqualified names there. */
  schema: string;
  /** Most connections open at once (default 10). */
  max?: number;
  /** Shown in `pg_stat_activity`, which helps when several services share one server. */
  applicationName?: string;
  logger?: PgLogger;
}

/**
 * A pool whose connections have `search_path` set to the service's schema (and nothing else, so
 * a service never resolves another's tables by accident). The search path is sent as a startup
 * option, so it holds from the first statement of every connection without an extra round trip.
 * The schema itself is created by `migrate`, which every service runs at start.
 */
export function createPool(options: CreatePoolOptions): pg.Pool {
  assertSchemaName(options.schema);
  const logger = options.logger ?? consoleLogger;
  const pool = new pg.Pool({
    connectionString: options.connectionString ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    max: options.max ?? 10,
    options: `-c search_path=${options.schema}`,
    ...(options.applicationName === undefined ? {} : { application_name: options.applicationName }),
  });
  // An idle connection that dies (server restart, network cut) is dropped by the pool; without a
  // listener Node would treat the 'error' event as fatal and crash the service.
  pool.on('error', (err: Error) => {
    logger.error({ err, schema: options.schema }, 'idle postgres connection failed');
  });
  // A connection can also die while checked out — between two statements of a transaction that is
  // waiting on something else (a Kafka send, an HTTP call), or cut by pg_terminate_backend. pg then
  // emits 'error' on the client, which the pool only listens to while the client is idle: without
  // this listener the service crashes. The transaction's next statement fails and rolls back as
  // usual, and withTransaction discards the connection.
  pool.on('connect', (client: pg.PoolClient) => {
    client.on('error', (err: Error) => {
      logger.warn({ err, schema: options.schema }, 'postgres connection lost');
    });
  });
  return pool;
}
