import { startTestEnv, type TestEnv } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTopics } from '../src/index.ts';
import { testTopic } from './fixtures/test-events.ts';

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv({ name: 'topics', postgres: false, redis: false });
});

afterAll(async () => {
  await env?.close();
});

describe('ensureTopics', () => {
  it('creates each declared topic with its partitions, and its dead-letter topic, once', async () => {
    const topics = [testTopic('alpha', 12), testTopic('beta', 3)];
    const first = await ensureTopics(env.kafka, { topics, mode: 'dev', logger: env.logger });
    expect(first.created.sort()).toEqual([
      'huimin.test.alpha',
      'huimin.test.alpha.dlq',
      'huimin.test.beta',
      'huimin.test.beta.dlq',
    ]);

    const admin = env.kafka.admin();
    await admin.connect();
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({
        topics: ['huimin.test.alpha', 'huimin.test.beta.dlq'],
      });
      expect(metadata.find((t) => t.name === 'huimin.test.alpha')?.partitions).toHaveLength(12);
      expect(metadata.find((t) => t.name === 'huimin.test.beta.dlq')?.partitions).toHaveLength(1);
    } finally {
      await admin.disconnect();
    }

    const second = await ensureTopics(env.kafka, { topics, mode: 'dev', logger: env.logger });
    expect(second.created).toEqual([]);
    expect(second.existing).toHaveLength(4);
  });
});
