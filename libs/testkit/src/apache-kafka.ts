// Apache Kafka itself, run from its Maven Central jars (infra/kafka/pom.xml) as N combined
// broker+controller KRaft nodes on loopback: for `pnpm kafka:apache` and `pnpm test:apache-kafka`.
//
// The broker settings below are the ONE source of what our Kafka runs with: the nodes started here
// get them as server.properties, and docker-compose's KAFKA_* variables must render to the same
// (tools/deploy-check checks it), so compose cannot drift from what the tests proved.
//
// A cluster lives in a directory (cluster.json, and per node its server.properties, data, log and
// pid file), so any process — the runner, a test worker — can kill, stop and restart its nodes.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const pomPath = join(repoRoot, 'infra', 'kafka', 'pom.xml');

/** The pinned Apache Kafka version: infra/kafka/pom.xml's `kafka.version` (compose's image tag matches it). */
export function apacheKafkaVersion(pom: string = readFileSync(pomPath, 'utf8')): string {
  const version = pom.match(/<kafka\.version>([^<]+)<\/kafka\.version>/)?.[1];
  if (!version) throw new Error('infra/kafka/pom.xml names no kafka.version');
  return version;
}

/**
 * The KRaft cluster id every cluster of ours is formatted with, compose's included: a base64url
 * UUID (16 bytes), generated once. `kafka-storage format` refuses anything else.
 */
export const CLUSTER_ID = 'kbRiR9wqGmAx1BKC32IAXQ';

/** JVM options for one node sized for a 2-core machine: a small heap, the serial collector, C1 only. */
export const KAFKA_HEAP_OPTS = '-Xms128m -Xmx320m';
export const KAFKA_JVM_PERFORMANCE_OPTS =
  '-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true';

/**
 * Cluster-wide broker settings for a cluster of `nodes` combined broker+controller nodes. What each
 * node adds (its id, listeners, voters, data dir) comes from nodeProperties().
 */
export function clusterSettings(nodes: number): Record<string, string> {
  const replicas = Math.min(nodes, 3);
  const minIsr = replicas >= 3 ? 2 : 1;
  return {
    'process.roles': 'broker,controller',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'INTERNAL',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT',
    // Production's durability: every topic on three brokers, an acknowledged write on two.
    'default.replication.factor': String(replicas),
    'min.insync.replicas': String(minIsr),
    'offsets.topic.replication.factor': String(replicas),
    'transaction.state.log.replication.factor': String(replicas),
    'transaction.state.log.min.isr': String(minIsr),
    // Topics come from libs/contracts (`pnpm topics:create`); nothing relies on auto-create.
    'auto.create.topics.enable': 'false',
    // The platform has about a dozen consumer groups and no transactions: small internal topics
    // (50 partitions each by default) keep a node's memory, file handles and start-up short.
    'offsets.topic.num.partitions': '10',
    'transaction.state.log.num.partitions': '3',
    // Each service instance is one group member: there is nothing to wait for before the first
    // rebalance.
    'group.initial.rebalance.delay.ms': '0',
    // A busy CPU (two cores, GC pauses) must not cost the controller quorum its leader: three
    // times the default election and fetch timeouts. A broker that stops heartbeating is fenced
    // (and its partitions' leadership moves) after the session timeout, which bounds the stall a
    // killed broker costs.
    'controller.quorum.election.timeout.ms': '3000',
    'controller.quorum.fetch.timeout.ms': '6000',
    'broker.heartbeat.interval.ms': '1000',
    'broker.session.timeout.ms': '9000',
    // Consumers may choose session timeouts down to this (libs/kafka uses 10 s).
    'group.min.session.timeout.ms': '6000',
  };
}

export interface NodeAddress {
  id: number;
  /** The client (INTERNAL) port. */
  port: number;
  controllerPort: number;
}

/** The per-node settings of a node of a loopback cluster. */
export function nodeProperties(
  node: NodeAddress,
  all: NodeAddress[],
  dataDir: string,
): Record<string, string> {
  return {
    'node.id': String(node.id),
    'controller.quorum.voters': all.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(','),
    listeners: `INTERNAL://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    'advertised.listeners': `INTERNAL://127.0.0.1:${node.port}`,
    'log.dirs': dataDir,
  };
}

export function renderProperties(properties: Record<string, string>): string {
  return `${Object.entries(properties)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/**
 * What a `KAFKA_*` variable of the apache/kafka image becomes in its server.properties: the prefix
 * dropped, lower case, `___` → `-`, `__` → `_`, `_` → `.` (the image's own rendering rule).
 */
export function propertyOfImageVariable(variable: string): string | undefined {
  if (!variable.startsWith('KAFKA_')) return undefined;
  return variable
    .slice('KAFKA_'.length)
    .toLowerCase()
    .replaceAll('___', '\u0000')
    .replaceAll('__', '\u0001')
    .replaceAll('_', '.')
    .replaceAll('\u0000', '-')
    .replaceAll('\u0001', '_');
}

// ---------------------------------------------------------------------------------------------
// The jars

export interface ToolCheck {
  ok: boolean;
  /** One line saying what is missing and how to install it. */
  hint?: string;
}

/** Java 17+ and Maven, which the Apache Kafka runs need. */
export function checkJavaAndMaven(): ToolCheck {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  const javaMajor = Number((java.stderr ?? '').match(/version "(\d+)/)?.[1] ?? 0);
  const missing: string[] = [];
  if (java.error || javaMajor < 17) missing.push('Java 17+');
  if (mvn.error || mvn.status !== 0) missing.push('Maven');
  if (missing.length === 0) return { ok: true };
  return {
    ok: false,
    hint: `Apache Kafka runs need ${missing.join(' and ')}: apt-get install -y openjdk-17-jre-headless maven`,
  };
}

/**
 * The Apache Kafka jars of the pinned version, copied by Maven (from Maven Central, through the
 * local repository) into `.data/apache-kafka/<version>/libs` once and reused after.
 */
export function resolveKafkaJars(log: (line: string) => void = () => {}): string {
  const version = apacheKafkaVersion();
  const libs = join(repoRoot, '.data', 'apache-kafka', version, 'libs');
  const marker = join(libs, '.complete');
  if (existsSync(marker)) return libs;
  log(`resolving Apache Kafka ${version} with Maven (infra/kafka/pom.xml)…`);
  rmSync(libs, { recursive: true, force: true });
  const result = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      pomPath,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${libs}`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.status !== 0)
    throw new Error(`mvn could not resolve Apache Kafka ${version}:\n${result.stdout}\n${result.stderr}`);
  writeFileSync(marker, `${version}\n`);
  return libs;
}

// ---------------------------------------------------------------------------------------------
// A cluster

interface ClusterFile {
  version: string;
  clusterId: string;
  libs: string;
  nodes: NodeAddress[];
}

const LOG4J2 = `status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = out
logger.state.name = state.change.logger
logger.state.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state field follows the command name in parentheses; a zombie has exited already.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export interface CreateClusterOptions {
  /** Where the cluster lives; created (and, with `fresh`, wiped) here. */
  dir: string;
  brokers: number;
  /** Client ports are basePort, basePort+1, …; controller ports basePort+100, …. */
  basePort: number;
  fresh?: boolean;
  log?: (line: string) => void;
}

/** A loopback Apache Kafka cluster kept in a directory. */
export class ApacheKafkaCluster {
  readonly dir: string;
  private readonly file: ClusterFile;

  private constructor(dir: string, file: ClusterFile) {
    this.dir = dir;
    this.file = file;
  }

  /** The cluster in `dir`, as a previous create() left it (any process may open it). */
  static open(dir: string): ApacheKafkaCluster {
    const file = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as ClusterFile;
    return new ApacheKafkaCluster(dir, file);
  }

  /**
   * Writes every node's server.properties and formats its storage (once: a formatted cluster of
   * the same shape is reused unless `fresh`).
   */
  static create(options: CreateClusterOptions): ApacheKafkaCluster {
    const log = options.log ?? (() => {});
    const libs = resolveKafkaJars(log);
    const version = apacheKafkaVersion();
    const nodes: NodeAddress[] = Array.from({ length: options.brokers }, (_, i) => ({
      id: i + 1,
      port: options.basePort + i,
      controllerPort: options.basePort + 100 + i,
    }));
    const file: ClusterFile = { version, clusterId: CLUSTER_ID, libs, nodes };
    const clusterJson = join(options.dir, 'cluster.json');
    if (!options.fresh && existsSync(clusterJson)) {
      const before = JSON.parse(readFileSync(clusterJson, 'utf8')) as ClusterFile;
      if (JSON.stringify(before.nodes) !== JSON.stringify(nodes) || before.version !== version) {
        throw new Error(
          `${options.dir} holds a different cluster (${before.nodes.length} nodes, Kafka ${before.version}); use --fresh`,
        );
      }
    }
    if (options.fresh) rmSync(options.dir, { recursive: true, force: true });
    mkdirSync(options.dir, { recursive: true });
    writeFileSync(join(options.dir, 'log4j2.properties'), LOG4J2);
    const cluster = new ApacheKafkaCluster(options.dir, file);
    const formatting: { id: number; done: ReturnType<typeof spawnSync> }[] = [];
    for (const node of nodes) {
      const nodeDir = cluster.nodeDir(node.id);
      mkdirSync(nodeDir, { recursive: true });
      const properties = {
        ...clusterSettings(nodes.length),
        ...nodeProperties(node, nodes, join(nodeDir, 'data')),
      };
      writeFileSync(join(nodeDir, 'server.properties'), renderProperties(properties));
      if (existsSync(join(nodeDir, 'data', 'meta.properties'))) continue;
      log(`formatting node ${node.id} (cluster id ${CLUSTER_ID})`);
      formatting.push({
        id: node.id,
        done: spawnSync(
          'java',
          [
            ...cluster.jvmOptions(),
            '-cp',
            join(libs, '*'),
            'kafka.tools.StorageTool',
            'format',
            '--cluster-id',
            CLUSTER_ID,
            '--config',
            join(nodeDir, 'server.properties'),
            '--ignore-formatted',
          ],
          { encoding: 'utf8' },
        ),
      });
    }
    for (const { id, done } of formatting)
      if (done.status !== 0) throw new Error(`formatting node ${id} failed:\n${done.stdout}\n${done.stderr}`);
    writeFileSync(clusterJson, `${JSON.stringify(file, null, 2)}\n`);
    return cluster;
  }

  get version(): string {
    return this.file.version;
  }

  get nodes(): readonly NodeAddress[] {
    return this.file.nodes;
  }

  /** The bootstrap list for KAFKA_BROKERS. */
  get bootstrap(): string {
    return this.file.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  nodeDir(id: number): string {
    return join(this.dir, `node-${id}`);
  }

  logFile(id: number): string {
    return join(this.nodeDir(id), 'kafka.log');
  }

  properties(id: number): Record<string, string> {
    const text = readFileSync(join(this.nodeDir(id), 'server.properties'), 'utf8');
    return Object.fromEntries(
      text
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  }

  private jvmOptions(): string[] {
    return [
      ...KAFKA_HEAP_OPTS.split(' '),
      ...KAFKA_JVM_PERFORMANCE_OPTS.split(' '),
      `-Dlog4j2.configurationFile=${join(this.dir, 'log4j2.properties')}`,
    ];
  }

  pid(id: number): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.nodeDir(id), 'pid'), 'utf8'));
      if (!alive(pid)) return undefined;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return cmdline.includes(join(this.nodeDir(id), 'server.properties')) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  running(id: number): boolean {
    return this.pid(id) !== undefined;
  }

  /** Starts a node (`java -cp <libs>/* kafka.Kafka server.properties`), detached, its output to its log. */
  startNode(id: number): void {
    if (this.running(id)) return;
    const out = openSync(this.logFile(id), 'a');
    const proc = spawn(
      'java',
      [
        ...this.jvmOptions(),
        '-cp',
        join(this.file.libs, '*'),
        'kafka.Kafka',
        join(this.nodeDir(id), 'server.properties'),
      ],
      { detached: true, stdio: ['ignore', out, out] },
    );
    proc.unref();
    writeFileSync(join(this.nodeDir(id), 'pid'), String(proc.pid));
  }

  /** kill -9: no controlled shutdown, as a machine or a container dies. */
  async killNode(id: number): Promise<void> {
    const pid = this.pid(id);
    if (pid === undefined) return;
    process.kill(pid, 'SIGKILL');
    await waitFor(`node ${id} to die`, async () => !alive(pid), 10_000);
  }

  /** SIGTERM: a controlled shutdown (the node hands its leaderships over first). */
  async stopNode(id: number, timeoutMs = 60_000): Promise<void> {
    const pid = this.pid(id);
    if (pid === undefined) return;
    process.kill(pid, 'SIGTERM');
    try {
      await waitFor(`node ${id} to stop`, async () => !alive(pid), timeoutMs);
    } catch {
      process.kill(pid, 'SIGKILL');
      await waitFor(`node ${id} to die`, async () => !alive(pid), 10_000);
    }
  }

  async start(timeoutMs = 120_000): Promise<void> {
    for (const node of this.nodes) this.startNode(node.id);
    await this.waitReady(timeoutMs);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => this.stopNode(node.id)));
  }

  private admin(ports: number[]) {
    return new Kafka({
      clientId: 'apache-kafka-cluster',
      brokers: ports.map((port) => `127.0.0.1:${port}`),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 2000,
      requestTimeout: 5000,
      retry: { retries: 0 },
    }).admin();
  }

  /** The broker ids the node at `port` sees registered and unfenced. */
  async registeredBrokers(port: number): Promise<number[]> {
    const admin = this.admin([port]);
    try {
      await admin.connect();
      const { brokers } = await admin.describeCluster();
      return brokers.map((b) => b.nodeId).sort((a, b) => a - b);
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  /**
   * Until there is a controller quorum and every running node is a registered broker, as every
   * running node sees it. (A broker registers with the active controller, and is unfenced by
   * it, through the quorum: all brokers listed means the quorum has a leader that took their
   * registrations.)
   */
  async waitReady(timeoutMs = 120_000): Promise<void> {
    const running = this.nodes.filter((n) => this.running(n.id));
    const want = running.map((n) => n.id).join(',');
    await waitFor(
      `brokers ${want} to register with the controller quorum`,
      async () => {
        for (const node of running) {
          if (!this.running(node.id)) throw new Error(`node ${node.id} exited; see ${this.logFile(node.id)}`);
          if ((await this.registeredBrokers(node.port)).join(',') !== want) return false;
        }
        return true;
      },
      timeoutMs,
    );
  }

  /** Until node `id` is back in the in-sync replicas of every partition it holds. */
  async waitInSync(id: number, timeoutMs = 120_000): Promise<void> {
    const others = this.nodes.filter((n) => this.running(n.id)).map((n) => n.port);
    await waitFor(
      `node ${id} to catch up`,
      async () => {
        const admin = this.admin(others);
        try {
          await admin.connect();
          const { topics } = await admin.fetchTopicMetadata();
          return topics.every((t) =>
            t.partitions.every((p) => !p.replicas.includes(id) || p.isr.includes(id)),
          );
        } finally {
          await admin.disconnect().catch(() => {});
        }
      },
      timeoutMs,
    );
  }

  /** Restarts a node that was killed or stopped and waits until it is registered and caught up. */
  async restartNode(id: number, timeoutMs = 120_000): Promise<void> {
    this.startNode(id);
    await this.waitReady(timeoutMs);
    await this.waitInSync(id, timeoutMs);
  }

  /** A rolling restart: one node at a time stopped (controlled), started, and caught up. */
  async rollingRestart(onNode?: (id: number) => void): Promise<void> {
    for (const node of this.nodes) {
      onNode?.(node.id);
      await this.stopNode(node.id);
      await this.restartNode(node.id);
    }
  }
}
