import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { StartupError } from '@huimin/kit';
import { describe, expect, it } from 'vitest';
import { createPool, migrate } from '../src/index.ts';
import { databaseUrl } from './fresh-schema.ts';

const fixture = fileURLToPath(new URL('./fixtures/service-start.ts', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function withUrl(change: (url: URL) => void): string {
  const url = new URL(databaseUrl);
  change(url);
  return url.toString();
}

async function migrateAgainst(connectionString: string): Promise<unknown> {
  const pool = createPool({ connectionString, schema: 'refusal_test' });
  try {
    await migrate(pool, { schema: 'refusal_test' });
    return undefined;
  } catch (err: unknown) {
    return err;
  } finally {
    await pool.end();
  }
}

describe('a service whose Postgres refuses it says so in one line', () => {
  it('names a database that does not exist and how to create it', async () => {
    const url = withUrl((u) => {
      u.pathname = `/huimin_missing_${process.pid}`;
    });
    const err = await migrateAgainst(url);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toBe(
      `Postgres at ${new URL(url).host} has no database "huimin_missing_${process.pid}": create it ` +
        `(createdb -h ${new URL(url).hostname} -U postgres huimin_missing_${process.pid}) or run \`pnpm start\`, which creates it`,
    );
  });

  it('names a role the server will not let in, and what the services expect of it', async () => {
    const err = await migrateAgainst(
      withUrl((u) => {
        u.username = 'huimin_no_such_role';
      }),
    );
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(/refused the role "huimin_no_such_role" \(.*does not exist\)/);
    expect((err as Error).message).toContain('over TCP without a password');
    expect((err as Error).message).toContain('pg_hba.conf');
  });

  it('names a server that is not there', async () => {
    const port = await freePort();
    const err = await migrateAgainst(
      withUrl((u) => {
        u.port = String(port);
      }),
    );
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toBe(
      `Postgres at 127.0.0.1:${port} is not reachable (ECONNREFUSED): start it, or point DATABASE_URL at a running server`,
    );
  });

  it('prints that line alone on stderr when a service starts, and exits 1', async () => {
    const port = await freePort();
    const { status, stdout, stderr } = spawnSync(process.execPath, [fixture], {
      env: { ...process.env, DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/huimin` },
      encoding: 'utf8',
    });
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `Postgres at 127.0.0.1:${port} is not reachable (ECONNREFUSED): start it, or point DATABASE_URL at a running server\n`,
    );
  });
});
