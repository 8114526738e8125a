import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';

/** TLS and SASL settings for a Kafka that needs them (production); none for the embedded broker. */
export interface KafkaSecurity {
  ssl?: KafkaConfig['ssl'];
  sasl?: SASLOptions;
}

const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/**
 * Reads the Kafka security settings every service shares from the environment:
 * `KAFKA_SSL=true` (TLS, verifying the server with the system CAs or `KAFKA_SSL_CA_FILE`),
 * `KAFKA_SASL_MECHANISM` (plain, scram-sha-256, scram-sha-512) with `KAFKA_SASL_USERNAME` and
 * `KAFKA_SASL_PASSWORD`. SASL without TLS is refused: it would send the password in the clear.
 */
export function kafkaSecurityFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaSecurity {
  const problems: string[] = [];
  const security: KafkaSecurity = {};
  const sslFlag = env.KAFKA_SSL?.trim().toLowerCase();
  if (sslFlag && !['true', 'false', '1', '0'].includes(sslFlag))
    problems.push(`KAFKA_SSL: expected true or false, got "${env.KAFKA_SSL}"`);
  const ssl = sslFlag === 'true' || sslFlag === '1';
  if (ssl) {
    const caFile = env.KAFKA_SSL_CA_FILE?.trim();
    if (caFile) {
      try {
        security.ssl = { ca: [readFileSync(caFile, 'utf8')], rejectUnauthorized: true };
      } catch (err: unknown) {
        problems.push(`KAFKA_SSL_CA_FILE: cannot read ${caFile} (${(err as Error).message})`);
      }
    } else {
      security.ssl = { rejectUnauthorized: true };
    }
  }
  const mechanism = env.KAFKA_SASL_MECHANISM?.trim().toLowerCase();
  if (mechanism) {
    const username = env.KAFKA_SASL_USERNAME ?? '';
    const password = env.KAFKA_SASL_PASSWORD ?? '';
    if (!(MECHANISMS as readonly string[]).includes(mechanism)) {
      problems.push(
        `KAFKA_SASL_MECHANISM: expected one of ${MECHANISMS.join(', ')}, got "${env.KAFKA_SASL_MECHANISM}"`,
      );
    }
    if (!username) problems.push('KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM, not set');
    if (!password) problems.push('KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM, not set');
    if (!ssl)
      problems.push(
        'KAFKA_SASL_MECHANISM: needs KAFKA_SSL=true, or the password would cross the network in the clear',
      );
    security.sasl = {
      mechanism: mechanism as (typeof MECHANISMS)[number],
      username,
      password,
    } as SASLOptions;
  }
  if (problems.length > 0) throw new Error(`invalid Kafka security settings:\n${problems.join('\n')}`);
  return security;
}
