import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kafkaSecurityFromEnv } from './security.ts';

describe('Kafka security from the environment', () => {
  it('is empty for a plain broker', () => {
    expect(kafkaSecurityFromEnv({})).toEqual({});
  });

  it('turns on TLS with a CA file and SCRAM credentials', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-ca-'));
    writeFileSync(join(dir, 'ca.pem'), 'CA PEM');
    const security = kafkaSecurityFromEnv({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: join(dir, 'ca.pem'),
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'risk',
      KAFKA_SASL_PASSWORD: 'secret',
    });
    expect(security.ssl).toEqual({ ca: ['CA PEM'], rejectUnauthorized: true });
    expect(security.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'risk', password: 'secret' });
  });

  it('refuses SASL without TLS and names every problem', () => {
    expect(() => kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(
      /KAFKA_SASL_MECHANISM: expected one of[\s\S]*KAFKA_SASL_USERNAME: required[\s\S]*KAFKA_SASL_PASSWORD: required[\s\S]*needs KAFKA_SSL=true/,
    );
  });

  it('names an unreadable CA file', () => {
    expect(() => kafkaSecurityFromEnv({ KAFKA_SSL: '1', KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' })).toThrow(
      /KAFKA_SSL_CA_FILE: cannot read/,
    );
  });
});
