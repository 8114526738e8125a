import type { Logger } from 'pino';
import type { ProducerStateStore } from '../producers/types.ts';
import type { Reader } from './reader.ts';
import type { Writer } from './writer.ts';

/**
 * The handler contract: one object per Kafka API.
 *
 * The connection parses the request header, picks the handler by apiKey, checks the version
 * against [minVersion, maxVersion] and hands it a Reader positioned at the request body. The
 * handler returns a function that writes the response BODY (the connection writes the size and
 * the response header), or null for no response at all (Produce with acks=0).
 *
 * A handler that throws (e.g. MalformedRequestError from the Reader) makes the connection close,
 * as Kafka does with a request it cannot parse; other connections are unaffected.
 */
export interface ApiHandler {
  apiKey: number;
  name: string;
  minVersion: number;
  maxVersion: number;
  /** First flexible version (request header v2, response header v1, compact types); omit if none. */
  flexibleFrom?: number;
  handle(ctx: RequestContext, reader: Reader, version: number): Promise<ResponseBody | null>;
}

export type ResponseBody = (w: Writer) => void;

export interface RequestContext {
  broker: BrokerServices;
  /** Unique per connection for the life of the broker; useful as a log field and a map key. */
  connectionId: number;
  clientId: string | null;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** The client's IP address (DescribeGroups shows it as a member's client host). */
  clientHost?: string;
  /** Child logger carrying the connection id and client id. */
  logger: Logger;
}

/** Time and timers, injected so tests and the group coordinator can rely on one clock. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. Timers never keep the process alive. */
  setTimer(ms: number, fn: () => void): () => void;
}

export interface TopicInfo {
  name: string;
  partitions: number;
  /** Topic configs as given at creation (e.g. retention.ms, cleanup.policy). */
  configs: Readonly<Record<string, string>>;
}

export interface PartitionOffsets {
  /** First offset still stored (moves forward when retention deletes segments). */
  logStartOffset: number;
  /** Offset the next appended record gets; also the high watermark (single node). */
  logEndOffset: number;
}

/** Read-only view of topics and their partitions. */
export interface TopicCatalog {
  list(): TopicInfo[];
  get(name: string): TopicInfo | undefined;
  /** undefined when the topic or partition does not exist. */
  offsets(topic: string, partition: number): PartitionOffsets | undefined;
}

/** Broker settings visible to handlers. */
export interface BrokerSettings {
  nodeId: number;
  /** host:port clients are told to connect to (Metadata, FindCoordinator). */
  advertisedHost: string;
  advertisedPort: number;
  autoCreateTopics: boolean;
  defaultPartitions: number;
  maxRequestBytes: number;
  /** Kafka's group.initial.rebalance.delay.ms for new groups; 0 when absent (no delay). */
  groupInitialRebalanceDelayMs?: number;
}

/**
 * What a handler may use of the running broker (`ctx.broker`). One instance per started
 * broker: several brokers may run in one process (tests), so handler modules keep no state
 * of their own at module level — they put it in a `slot`.
 */
export interface BrokerServices {
  readonly settings: BrokerSettings;
  /** The broker's data directory; the groups and producers modules keep their files below it. */
  readonly dataDir: string;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly topics: TopicCatalog;
  /** Idempotent-producer sequence state, consulted by the Produce handler. */
  readonly producers: ProducerStateStore;
  /**
   * Per-broker state for a module: returns the value stored under `key`, creating it with
   * `create` on first use (e.g. `ctx.broker.slot('groups', () => createGroupCoordinator(ctx.broker))`).
   */
  slot<T>(key: string, create: () => T): T;
  /** Registers work to run when the broker closes (cancel timers, flush files), before the log closes. */
  onClose(hook: () => void | Promise<void>): void;
}
