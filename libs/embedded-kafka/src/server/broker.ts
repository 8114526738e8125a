import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { checkTopicName, type FsyncPolicy, LogManager } from '../log/log-manager.ts';
import { DEFAULT_LOG_DEFAULTS, type LogDefaults } from '../log/topic-config.ts';
import { createProducerStateStore } from '../producers/index.ts';
import type { ApiHandler, BrokerServices, BrokerSettings, Clock } from '../protocol/api.ts';
import type { CoreBroker } from '../protocol/core-broker.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { createRegistry } from '../protocol/registry.ts';
import { Connection } from './connection.ts';
import { lockDataDir } from './data-dir-lock.ts';

export interface BrokerOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Host clients are told to connect to (default: `host`). */
  advertisedHost?: string;
  /** Port clients are told to connect to (default: the port listened on). */
  advertisedPort?: number;
  /** Where topics and their logs live; created if missing. */
  dataDir: string;
  /** Create unknown topics on Metadata and Produce (default true). */
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics and of CreateTopics with -1 (default 6). */
  defaultPartitions?: number;
  /** Largest request accepted; bigger ones close the connection (default 100 MiB). */
  maxRequestBytes?: number;
  /** 'always': fsync before acking; 'interval' (default): fsync every `fsyncIntervalMs`. */
  fsync?: FsyncPolicy;
  /** Period of the background fsync under the 'interval' policy (default 1000 ms). */
  fsyncIntervalMs?: number;
  /** How often retention deletes old segments (default 60 s). */
  retentionCheckIntervalMs?: number;
  /** Broker-wide defaults for topic configs (retention, segment size, max message size). */
  logDefaults?: Partial<LogDefaults>;
  /** Kafka's group.initial.rebalance.delay.ms (default 0: a new group's first member starts at once). */
  groupInitialRebalanceDelayMs?: number;
  /** Node id reported in Metadata (default 0). */
  nodeId?: number;
  logger?: Logger;
  clock?: Clock;
  /** Extra API handlers (tests, experiments); they must not reuse a served API key. */
  extraHandlers?: ApiHandler[];
}

export interface RunningBroker {
  /** Port actually listened on. */
  port: number;
  host: string;
  /** Bootstrap string for clients: "advertisedHost:port". */
  brokers: string;
  /** Stops accepting, closes connections, syncs and closes the log. Safe to call twice. */
  close(): Promise<void>;
}

/** How long a closing broker waits for responses to requests it already read. */
const CLOSE_GRACE_MS = 2000;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

/**
 * Starts a single-node Kafka-protocol broker on `dataDir`: recovers the log (truncating any
 * torn tail), then listens. Resolves once it accepts connections.
 */
export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const logger = options.logger ?? pino({ name: 'embedded-kafka', level: process.env.LOG_LEVEL ?? 'info' });
  const clock = options.clock ?? systemClock;
  const host = options.host ?? '127.0.0.1';
  const dataDir = path.resolve(options.dataDir);
  const settings: BrokerSettings = {
    nodeId: options.nodeId ?? 0,
    advertisedHost: options.advertisedHost ?? host,
    advertisedPort: options.advertisedPort ?? options.port ?? 0,
    autoCreateTopics: options.autoCreateTopics ?? true,
    defaultPartitions: options.defaultPartitions ?? 6,
    maxRequestBytes: options.maxRequestBytes ?? 100 * 1024 * 1024,
    groupInitialRebalanceDelayMs: options.groupInitialRebalanceDelayMs ?? 0,
  };
  if (!Number.isInteger(settings.defaultPartitions) || settings.defaultPartitions < 1) {
    throw new Error(`defaultPartitions must be a positive integer, got ${settings.defaultPartitions}`);
  }
  const fsyncPolicy = options.fsync ?? 'interval';

  fs.mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  let log: LogManager;
  try {
    log = LogManager.open({
      dataDir,
      defaults: { ...DEFAULT_LOG_DEFAULTS, ...options.logDefaults },
      fsync: fsyncPolicy,
      fsyncIntervalMs: options.fsyncIntervalMs ?? 1000,
      retentionCheckIntervalMs: options.retentionCheckIntervalMs ?? 60_000,
      clock,
      logger,
    });
  } catch (err: unknown) {
    unlock();
    throw err;
  }

  const slots = new Map<string, unknown>();
  const closeHooks: Array<() => void | Promise<void>> = [];
  const base: Omit<BrokerServices, 'producers'> = {
    settings,
    dataDir,
    logger,
    clock,
    topics: log,
    slot<T>(key: string, create: () => T): T {
      if (!slots.has(key)) slots.set(key, create());
      return slots.get(key) as T;
    },
    onClose(hook) {
      closeHooks.push(hook);
    },
  };
  let services: BrokerServices;
  try {
    const producers = await createProducerStateStore(base);
    services = Object.assign(base, { producers });
    for (const p of log.partitions()) {
      for (const header of p.recoveredProducerBatches) {
        producers.restore?.(p.topic, p.partition, header, header.baseOffset);
      }
      p.recoveredProducerBatches = [];
    }
  } catch (err: unknown) {
    await log.close();
    unlock();
    throw err;
  }

  const closing = new AbortController();
  const core: CoreBroker = {
    services,
    log,
    fsync: fsyncPolicy,
    closing: closing.signal,
    resolveTopic(name, allowAutoCreate) {
      const existing = log.get(name);
      if (existing) return existing;
      const bad = checkTopicName(name);
      if (bad) return bad;
      if (!settings.autoCreateTopics || !allowAutoCreate) {
        return { code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message: `Unknown topic ${name}` };
      }
      return log.createTopic(name, settings.defaultPartitions, {});
    },
  };
  const registry = createRegistry(core, options.extraHandlers);

  const connections = new Set<Connection>();
  let nextConnectionId = 1;
  const server = net.createServer((socket) => {
    const id = nextConnectionId++;
    const connection = new Connection({
      id,
      socket,
      registry,
      broker: services,
      maxRequestBytes: settings.maxRequestBytes,
      logger: logger.child({ connectionId: id }),
    });
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
  });
  server.on('error', (err) => logger.error({ err }, 'server error'));

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err: unknown) {
    await log.close();
    unlock();
    throw err;
  }
  const address = server.address() as net.AddressInfo;
  if (options.advertisedPort === undefined) settings.advertisedPort = address.port;
  log.startMaintenance();
  logger.info(
    {
      host,
      port: address.port,
      advertised: `${settings.advertisedHost}:${settings.advertisedPort}`,
      dataDir,
    },
    'embedded kafka listening',
  );

  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing.abort();
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Long polls were released by `closing`; answer what was already read, then hang up.
      await Promise.all([...connections].map((c) => c.shutdown(CLOSE_GRACE_MS)));
      await serverClosed;
      for (const hook of closeHooks) {
        try {
          await hook();
        } catch (err: unknown) {
          logger.error({ err }, 'close hook failed');
        }
      }
      await log.close();
      unlock();
      logger.info({ dataDir }, 'embedded kafka stopped');
    })();
    return closed;
  };

  return {
    port: address.port,
    host,
    brokers: `${settings.advertisedHost}:${settings.advertisedPort}`,
    close,
  };
}
