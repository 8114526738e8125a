// `pnpm replay-dlq <topic> [--group <consumer group>] [--dry-run]`: re-drives the records parked on
// `<topic>.dlq` back onto `<topic>` after the cause is fixed. Prints progress as it goes.
import { parseArgs } from 'node:util';
import { createLogger } from '@huimin/kit';
import { createKafkaClient } from '../client.ts';
import { replayDlq } from '../replay-dlq.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { group: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
});
const [topic] = positionals;
if (!topic || positionals.length !== 1) {
  console.error('usage: pnpm replay-dlq <topic> [--group <consumer group>] [--dry-run]');
  process.exit(2);
}
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const logger = createLogger({ name: 'replay-dlq', level: 'warn' });
const kafka = createKafkaClient({ brokers, clientId: 'huimin-replay-dlq', logger });
let lastReport = 0;
const report = await replayDlq({
  kafka,
  topic,
  logger,
  dryRun: values['dry-run'],
  ...(values.group ? { group: values.group } : {}),
  onProgress: (done, total) => {
    if (done === total || Date.now() - lastReport > 1000) {
      lastReport = Date.now();
      process.stderr.write(`\r${done}/${total} records`);
    }
  },
});
process.stderr.write('\n');
const verb = values['dry-run'] ? 'would replay' : 'replayed';
console.log(`${topic}.dlq: ${verb} ${report.replayed}, skipped ${report.skipped} (other groups)`);
