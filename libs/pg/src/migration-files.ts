import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, PgLibError } from './errors.ts';

/** `lib` marks this library's own tables; `service` the service's `migrations/` folder. */
export type MigrationScope = 'lib' | 'service';

export interface MigrationFile {
  scope: MigrationScope;
  version: number;
  /** The file name, e.g. `002_add_x.sql`: what every message names. */
  name: string;
  sql: string;
  /** sha256 (hex) of the file's text with line endings normalised. */
  checksum: string;
}

const FILE_NAME = /^(\d+)_([A-Za-z0-9][A-Za-z0-9_-]*)\.sql$/;

/** The version of a migration file name like `002_add_x.sql`, or null if it is not one. */
export function migrationVersion(fileName: string): number | null {
  const match = FILE_NAME.exec(fileName);
  if (match?.[1] === undefined) return null;
  return Number.parseInt(match[1], 10);
}

// CRLF is normalised so a checkout on a machine that rewrites line endings is not mistaken for
// an edited migration; any other change to the text counts.
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

/** Every `NNN_name.sql` in `dir`, in version order; any other `.sql` file is an error. */
export async function readMigrationFiles(dir: string, scope: MigrationScope): Promise<MigrationFile[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err: unknown) {
    throw new PgLibError('MIGRATIONS_DIR_MISSING', `cannot read migrations folder: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  const files: MigrationFile[] = [];
  const byVersion = new Map<number, string>();
  for (const name of entries.filter((entry) => entry.endsWith('.sql')).sort()) {
    const version = migrationVersion(name);
    if (version === null) {
      throw new PgLibError(
        'MIGRATION_INVALID_NAME',
        `migration ${name} is not named NNN_name.sql (digits, underscore, letters/digits/_/-)`,
      );
    }
    const clash = byVersion.get(version);
    if (clash !== undefined) {
      throw new PgLibError(
        'MIGRATION_DUPLICATE_VERSION',
        `migrations ${clash} and ${name} share version ${version}; renumber one of them`,
      );
    }
    byVersion.set(version, name);
    const sql = await readFile(join(dir, name), 'utf8');
    files.push({ scope, version, name, sql, checksum: migrationChecksum(sql) });
  }
  return files.sort((a, b) => a.version - b.version);
}
