// `pnpm topics:create [--mode dev|prod] [--replication-factor N]`: creates every topic declared in
// libs/contracts (and its dead-letter topic) on the Kafka that KAFKA_BROKERS names. Existing
// topics are left untouched. The dev stack runs this at start.
import { parseArgs } from 'node:util';
import { topics } from '@huimin/contracts';
import { createLogger } from '@huimin/kit';
import { createKafkaClient } from '../client.ts';
import { ensureTopics } from '../topics.ts';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'dev' },
    'replication-factor': { type: 'string', default: '-1' },
  },
});
const mode = values.mode;
if (mode !== 'dev' && mode !== 'prod') {
  console.error(`--mode must be dev or prod, got "${mode}"`);
  process.exit(2);
}
const replicationFactor = Number(values['replication-factor']);
if (!Number.isInteger(replicationFactor) || (replicationFactor < 1 && replicationFactor !== -1)) {
  console.error(
    `--replication-factor must be a positive integer or -1 (broker default), got "${values['replication-factor']}"`,
  );
  process.exit(2);
}
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const logger = createLogger({ name: 'topics', level: 'warn' });
const kafka = createKafkaClient({ brokers, clientId: 'huimin-topics', logger });
const report = await ensureTopics(kafka, { topics: Object.values(topics), mode, replicationFactor, logger });
console.log(
  `topics on ${brokers} (${mode}): ${report.created.length} created, ${report.existing.length} already there` +
    (report.created.length > 0 ? `\n  created: ${report.created.join(', ')}` : ''),
);
