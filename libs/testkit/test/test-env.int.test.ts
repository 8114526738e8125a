import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startTestEnv } from '../src/index.ts';

describe('startTestEnv', () => {
  it('gives each test env its own broker, Postgres schema and Redis db, and removes them on close', async () => {
    const [a, b] = await Promise.all([startTestEnv({ name: 'kit_a' }), startTestEnv({ name: 'kit_b' })]);
    try {
      expect(a.schema).not.toBe(b.schema);
      expect(a.redisDb).not.toBe(b.redisDb);

      // Postgres: migrations ran (the outbox exists) and each pool sees only its own schema.
      await a.pool.query('create table only_in_a (x int)');
      await expect(b.pool.query('select * from only_in_a')).rejects.toThrow(/does not exist/);
      await a.pool.query('select count(*) from outbox');

      // Redis: a key in one db is invisible in the other.
      await a.redis.set('k', 'a');
      expect(await b.redis.get('k')).toBeNull();

      // Kafka: a topic made on one broker is there to use.
      const admin = a.kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'testkit-probe', numPartitions: 2 }] });
      const producer = a.kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'testkit-probe', acks: -1, messages: [{ key: 'k', value: 'v' }] });
      await producer.disconnect();
      const offsets = await admin.fetchTopicOffsets('testkit-probe');
      await admin.disconnect();
      expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }

    const client = new pg.Client({ connectionString: a.databaseUrl });
    await client.connect();
    const { rows } = await client.query(
      'select schema_name from information_schema.schemata where schema_name = any($1)',
      [[a.schema, b.schema]],
    );
    await client.end();
    expect(rows).toEqual([]);
  });
});
