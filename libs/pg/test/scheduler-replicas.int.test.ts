import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/migrate.ts';
import { schedule } from '../src/scheduled-jobs.ts';
import { withTransaction } from '../src/with-transaction.ts';
import { eventually, type Fixture, startFixture } from './child-process.ts';
import { freshSchema } from './fresh-schema.ts';

// Replicas are separate processes, as in production: each runs its own scheduler and pool.
const db = freshSchema('replicas');
const running: Fixture[] = [];

function startReplica(owner: string, settings: { leaseMs: number; pollMs: number; holdMs: number }): Fixture {
  const replica = startFixture('scheduler-process', [db.schema, owner, JSON.stringify(settings)]);
  running.push(replica);
  return replica;
}

async function stopReplicas(): Promise<void> {
  const replicas = running.splice(0);
  for (const replica of replicas) if (replica.child.exitCode === null) replica.child.kill('SIGTERM');
  await Promise.all(replicas.map((replica) => replica.exited));
}

beforeAll(async () => {
  await migrate(db.pool, { schema: db.schema });
  // No unique key on purpose: a job whose effect landed twice shows up as two rows.
  await db.pool.query('create table breach_effects (alert_id text not null, owner text not null)');
});

afterEach(async () => {
  await stopReplicas();
});

afterAll(async () => {
  await db.drop();
});

describe('scheduler across replicas', () => {
  it('two replicas racing for due jobs run each job once', async () => {
    const replicas = [
      startReplica('replica-a', { leaseMs: 30_000, pollMs: 10, holdMs: 20 }),
      startReplica('replica-b', { leaseMs: 30_000, pollMs: 10, holdMs: 20 }),
    ];
    await Promise.all(replicas.map((replica) => replica.waitFor((event) => event.event === 'ready')));
    const alertIds = Array.from({ length: 20 }, (_, index) => `alert-race-${index}`);
    const dueAt = new Date(Date.now() - 1000);

    // All due at the same moment, while both replicas are polling.
    await withTransaction(db.pool, async (client) => {
      for (const alertId of alertIds) await schedule(client, { kind: 'sla-breach', key: alertId, dueAt });
    });

    await eventually(async () => {
      const { rows } = await db.pool.query(
        "select count(*)::int as n from scheduled_jobs where key like 'alert-race-%' and done_at is not null",
      );
      return rows[0].n === alertIds.length ? true : undefined;
    });
    const { rows: effects } = await db.pool.query(
      "select alert_id, count(*)::int as n from breach_effects where alert_id like 'alert-race-%' group by alert_id order by alert_id",
    );
    expect(effects).toEqual(alertIds.sort().map((alertId) => ({ alert_id: alertId, n: 1 })));
    // Not just deduplicated effects: no job was ever claimed twice.
    const { rows: jobs } = await db.pool.query(
      "select distinct attempts, lease_owner in ('replica-a', 'replica-b') as known_owner from scheduled_jobs where key like 'alert-race-%'",
    );
    expect(jobs).toEqual([{ attempts: 1, known_owner: true }]);
  });

  it('a job whose holder is killed mid-run runs in another replica once the lease expires', async () => {
    const doomed = startReplica('replica-doomed', { leaseMs: 1500, pollMs: 20, holdMs: 60_000 });
    await doomed.waitFor((event) => event.event === 'ready');
    await schedule(db.pool, { kind: 'sla-breach', key: 'alert-killed', dueAt: new Date() });
    await doomed.waitFor((event) => event.event === 'started' && event.key === 'alert-killed');

    doomed.child.kill('SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');
    const { rows: afterKill } = await db.pool.query(
      "select lease_owner, attempts, done_at from scheduled_jobs where key = 'alert-killed'",
    );
    expect(afterKill).toEqual([{ lease_owner: 'replica-doomed', attempts: 1, done_at: null }]);

    const survivor = startReplica('replica-survivor', { leaseMs: 1500, pollMs: 20, holdMs: 0 });
    await survivor.waitFor((event) => event.event === 'started' && event.key === 'alert-killed');

    const job = await eventually(async () => {
      const { rows } = await db.pool.query(
        "select lease_owner, attempts from scheduled_jobs where key = 'alert-killed' and done_at is not null",
      );
      return rows[0];
    });
    expect(job).toEqual({ lease_owner: 'replica-survivor', attempts: 2 });
    // The killed holder's effect died with its transaction; the survivor's is the only one.
    const { rows: effects } = await db.pool.query(
      "select owner from breach_effects where alert_id = 'alert-killed'",
    );
    expect(effects).toEqual([{ owner: 'replica-survivor' }]);
  });
});
