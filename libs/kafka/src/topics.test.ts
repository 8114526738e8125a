import { defineTopic } from '@huimin/contracts';
import { describe, expect, it } from 'vitest';
import { dlqTopicOf, topicConfigEntries } from './topics.ts';

const households = defineTopic({
  name: 'huimin.test.households',
  partitions: 12,
  key: 'householdId',
  retention: { dev: 'forever', prod: 'compact' },
  description: 'compacted in production',
});
const claims = defineTopic({
  name: 'huimin.test.claims',
  partitions: 12,
  key: 'patientResidentId',
  retention: { dev: 'forever', prod: { ms: 400 * 86_400_000 } },
  description: 'time-limited in production',
});

describe('topic configs', () => {
  it('keep everything in dev, so a service deployed later can rebuild from the beginning', () => {
    expect(topicConfigEntries(households, 'dev')).toContainEqual({ name: 'retention.ms', value: '-1' });
    expect(topicConfigEntries(claims, 'dev')).toContainEqual({ name: 'cleanup.policy', value: 'delete' });
  });

  it('compact household topics and time-limit the rest in production', () => {
    expect(topicConfigEntries(households, 'prod')).toEqual([{ name: 'cleanup.policy', value: 'compact' }]);
    expect(topicConfigEntries(claims, 'prod')).toEqual([
      { name: 'cleanup.policy', value: 'delete' },
      { name: 'retention.ms', value: String(400 * 86_400_000) },
    ]);
  });

  it('names the dead-letter topic after its topic', () => {
    expect(dlqTopicOf('huimin.feed.medical-expense')).toBe('huimin.feed.medical-expense.dlq');
  });
});
