import { auditRead } from '@huimin/auth';
import { PersonRecordRead } from '@huimin/contracts';
import {
  type ConsumerRunner,
  createConsumerRunner,
  createOutboxRelay,
  createProducer,
  createPublisher,
  ensureTopics,
} from '@huimin/kafka';
import { waitUntil } from '@huimin/testkit';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditHandlers } from '../src/handlers/audit-consumer.ts';
import { bearer, CHANGSHENG, type Identity, startIdentity } from './harness.ts';

let id: Identity;
let producer: Producer;
let consumer: ConsumerRunner;

beforeAll(async () => {
  id = await startIdentity({ name: 'identity_audit', broker: true });
  await id.addPeople([
    { id: 'u-auditor', username: 'auditor', role: 'auditor', jurisdictions: ['320585'] },
    { id: 'u-li', username: 'handler.li', role: 'case-handler', jurisdictions: [CHANGSHENG] },
  ]);
  await ensureTopics(id.env.kafka, { topics: [PersonRecordRead.topic], mode: 'dev', logger: id.env.logger });
  producer = createProducer(id.env.kafka);
  await producer.connect();
  consumer = createConsumerRunner({
    kafka: id.env.kafka,
    pool: id.env.pool,
    groupId: 'identity.audit',
    handlers: auditHandlers(id.app.audit),
    logger: id.env.logger,
  });
  await consumer.start();
});

afterAll(async () => {
  await consumer?.stop();
  await producer?.disconnect();
  await id?.close();
});

const reader = {
  kind: 'user' as const,
  userId: 'u-li',
  role: 'case-handler' as const,
  jurisdictions: [CHANGSHENG],
};
const storedCount = async () =>
  Number((await id.env.pool.query('select count(*) from audit_reads')).rows[0].count);

describe('audit of reads', () => {
  it('carries a service’s reads from its outbox to identity’s store once each, for auditors only', async () => {
    // A reading service (here sharing the test schema) audits two reads through its outbox.
    for (const subjectId of ['H320585-000123', 'H320585-000124']) {
      await auditRead(id.env.pool, 'discovery', {
        reader,
        subjectType: 'household',
        subjectId,
        view: 'masked',
        purpose: 'alert ALR-2026-000001',
      });
    }
    const relay = createOutboxRelay({
      pool: id.env.pool,
      schema: id.env.schema,
      publisher: createPublisher({ producer }),
      logger: id.env.logger,
    });
    expect(await relay.drain()).toBe(2);
    // At-least-once delivery: the same event published again changes nothing.
    const { rows } = await id.env.pool.query<{
      topic: string;
      key: string;
      headers: Record<string, string>;
      payload: unknown;
    }>('select topic, key, headers, payload from outbox order by seq limit 1');
    const again = rows[0];
    if (!again) throw new Error('outbox row missing');
    await createPublisher({ producer }).publishRecords([
      { topic: again.topic, key: again.key, headers: again.headers, value: JSON.stringify(again.payload) },
    ]);
    // A third read, on the same partition (keyed by reader), is stored only after the repeat was handled.
    await auditRead(id.env.pool, 'discovery', {
      reader,
      subjectType: 'household',
      subjectId: 'H320585-000125',
      view: 'full',
      purpose: 'home visit',
    });
    expect(await relay.drain()).toBe(1);
    await waitUntil(
      async () =>
        (await id.env.pool.query(`select 1 from audit_reads where subject_id = 'H320585-000125'`))
          .rowCount === 1,
      'the third read stored',
    );
    expect(await storedCount()).toBe(3);

    const res = await id.inject({
      url: '/v1/audit/reads?actorId=u-li&service=discovery',
      headers: bearer(await id.tokenOf('auditor')),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().reads).toHaveLength(3);
    expect(res.json().reads[2]).toMatchObject({
      actorId: 'u-li',
      actorRole: 'case-handler',
      service: 'discovery',
      subjectType: 'household',
      view: 'masked',
      purpose: 'alert ALR-2026-000001',
    });
    const forbidden = await id.inject({
      url: '/v1/audit/reads',
      headers: bearer(await id.tokenOf('handler.li')),
    });
    expect(forbidden.statusCode).toBe(403);
  });

  it('pages newest first with a cursor, and filters by subject', async () => {
    const auditor = bearer(await id.tokenOf('auditor'));
    const first = (await id.inject({ url: '/v1/audit/reads?limit=1', headers: auditor })).json();
    expect(first.reads).toHaveLength(1);
    const second = (
      await id.inject({ url: `/v1/audit/reads?limit=1&before=${first.next}`, headers: auditor })
    ).json();
    expect(second.reads).toHaveLength(1);
    expect(second.reads[0].readId).not.toBe(first.reads[0].readId);
    expect(new Date(second.reads[0].readAt) <= new Date(first.reads[0].readAt)).toBe(true);
    const bySubject = (
      await id.inject({
        url: '/v1/audit/reads?subjectType=household&subjectId=H320585-000124',
        headers: auditor,
      })
    ).json();
    expect(bySubject.reads.map((r: { subjectId: string }) => r.subjectId)).toEqual(['H320585-000124']);
  });

  it('refuses to change or remove an audit row, even for the service’s own database user', async () => {
    await expect(id.env.pool.query(`update audit_reads set purpose = 'nothing to see'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(id.env.pool.query('delete from audit_reads')).rejects.toThrow(/append-only/);
    await expect(id.env.pool.query('truncate audit_reads')).rejects.toThrow(/append-only/);
    expect(await storedCount()).toBe(3);
  });
});
