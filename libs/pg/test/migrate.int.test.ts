import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PgLibError } from '../src/errors.ts';
import { migrate } from '../src/migrate.ts';
import { migrationChecksum } from '../src/migration-files.ts';
import { startFixture } from './child-process.ts';
import { type FreshSchema, freshSchema } from './fresh-schema.ts';

// Each test gets its own schema and migrations folder: migrations are all about starting state.
const schemas: FreshSchema[] = [];
const dirs: string[] = [];

async function setUp(files: Record<string, string>): Promise<{ db: FreshSchema; dir: string }> {
  const db = freshSchema('migrate');
  schemas.push(db);
  const dir = await mkdtemp(join(tmpdir(), 'huimin-pg-migrations-'));
  dirs.push(dir);
  for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
  return { db, dir };
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

afterAll(async () => {
  await Promise.all(schemas.map((db) => db.drop()));
});

async function serviceMigrations(
  db: FreshSchema,
): Promise<{ version: number; name: string; checksum: string }[]> {
  const { rows } = await db.pool.query(
    "select version, name, checksum from schema_migrations where scope = 'service' order by version",
  );
  return rows;
}

const householdMigrations = {
  // No IF NOT EXISTS: running this twice fails, which is what the concurrency test relies on.
  '001_create_households.sql': 'create table households (id text primary key, community_code text not null);',
  // No unique key: running this twice leaves two rows. The sleep keeps the lock held long enough
  // that the second instance certainly arrives while the first is still migrating.
  '002_seed_runs.sql':
    "create table seed_runs (note text);\nselect pg_sleep(0.3);\ninsert into seed_runs values ('seeded');",
  '003_index_community.sql': 'create index households_community on households (community_code);',
};

describe('migrate', () => {
  it('applies each migration once when two service instances start at the same moment', async () => {
    const { db, dir } = await setUp(householdMigrations);
    const instances = [
      startFixture('migrate-process', [db.schema, dir]),
      startFixture('migrate-process', [db.schema, dir]),
    ];
    await Promise.all(instances.map((instance) => instance.waitFor((event) => event.event === 'ready')));
    for (const instance of instances) instance.child.stdin?.write('go\n');

    const results = await Promise.all(
      instances.map((instance) =>
        instance.waitFor((event) => event.event === 'migrated' || event.event === 'failed'),
      ),
    );
    const exits = await Promise.all(instances.map((instance) => instance.exited));

    expect(results.map((result) => result.event)).toEqual(['migrated', 'migrated']);
    expect(exits.map((exit) => exit.code)).toEqual([0, 0]);
    const appliedNames = results
      .flatMap((result) => result.applied as { scope: string; name: string }[])
      .filter((migration) => migration.scope === 'service')
      .map((migration) => migration.name)
      .sort();
    expect(appliedNames).toEqual([
      '001_create_households.sql',
      '002_seed_runs.sql',
      '003_index_community.sql',
    ]);
    expect((await serviceMigrations(db)).map((row) => row.name)).toEqual(appliedNames);
    const { rows } = await db.pool.query('select count(*)::int as runs from seed_runs');
    expect(rows[0].runs).toBe(1);
  });

  it('creates the schema and the library tables before the service migrations, recording sha256 checksums', async () => {
    const { db, dir } = await setUp({
      // Only works if the built-in outbox migration ran first, in this same schema.
      '001_pending_events.sql':
        'create view pending_events as select seq, topic from outbox where sent_at is null;',
    });

    const report = await migrate(db.pool, { schema: db.schema, dir });

    expect(report.applied.map((migration) => `${migration.scope}:${migration.name}`)).toEqual([
      'lib:001_outbox.sql',
      'lib:002_inbox.sql',
      'lib:003_scheduled_jobs.sql',
      'lib:004_outbox_sent.sql',
      'service:001_pending_events.sql',
    ]);
    const { rows } = await db.pool.query(
      'select table_name from information_schema.tables where table_schema = $1',
      [db.schema],
    );
    expect(rows.map((row) => row.table_name).sort()).toEqual([
      'inbox',
      'outbox',
      'pending_events',
      'scheduled_jobs',
      'schema_migrations',
    ]);
    expect(await serviceMigrations(db)).toEqual([
      {
        version: 1,
        name: '001_pending_events.sql',
        checksum: migrationChecksum(
          'create view pending_events as select seq, topic from outbox where sent_at is null;',
        ),
      },
    ]);
    // A second start finds nothing to do.
    expect((await migrate(db.pool, { schema: db.schema, dir })).applied).toEqual([]);
  });

  it('stops the start with a clear error when an applied migration was edited', async () => {
    const { db, dir } = await setUp(householdMigrations);
    await migrate(db.pool, { schema: db.schema, dir });
    await writeFile(
      join(dir, '002_seed_runs.sql'),
      "create table seed_runs (note text);\ninsert into seed_runs values ('edited');",
    );
    await writeFile(join(dir, '004_add_phone.sql'), 'alter table households add column phone text;');

    const failure = migrate(db.pool, { schema: db.schema, dir });

    await expect(failure).rejects.toThrow(PgLibError);
    await expect(failure).rejects.toMatchObject({ code: 'MIGRATION_CHANGED' });
    await expect(failure).rejects.toThrow(
      /^migration 002_seed_runs\.sql was changed after it was applied \(checksum [0-9a-f]{12}…≠[0-9a-f]{12}…\); add a new migration instead$/,
    );
    // Nothing after the check ran: the new migration is not applied.
    expect((await serviceMigrations(db)).map((row) => row.name)).toEqual([
      '001_create_households.sql',
      '002_seed_runs.sql',
      '003_index_community.sql',
    ]);
  });

  it('refuses to start when an applied migration file is missing', async () => {
    const { db, dir } = await setUp(householdMigrations);
    await migrate(db.pool, { schema: db.schema, dir });
    await unlink(join(dir, '003_index_community.sql'));

    await expect(migrate(db.pool, { schema: db.schema, dir })).rejects.toMatchObject({
      code: 'MIGRATION_MISSING',
      message: expect.stringContaining(
        'migration 003_index_community.sql was applied but its file is missing',
      ),
    });
  });

  it('refuses a new migration numbered before one already applied', async () => {
    const { db, dir } = await setUp({ '001_a.sql': 'select 1;', '003_c.sql': 'select 3;' });
    await migrate(db.pool, { schema: db.schema, dir });
    await writeFile(join(dir, '002_b.sql'), 'select 2;');

    await expect(migrate(db.pool, { schema: db.schema, dir })).rejects.toMatchObject({
      code: 'MIGRATION_OUT_OF_ORDER',
      message: expect.stringContaining(
        'migration 002_b.sql is new but the later 003_c.sql is already applied',
      ),
    });
  });

  it('rolls a failing migration back entirely and names the file and the SQL error', async () => {
    const { db, dir } = await setUp({
      '001_create_households.sql': householdMigrations['001_create_households.sql'],
      // The first two statements succeed; the third fails, so all three must be undone.
      '002_broken.sql': [
        'create table visits (id text primary key);',
        "insert into households values ('h1', '320585001');",
        'alter table households add column income_fen bigint not nul;',
      ].join('\n'),
    });

    const failure = migrate(db.pool, { schema: db.schema, dir });

    await expect(failure).rejects.toMatchObject({ code: 'MIGRATION_FAILED' });
    await expect(failure).rejects.toThrow(
      /^migration 002_broken\.sql failed and was rolled back: syntax error at or near "nul" at line 3 \(SQLSTATE 42601\)$/,
    );
    expect((await serviceMigrations(db)).map((row) => row.name)).toEqual(['001_create_households.sql']);
    const { rows: tables } = await db.pool.query(
      "select count(*)::int as n from information_schema.tables where table_schema = $1 and table_name = 'visits'",
      [db.schema],
    );
    expect(tables[0].n).toBe(0);
    const { rows: households } = await db.pool.query('select count(*)::int as n from households');
    expect(households[0].n).toBe(0);

    // Fixed before it was ever applied, it goes through on the next start.
    await writeFile(join(dir, '002_broken.sql'), 'create table visits (id text primary key);');
    const report = await migrate(db.pool, { schema: db.schema, dir });
    expect(report.applied.map((migration) => migration.name)).toEqual(['002_broken.sql']);
  });

  it('rejects a migration file that does not follow NNN_name.sql', async () => {
    const { db, dir } = await setUp({ '001_a.sql': 'select 1;', 'add-phone.sql': 'select 2;' });

    await expect(migrate(db.pool, { schema: db.schema, dir })).rejects.toMatchObject({
      code: 'MIGRATION_INVALID_NAME',
      message: expect.stringContaining('add-phone.sql'),
    });
    // Checked before touching the database: the schema was not even created.
    const { rows } = await db.pool.query('select count(*)::int as n from pg_namespace where nspname = $1', [
      db.schema,
    ]);
    expect(rows[0].n).toBe(0);
  });
});
