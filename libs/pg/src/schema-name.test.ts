import { describe, expect, it } from 'vitest';
import { assertSchemaName, quoteSchema } from './schema-name.ts';

describe('assertSchemaName', () => {
  it('accepts a service schema name', () => {
    expect(() => assertSchemaName('eligibility')).not.toThrow();
    expect(quoteSchema('embedded_kafka')).toBe('"embedded_kafka"');
  });

  it.each([
    ['upper case', 'Risk'],
    ['a hyphen', 'embedded-kafka'],
    ['quoting tricks', 'risk"; drop schema public; --'],
    ['a reserved prefix', 'pg_risk'],
    ['too long for the outbox channel', 'a'.repeat(57)],
    ['empty', ''],
  ])('rejects %s', (_, name) => {
    expect(() => assertSchemaName(name)).toThrow(expect.objectContaining({ code: 'INVALID_SCHEMA_NAME' }));
  });
});
