// The embedded broker as a child process of the notify benchmark (its own event loop, as in the
// dev stack). Prints its address on stdout, stops on SIGTERM.
import { startBroker } from '../../libs/embedded-kafka/src/index.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: broker.ts <data dir>');
const broker = await startBroker({ port: 0, dataDir, autoCreateTopics: false });
process.stdout.write(`${JSON.stringify({ brokers: broker.brokers })}\n`);
process.on('SIGTERM', () => {
  broker.close().then(() => process.exit(0));
});
