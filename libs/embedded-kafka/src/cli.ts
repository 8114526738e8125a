// The embedded broker as a process: `pnpm kafka` from the repository root, or
// `node src/cli.ts --port 9092 --data-dir .data/kafka` here.
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { FsyncPolicy } from './log/log-manager.ts';
import { startBroker } from './server/broker.ts';

const usage = `Usage: node src/cli.ts [options]
  --port <n>               port to listen on (default 9092; 0 picks a free one)
  --host <addr>            address to listen on (default 127.0.0.1)
  --advertised-host <h>    host clients are told to connect to (default: --host)
  --data-dir <dir>         where topics live (default .data/kafka; relative to where pnpm was run)
  --partitions <n>         partitions of auto-created topics (default 6)
  --no-auto-create         do not create unknown topics on Metadata/Produce
  --fsync <policy>         interval (default) or always
  --fsync-interval-ms <n>  background fsync period under --fsync interval (default 1000)
  --max-request-bytes <n>  largest request accepted (default 104857600)
  --log-level <level>      pino level (default info, or LOG_LEVEL)
  --help`;

// `pnpm kafka -- --port 9093` forwards the `--` too; it separates nothing here.
const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));

const { values } = parseArgs({
  args,
  options: {
    port: { type: 'string', default: '9092' },
    host: { type: 'string', default: '127.0.0.1' },
    'advertised-host': { type: 'string' },
    'data-dir': { type: 'string', default: '.data/kafka' },
    partitions: { type: 'string', default: '6' },
    'no-auto-create': { type: 'boolean', default: false },
    fsync: { type: 'string', default: 'interval' },
    'fsync-interval-ms': { type: 'string', default: '1000' },
    'max-request-bytes': { type: 'string', default: String(100 * 1024 * 1024) },
    'log-level': { type: 'string', default: process.env.LOG_LEVEL ?? 'info' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(usage);
  process.exit(0);
}

const logger = pino({ name: 'embedded-kafka', level: values['log-level'] });

function integer(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer >= ${min}, got ${value}\n\n${usage}`);
    process.exit(2);
  }
  return n;
}

const fsync = values.fsync as FsyncPolicy;
if (fsync !== 'interval' && fsync !== 'always') {
  console.error(`--fsync must be interval or always, got ${values.fsync}\n\n${usage}`);
  process.exit(2);
}

// `pnpm --filter` runs scripts in the package directory; a relative --data-dir means relative
// to where the user ran pnpm (INIT_CWD), e.g. the repository root for `pnpm kafka`.
const dataDir = path.resolve(process.env.INIT_CWD || process.cwd(), values['data-dir']);

try {
  const broker = await startBroker({
    port: integer('port', values.port, 0),
    host: values.host,
    advertisedHost: values['advertised-host'],
    dataDir,
    defaultPartitions: integer('partitions', values.partitions, 1),
    autoCreateTopics: !values['no-auto-create'],
    fsync,
    fsyncIntervalMs: integer('fsync-interval-ms', values['fsync-interval-ms'], 1),
    maxRequestBytes: integer('max-request-bytes', values['max-request-bytes'], 1024),
    logger,
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without a clean stop');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    broker.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (err: unknown) {
  logger.fatal({ err }, 'embedded kafka failed to start');
  process.exit(1);
}
