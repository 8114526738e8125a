import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '@huimin/testkit';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoverReceipts } from '../src/receipt-recovery.ts';
import { createReceiptStore } from '../src/store/receipt-store.ts';
import { CLAIM, claim } from './support/fixtures.ts';
import { eventPath, type IngestTestEnv, type Issued, startIngestEnv } from './support/ingest-env.ts';
import { readTopics } from './support/read-topic.ts';

// Receipts are written after the answer. This is the crash in between: ingest (the real process,
// as `pnpm start` runs it) answers 202 while its receipt write is held, and is killed before the
// write lands. The next replica to start writes the receipt from the event's Kafka record.

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
let t: IngestTestEnv;
let medical: Issued;
const children: ChildProcess[] = [];

beforeAll(async () => {
  t = await startIngestEnv('ingest_crash');
  medical = await t.issue('medical-insurance-bureau');
});

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await t?.close();
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts ingest's main.ts on the test's schema, broker and Redis db; resolves once it is ready. */
async function startIngest(
  extra: Record<string, string> = {},
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: t.env.databaseUrl,
      DATABASE_SCHEMA: t.env.schema,
      REDIS_URL: t.env.redisUrl,
      KAFKA_BROKERS: t.env.brokers,
      LOG_LEVEL: 'warn',
      ...extra,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    async () => {
      try {
        return (await fetch(`${url}/readyz`)).ok;
      } catch {
        return false;
      }
    },
    'ingest is ready',
    60_000,
  );
  return { url, child };
}

async function receiptRows(id: string) {
  const { rows } = await t.env.pool.query<{
    outcome: string;
    sha: string;
    line: number | null;
    type: string;
  }>(`select outcome, encode(body_sha256, 'hex') as sha, line, type from receipts where submission_id = $1`, [
    id,
  ]);
  return rows;
}

describe('a replica killed after answering 202, before its receipt was written', () => {
  it('loses no receipt: the next replica writes it from the event’s record, once', async () => {
    const first = await startIngest({ RECEIPT_RECOVERY_DELAY_MS: '600000' });
    const body = JSON.stringify(claim({ claimId: 'YB-CRASH-1' }));
    // Hold every receipt insert: the answer must not wait for it.
    const holder: pg.PoolClient = await t.env.pool.connect();
    let killed = false;
    try {
      await holder.query('begin');
      await holder.query('lock table receipts in share mode');
      const res = await fetch(`${first.url}${eventPath(CLAIM)}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${medical.apiKey}`,
          'content-type': 'application/json',
          'idempotency-key': 'crash-claim-1',
        },
        body,
      });
      expect(res.status).toBe(202);
      expect(((await res.json()) as { ceId: string }).ceId).toBe('medical-insurance-bureau:crash-claim-1');
      // Its receipt insert is waiting on our lock.
      await waitUntil(async () => {
        const { rows } = await t.env.pool.query(
          `select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like 'insert into receipts%'`,
        );
        return rows.length > 0;
      }, 'the receipt insert waits');
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));
      killed = true;
      // Postgres has not noticed the client is gone (the backend is waiting on the lock): end it,
      // as Postgres would once it noticed, so the insert can never land.
      await t.env.pool.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
          where wait_event_type = 'Lock' and query like 'insert into receipts%'`,
      );
    } finally {
      await holder.query('rollback');
      holder.release();
      if (!killed) first.child.kill('SIGKILL');
    }
    expect(await receiptRows('crash-claim-1')).toEqual([]);
    const onTopic = (await readTopics(t.env.kafka, ['huimin.feed.medical-expense'])).filter(
      (r) => r.headers.ce_id === 'medical-insurance-bureau:crash-claim-1',
    );
    expect(onTopic).toHaveLength(1);

    // The next replica starts and looks back.
    const second = await startIngest({ RECEIPT_RECOVERY_DELAY_MS: '0' });
    await waitUntil(async () => (await receiptRows('crash-claim-1')).length > 0, 'the receipt is written');
    expect(await receiptRows('crash-claim-1')).toEqual([
      {
        outcome: 'accepted',
        sha: createHash('sha256').update(body).digest('hex'),
        line: null,
        type: CLAIM,
      },
    ]);
    const read = await fetch(`${second.url}/v1/receipts/crash-claim-1`, {
      headers: { authorization: `Bearer ${medical.apiKey}` },
    });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { receipts: unknown[] }).receipts).toEqual([
      expect.objectContaining({
        submissionId: 'crash-claim-1',
        id: 'crash-claim-1',
        ceId: 'medical-insurance-bureau:crash-claim-1',
        outcome: 'accepted',
      }),
    ]);

    // Looking again finds nothing missing and writes nothing twice.
    const again = await recoverReceipts({
      kafka: t.env.kafka,
      store: createReceiptStore(t.env.pool),
      logger: t.env.logger,
      since: new Date(Date.now() - 3_600_000),
      until: new Date(),
    });
    expect(again).toBe(0);
    expect(await receiptRows('crash-claim-1')).toHaveLength(1);
  }, 180_000);
});
