import type pg from 'pg';
import { PgLibError } from './errors.ts';

/**
 * Throws unless `client` is inside an open transaction. It reads the status Postgres reported
 * with its last ReadyForQuery message, so it costs no round trip; `txid_current_if_assigned()`
 * would not do, because a transaction that has only read has no txid yet. A transaction that
 * already failed ('E') is let through: Postgres itself rejects the next statement.
 */
export function requireTransaction(client: pg.ClientBase, what: string): void {
  const status = client.getTransactionStatus();
  if (status !== 'T' && status !== 'E') {
    throw new PgLibError(
      'NOT_IN_TRANSACTION',
      `${what} must run inside the transaction that holds its state change (use withTransaction)`,
    );
  }
}
