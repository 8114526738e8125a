// One risk instance as a child process of the risk benchmark (its own event loop and its own CPU
// and memory figures): the pipeline main.ts runs, on the bench's scratch schema. Prints a JSON line
// once consuming; stops gracefully on SIGTERM.
import { createKafkaClient, createProducer, createPublisher } from '@huimin/kafka';
import { createLogger } from '@huimin/kit';
import { createPool } from '@huimin/pg';
import { startRiskPipeline } from '../../services/risk/src/pipeline.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};
const schema = env('BENCH_SCHEMA');
const databaseUrl = env('DATABASE_URL');
const logger = createLogger({ name: 'bench-risk-instance', level: 'warn' });
const kafka = createKafkaClient({ brokers: env('KAFKA_BROKERS'), clientId: 'bench-risk', logger });
const pool = createPool({ connectionString: databaseUrl, schema, max: 10, logger });
const producer = createProducer(kafka);
await producer.connect();
const stop = await startRiskPipeline({
  kafka,
  pool,
  logger,
  schema,
  publisher: createPublisher({ producer }),
  connectionString: databaseUrl,
  now: () => new Date('2025-03-03T02:00:00Z'),
  batchSize: Number(env('BENCH_BATCH')),
  pollMs: 200,
  partitionsConsumedConcurrently: 3,
  groupSuffix: { router: env('ROUTER_SUFFIX'), join: env('JOIN_SUFFIX') },
});
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
process.on('SIGTERM', () => {
  stop()
    .then(() => producer.disconnect())
    .then(() => pool.end())
    .then(() => process.exit(0));
});
