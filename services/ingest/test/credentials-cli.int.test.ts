import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createLogger } from '@huimin/kit';
import { withTransaction } from '@huimin/pg';
import { startTestEnv, type TestEnv } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_SECRETS_KEY } from '../src/config.ts';
import { type CredentialDirectory, createCredentialDirectory } from '../src/credential-directory.ts';
import { devCredentials } from '../src/dev-credentials.ts';
import { createSecretBox, keyFingerprint } from '../src/domain/secret-box.ts';
import { receiptPurgeHandler } from '../src/receipt-retention.ts';
import { createCredentialStore } from '../src/store/credential-store.ts';
import { createReceiptStore } from '../src/store/receipt-store.ts';
import { migrationsDir } from './support/ingest-env.ts';

const run = promisify(execFile);
const serviceDir = fileURLToPath(new URL('..', import.meta.url));

let env: TestEnv;
let directory: CredentialDirectory;

beforeAll(async () => {
  env = await startTestEnv({ name: 'ingest_cli', migrationsDir, broker: false, redis: false });
  directory = createCredentialDirectory({
    store: createCredentialStore(env.pool),
    secretBox: createSecretBox(DEV_SECRETS_KEY),
    defaults: { live: { ratePerSecond: 1, burst: 1 }, bulk: { ratePerSecond: 1, burst: 1 } },
    refreshMs: 60_000,
    now: () => new Date(),
    logger: createLogger({ name: 'test', level: 'silent' }),
  });
});

afterAll(async () => {
  await env?.close();
});

async function cli(script: string, ...args: string[]): Promise<string> {
  return cliWith({}, script, ...args);
}

async function cliWith(extraEnv: Record<string, string>, script: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [`src/cli/${script}.ts`, ...args], {
    cwd: serviceDir,
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      DATABASE_SCHEMA: env.schema,
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
  });
  return stdout;
}

function directoryWith(box: ReturnType<typeof createSecretBox>): CredentialDirectory {
  return createCredentialDirectory({
    store: createCredentialStore(env.pool),
    secretBox: box,
    defaults: { live: { ratePerSecond: 1, burst: 1 }, bulk: { ratePerSecond: 1, burst: 1 } },
    refreshMs: 60_000,
    now: () => new Date(),
    logger: createLogger({ name: 'test', level: 'silent' }),
  });
}

function field(output: string, label: string): string {
  const match = new RegExp(`^${label}:\\s+(\\S+)$`, 'm').exec(output);
  if (!match?.[1]) throw new Error(`no ${label} in:\n${output}`);
  return match[1];
}

async function authenticates(apiKey: string): Promise<string | undefined> {
  await directory.refresh();
  return directory.authenticate(apiKey)?.department;
}

describe('credentials CLI', () => {
  it('create shows the key once; the key authenticates as its department; only its hash is stored', async () => {
    const out = await cli('credentials', 'create', 'grid-management', '--label', '太仓网格中心');
    const apiKey = field(out, 'API key');
    expect(field(out, 'signing secret')).toMatch(/^hms_[0-9a-f]{64}$/);
    expect(await authenticates(apiKey)).toBe('grid-management');
    const { rows } = await env.pool.query('select * from credentials');
    expect(JSON.stringify(rows)).not.toContain(apiKey.slice(-64));

    const list = await cli('credentials', 'list');
    expect(list).toContain(field(out, 'key id'));
    expect(list).toMatch(/grid-management\s+active/);
    expect(list).not.toContain(apiKey);
  });

  it('rotate: a new key, the old one keeps working for the grace period, then stops', async () => {
    const first = field(await cli('credentials', 'create', 'disabled-persons-federation'), 'API key');
    const rotated = await cli('credentials', 'rotate', 'disabled-persons-federation', '--grace', '1h');
    const second = field(rotated, 'API key');
    expect(await authenticates(first)).toBe('disabled-persons-federation');
    expect(await authenticates(second)).toBe('disabled-persons-federation');
    expect(await cli('credentials', 'list')).toMatch(/disabled-persons-federation\s+expiring/);

    await cli('credentials', 'rotate', 'disabled-persons-federation', '--grace', '0s');
    expect(await authenticates(first)).toBeUndefined();
    expect(await authenticates(second)).toBeUndefined();
  });

  it('revoke stops a key at once; signing on/off shows in the list', async () => {
    const out = await cli('credentials', 'create', 'human-resources');
    await cli('credentials', 'signing', 'human-resources', 'on');
    expect(await cli('credentials', 'list')).toMatch(/human-resources\s+active\s+-\s+on/);
    await cli('credentials', 'revoke', field(out, 'key id'));
    expect(await authenticates(field(out, 'API key'))).toBeUndefined();
  });

  it('reseal moves every signing secret to a new INGEST_SECRETS_KEY; the old key then opens none', async () => {
    const NEW_KEY = randomBytes(32).toString('hex');
    const issued = await cli('credentials', 'create', 'medical-insurance-bureau');
    const apiKey = field(issued, 'API key');
    const signingSecret = field(issued, 'signing secret');

    // Without the old key the new one cannot open what the old sealed: refused, nothing changed.
    const before = (
      await env.pool.query('select key_id, signing_secret_sealed from credentials order by key_id')
    ).rows;
    await expect(cliWith({ INGEST_SECRETS_KEY: NEW_KEY }, 'credentials', 'reseal')).rejects.toThrow(
      /opens under none of the keys given/,
    );
    expect(
      (await env.pool.query('select key_id, signing_secret_sealed from credentials order by key_id')).rows,
    ).toEqual(before);

    const out = await cliWith(
      { INGEST_SECRETS_KEY: NEW_KEY, INGEST_SECRETS_KEY_PREVIOUS: DEV_SECRETS_KEY },
      'credentials',
      'reseal',
    );
    expect(field(out, 're-sealed')).toBe(String(before.length));
    const onNewKey = directoryWith(createSecretBox(NEW_KEY));
    await onNewKey.refresh();
    expect(onNewKey.authenticate(apiKey)).toMatchObject({
      department: 'medical-insurance-bureau',
      signingSecret,
    });
    const onOldKey = directoryWith(createSecretBox(DEV_SECRETS_KEY));
    await onOldKey.refresh();
    expect(onOldKey.authenticate(apiKey)).toBeUndefined();
    const { rows } = await env.pool.query<{ signing_secret_sealed: string }>(
      'select signing_secret_sealed from credentials',
    );
    for (const row of rows)
      expect(row.signing_secret_sealed.startsWith(`v2:${keyFingerprint(NEW_KEY)}:`)).toBe(true);
    // Run again: nothing left to do.
    const again = await cliWith({ INGEST_SECRETS_KEY: NEW_KEY }, 'credentials', 'reseal');
    expect(field(again, 're-sealed')).toBe('0');

    // Back to the development key, so the other tests' directory opens them again.
    await cliWith(
      { INGEST_SECRETS_KEY: DEV_SECRETS_KEY, INGEST_SECRETS_KEY_PREVIOUS: NEW_KEY },
      'credentials',
      'reseal',
    );
  }, 120_000);

  it('a sealed secret copied onto another credential’s row does not open there: that key is disabled', async () => {
    const a = await cli('credentials', 'create', 'household-registry', '--label', 'a');
    const b = await cli('credentials', 'create', 'household-registry', '--label', 'b');
    await env.pool.query(
      `update credentials set signing_secret_sealed = (select signing_secret_sealed from credentials where key_id = $1)
        where key_id = $2`,
      [field(a, 'key id'), field(b, 'key id')],
    );
    expect(await authenticates(field(a, 'API key'))).toBe('household-registry');
    expect(await authenticates(field(b, 'API key'))).toBeUndefined();
    await cli('credentials', 'revoke', field(b, 'key id'));
  }, 90_000);

  it('refuses an unknown department', async () => {
    await expect(cli('credentials', 'create', 'weather-bureau')).rejects.toThrow(/unknown department/);
  });

  it('seed-dev is idempotent and its documented demo keys authenticate, unsigned', async () => {
    await cli('seed-dev');
    await cli('seed-dev');
    for (const credential of devCredentials) {
      expect(await authenticates(credential.apiKey)).toBe(credential.department);
    }
    expect(directory.authenticate(devCredentials[0]?.apiKey ?? '')?.signingRequired).toBe(false);
    const { rows } = await env.pool.query(
      `select count(*)::int as n from credentials where label = 'dev demo'`,
    );
    expect(rows[0].n).toBe(devCredentials.length);
  });
});

describe('receipt retention', () => {
  it('the daily purge deletes receipts older than the retention and arms the next day', async () => {
    const store = createReceiptStore(env.pool);
    const now = new Date('2026-03-10T01:00:00Z');
    const receipt = (daysAgo: number, submissionId: string) => ({
      department: 'grid-management',
      submissionId,
      line: null,
      eventId: submissionId,
      type: 'huimin.feed.department-signal.reported.v1',
      bodySha256: Buffer.alloc(32),
      receivedAt: new Date(now.getTime() - daysAgo * 86_400_000),
      outcome: 'accepted' as const,
      reason: null,
    });
    await store.append([receipt(31, 'old'), receipt(29, 'recent')]);
    const purge = receiptPurgeHandler({ store, retentionDays: 30, now: () => now });
    await withTransaction(env.pool, (client) => purge({}, client));
    const { rows } = await env.pool.query(
      'select submission_id from receipts where submission_id in ($1, $2)',
      ['old', 'recent'],
    );
    expect(rows.map((r) => r.submission_id)).toEqual(['recent']);
    const jobs = await env.pool.query(
      `select key, due_at from scheduled_jobs where kind = 'ingest.purge-receipts'`,
    );
    // 03:00 in Shanghai on the day after 2026-03-10 (Shanghai) = 19:00 UTC on 2026-03-10.
    expect(jobs.rows).toEqual([{ key: '2026-03-11', due_at: new Date('2026-03-10T19:00:00Z') }]);
  });
});
