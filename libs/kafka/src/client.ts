import type { Logger } from '@huimin/kit';
import { Kafka, type KafkaConfig, type LogEntry, logLevel } from 'kafkajs';
import { type KafkaSecurity, kafkaSecurityFromEnv } from './security.ts';

export interface KafkaClientOptions {
  /** Bootstrap servers, e.g. `127.0.0.1:9092` or a comma-separated list. */
  brokers: string | string[];
  clientId: string;
  logger: Logger;
  /** kafkajs retry settings for requests (connect, metadata, produce). */
  retry?: KafkaConfig['retry'];
  /** TLS and SASL; by default from KAFKA_SSL / KAFKA_SASL_* in the environment (see security.ts). */
  security?: KafkaSecurity;
}

/**
 * The one place a kafkajs client is built: its log goes through the service's pino logger (so
 * redaction applies), and the connection settings are the same for every service.
 */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const brokers = Array.isArray(options.brokers) ? options.brokers : parseBrokers(options.brokers);
  if (brokers.length === 0) throw new Error('no Kafka brokers given (KAFKA_BROKERS is empty)');
  const log = options.logger.child({ component: 'kafkajs' });
  const security = options.security ?? kafkaSecurityFromEnv();
  return new Kafka({
    ...security,
    clientId: options.clientId,
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    // Retries back off exponentially but never wait more than 2 s between tries: a broker that
    // died is fenced and its partitions led elsewhere within ~9 s, and a client sleeping 12 s
    // before its next try would stall the flow long after (measured: 26 s after a kill -9 with
    // kafkajs's 30 s cap, libs/kafka/test/faults.apache.test.ts). About 23 s of tries in all.
    retry: options.retry ?? { initialRetryTime: 100, maxRetryTime: 2000, retries: 15 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const { message, ...rest } = entry.log;
      const fields = { namespace: entry.namespace, ...rest };
      switch (entry.level) {
        case logLevel.ERROR:
          log.error(fields, message);
          break;
        case logLevel.WARN:
          log.warn(fields, message);
          break;
        case logLevel.INFO:
          log.info(fields, message);
          break;
        default:
          log.debug(fields, message);
      }
    },
  });
}

/** Splits `KAFKA_BROKERS`-style input the way createKafkaClient does. */
export function parseBrokers(value: string): string[] {
  return value
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
}
