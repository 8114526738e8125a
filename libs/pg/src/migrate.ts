import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { errorMessage, PgLibError } from './errors.ts';
import type { PgLogger } from './logger.ts';
import { consoleLogger } from './logger.ts';
import type { MigrationFile, MigrationScope } from './migration-files.ts';
import { readMigrationFiles } from './migration-files.ts';
import { startupErrorFor } from './postgres-refusal.ts';
import { quoteSchema } from './schema-name.ts';

/** This library's own tables (outbox, inbox, scheduled jobs), applied before the service's. */
const LIB_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

export interface MigrateOptions {
  /** The service's schema; created if missing. */
  schema: string;
  /** The service's `migrations/` folder. Without it only the library's own tables are created. */
  dir?: string;
  logger?: PgLogger;
}

export interface AppliedMigration {
  scope: MigrationScope;
  version: number;
  name: string;
}

export interface MigrationReport {
  /** What this call applied, in order; empty when another instance (or an earlier start) did. */
  applied: AppliedMigration[];
}

interface AppliedRow {
  scope: MigrationScope;
  version: number;
  name: string;
  checksum: string;
}

/**
 * Brings `schema` up to date: the library's built-in migrations, then the service's
 * `NNN_name.sql` files in version order, each in its own transaction and recorded in
 * `<schema>.schema_migrations`. Instances starting together serialise on an advisory lock keyed
 * by the schema, so each migration runs once. Every start re-checks the checksums of applied
 * migrations and refuses to go on if one was edited or removed.
 */
export async function migrate(pool: pg.Pool, options: MigrateOptions): Promise<MigrationReport> {
  const schema = quoteSchema(options.schema);
  const logger = options.logger ?? consoleLogger;
  // Read (and name-check) every file before touching the database, so a bad file name fails fast.
  const files = [
    ...(await readMigrationFiles(LIB_MIGRATIONS_DIR, 'lib')),
    ...(options.dir === undefined ? [] : await readMigrationFiles(options.dir, 'service')),
  ];

  // The first connection a service makes: a refusal becomes one line saying what to fix.
  const client = await pool.connect().catch((err: unknown) => {
    throw startupErrorFor(err, pool.options.connectionString);
  });
  // A session-level lock: it spans the many transactions below and is freed by Postgres if this
  // process dies, so a crashed instance never blocks the next start.
  const lockKey = `huimin-pg:migrate:${options.schema}`;
  let locked = false;
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      'select pg_try_advisory_lock(hashtextextended($1, 0)) as locked',
      [lockKey],
    );
    if (rows[0]?.locked !== true) {
      logger.info({ schema: options.schema }, 'waiting for another instance to finish migrating');
      await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [lockKey]);
    }
    locked = true;
    await client.query(`create schema if not exists ${schema}`);
    await client.query(`
      create table if not exists ${schema}.schema_migrations (
        scope text not null check (scope in ('lib', 'service')),
        version integer not null,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now(),
        primary key (scope, version)
      )`);
    const { rows: appliedRows } = await client.query<AppliedRow>(
      `select scope, version, name, checksum from ${schema}.schema_migrations`,
    );
    const applied: AppliedMigration[] = [];
    for (const file of pendingMigrations(files, appliedRows)) {
      const started = Date.now();
      await applyMigration(client, schema, file);
      applied.push({ scope: file.scope, version: file.version, name: file.name });
      logger.info(
        { schema: options.schema, scope: file.scope, migration: file.name, ms: Date.now() - started },
        'migration applied',
      );
    }
    await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]);
    locked = false;
    return { applied };
  } finally {
    // On any failure the connection is closed rather than returned: that frees the advisory lock
    // and any half-finished transaction without another round trip that could itself fail.
    client.release(locked || client.getTransactionStatus() !== 'I' ? true : undefined);
  }
}

/** Checks applied migrations against the files and returns the ones still to apply, in order. */
function pendingMigrations(files: MigrationFile[], appliedRows: AppliedRow[]): MigrationFile[] {
  const pending: MigrationFile[] = [];
  for (const scope of ['lib', 'service'] as const) {
    const scopeFiles = files.filter((file) => file.scope === scope);
    const applied = appliedRows.filter((row) => row.scope === scope);
    for (const row of applied) {
      const file = scopeFiles.find((candidate) => candidate.version === row.version);
      if (file === undefined || file.name !== row.name) {
        throw new PgLibError(
          'MIGRATION_MISSING',
          `migration ${row.name} was applied but its file is missing from the ${scope} migrations` +
            (file === undefined ? '' : ` (${file.name} has its version)`) +
            '; restore it',
        );
      }
      if (file.checksum !== row.checksum) {
        throw new PgLibError(
          'MIGRATION_CHANGED',
          `migration ${file.name} was changed after it was applied ` +
            `(checksum ${row.checksum.slice(0, 12)}…≠${file.checksum.slice(0, 12)}…); add a new migration instead`,
        );
      }
    }
    const appliedVersions = new Set(applied.map((row) => row.version));
    const latest = applied.reduce<AppliedRow | undefined>(
      (max, row) => (max === undefined || row.version > max.version ? row : max),
      undefined,
    );
    for (const file of scopeFiles) {
      if (appliedVersions.has(file.version)) continue;
      if (latest !== undefined && file.version < latest.version) {
        throw new PgLibError(
          'MIGRATION_OUT_OF_ORDER',
          `migration ${file.name} is new but the later ${latest.name} is already applied; ` +
            `renumber it after ${latest.name}`,
        );
      }
      pending.push(file);
    }
  }
  return pending;
}

async function applyMigration(client: pg.PoolClient, schema: string, file: MigrationFile): Promise<void> {
  await client.query('begin');
  try {
    // The pool already points here; saying it again keeps migrations in the service's schema even
    // when the caller's pool was made some other way.
    await client.query(`set local search_path to ${schema}`);
    try {
      // No parameters: pg uses the simple query protocol, so a file may hold many statements.
      await client.query(file.sql);
    } catch (err: unknown) {
      throw new PgLibError(
        'MIGRATION_FAILED',
        `migration ${file.name} failed and was rolled back: ${describeSqlError(err, file.sql)}`,
        { cause: err },
      );
    }
    if (client.getTransactionStatus() !== 'T') {
      throw new PgLibError(
        'MIGRATION_FAILED',
        `migration ${file.name} ended its transaction itself; remove BEGIN/COMMIT/ROLLBACK from the file`,
      );
    }
    await client.query(
      `insert into ${schema}.schema_migrations (scope, version, name, checksum) values ($1, $2, $3, $4)`,
      [file.scope, file.version, file.name, file.checksum],
    );
    await client.query('commit');
  } catch (err: unknown) {
    // If the rollback itself fails the connection is gone; the caller closes it, and the error
    // that names the migration is the one worth reporting.
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}

/** The Postgres message with its SQLSTATE and, when Postgres says where, the line in the file. */
function describeSqlError(err: unknown, sql: string): string {
  const details = err as { code?: unknown; position?: unknown };
  let text = errorMessage(err);
  const position = typeof details.position === 'string' ? Number.parseInt(details.position, 10) : Number.NaN;
  if (Number.isInteger(position) && position > 0) {
    const line = sql.slice(0, position - 1).split('\n').length;
    text += ` at line ${line}`;
  }
  if (typeof details.code === 'string') text += ` (SQLSTATE ${details.code})`;
  return text;
}
