import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Clock, PartitionOffsets, TopicCatalog, TopicInfo } from '../protocol/api.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { PartitionLog } from './partition-log.ts';
import {
  type LogDefaults,
  resolveTopicConfig,
  type TopicConfig,
  validateTopicConfigs,
} from './topic-config.ts';

/**
 * - `always`: fsync before a produce is acknowledged (acks 1/-1): an acknowledged record
 *   survives power loss.
 * - `interval`: data is written to the OS before the ack (survives a crash of the broker
 *   process) and fsynced every `fsyncIntervalMs` (power loss may lose up to that much).
 */
export type FsyncPolicy = 'always' | 'interval';

export interface LogManagerOptions {
  dataDir: string;
  defaults: LogDefaults;
  fsync: FsyncPolicy;
  fsyncIntervalMs: number;
  retentionCheckIntervalMs: number;
  clock: Clock;
  logger: Logger;
}

export type TopicProblem = { code: number; message: string };

interface TopicState {
  info: TopicInfo;
  config: TopicConfig;
  partitions: PartitionLog[];
}

interface TopicFile {
  name: string;
  topicId: string;
  partitions: number;
  configs: Record<string, string>;
  createdAt: number;
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const MAX_PARTITIONS = 10_000;

/**
 * All topics of the broker and their partition logs, on disk under `<dataDir>/topics/<name>/`:
 * `topic.json` (name, partition count, configs) and one directory per partition. A topic is
 * created by writing its partitions first and `topic.json` last (atomically), so a directory
 * without `topic.json` after a crash is an unfinished creation and is removed at start.
 */
export class LogManager implements TopicCatalog {
  private readonly topics = new Map<string, TopicState>();
  private readonly options: LogManagerOptions;
  private readonly topicsDir: string;
  private readonly trashDir: string;
  private readonly cancelTimers: Array<() => void> = [];
  private readonly deleting = new Set<Promise<void>>();
  private closed = false;

  private constructor(options: LogManagerOptions) {
    this.options = options;
    this.topicsDir = path.join(options.dataDir, 'topics');
    this.trashDir = path.join(options.dataDir, 'trash');
  }

  /** Loads and recovers every topic in the data directory. */
  static open(options: LogManagerOptions): LogManager {
    const m = new LogManager(options);
    fs.mkdirSync(m.topicsDir, { recursive: true });
    fs.rmSync(m.trashDir, { recursive: true, force: true });
    const now = options.clock.now();
    for (const name of fs.readdirSync(m.topicsDir)) {
      const dir = path.join(m.topicsDir, name);
      let file: TopicFile;
      try {
        file = JSON.parse(fs.readFileSync(path.join(dir, 'topic.json'), 'utf8')) as TopicFile;
      } catch {
        options.logger.warn({ topic: name }, 'removing unfinished topic directory');
        fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      const config = resolveTopicConfig(file.configs, options.defaults);
      const partitions: PartitionLog[] = [];
      for (let p = 0; p < file.partitions; p++) {
        const pdir = path.join(dir, String(p));
        partitions.push(
          fs.existsSync(pdir)
            ? PartitionLog.open(pdir, file.name, p, config, now, options.logger)
            : PartitionLog.create(pdir, file.name, p, config, now, options.logger),
        );
      }
      m.topics.set(file.name, {
        info: { name: file.name, partitions: file.partitions, configs: file.configs },
        config,
        partitions,
      });
    }
    return m;
  }

  /** Starts the periodic fsync (interval policy) and retention checks. */
  startMaintenance(): void {
    const { clock, fsync, fsyncIntervalMs, retentionCheckIntervalMs, logger } = this.options;
    const every = (ms: number, task: () => Promise<void> | void): void => {
      let cancel = (): void => {};
      const tick = (): void => {
        Promise.resolve()
          .then(task)
          .catch((err: unknown) => logger.error({ err }, 'log maintenance failed'))
          .finally(() => {
            if (!this.closed) cancel = clock.setTimer(ms, tick);
          });
      };
      cancel = clock.setTimer(ms, tick);
      this.cancelTimers.push(() => cancel());
    };
    if (fsync === 'interval') every(fsyncIntervalMs, () => this.syncAll());
    every(retentionCheckIntervalMs, () => this.applyRetention());
  }

  list(): TopicInfo[] {
    return [...this.topics.values()].map((t) => t.info);
  }

  get(name: string): TopicInfo | undefined {
    return this.topics.get(name)?.info;
  }

  offsets(topic: string, partition: number): PartitionOffsets | undefined {
    const p = this.partition(topic, partition);
    return p ? { logStartOffset: p.logStartOffset, logEndOffset: p.logEndOffset } : undefined;
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  partitions(): PartitionLog[] {
    return [...this.topics.values()].flatMap((t) => t.partitions);
  }

  /** Why a topic with this name and shape cannot be created, or null when it can. */
  checkNewTopic(
    name: string,
    partitions: number,
    configs: Readonly<Record<string, string>>,
  ): TopicProblem | null {
    const nameProblem = checkTopicName(name);
    if (nameProblem) return nameProblem;
    if (this.topics.has(name)) {
      return { code: ErrorCode.TOPIC_ALREADY_EXISTS, message: `Topic '${name}' already exists.` };
    }
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
      return {
        code: ErrorCode.INVALID_PARTITIONS,
        message: `Number of partitions must be between 1 and ${MAX_PARTITIONS}.`,
      };
    }
    const configProblem = validateTopicConfigs(configs);
    if (configProblem) return { code: ErrorCode.INVALID_CONFIG, message: configProblem };
    return null;
  }

  /** Creates a topic; the caller has checked it with `checkNewTopic`. */
  createTopic(name: string, partitions: number, configs: Readonly<Record<string, string>>): TopicInfo {
    const problem = this.checkNewTopic(name, partitions, configs);
    if (problem) throw new Error(problem.message);
    const { defaults, clock, logger } = this.options;
    const dir = path.join(this.topicsDir, name);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const config = resolveTopicConfig(configs, defaults);
    const now = clock.now();
    const logs: PartitionLog[] = [];
    for (let p = 0; p < partitions; p++) {
      logs.push(PartitionLog.create(path.join(dir, String(p)), name, p, config, now, logger));
    }
    const file: TopicFile = {
      name,
      topicId: randomUUID(),
      partitions,
      configs: { ...configs },
      createdAt: now,
    };
    writeFileAtomic(path.join(dir, 'topic.json'), `${JSON.stringify(file, null, 2)}\n`);
    syncDirSync(this.topicsDir);
    const info: TopicInfo = { name, partitions, configs: file.configs };
    this.topics.set(name, { info, config, partitions: logs });
    logger.info({ topic: name, partitions }, 'topic created');
    return info;
  }

  /** Deletes a topic: it is gone at once; its files are removed in the background. */
  deleteTopic(name: string): boolean {
    const topic = this.topics.get(name);
    if (!topic) return false;
    this.topics.delete(name);
    fs.mkdirSync(this.trashDir, { recursive: true });
    const trash = path.join(this.trashDir, `${name}.${randomUUID()}`);
    const closing = Promise.all(topic.partitions.map((p) => p.close(false)));
    fs.renameSync(path.join(this.topicsDir, name), trash);
    syncDirSync(this.topicsDir);
    const removal: Promise<void> = closing
      .then(() => fs.promises.rm(trash, { recursive: true, force: true }))
      .catch((err: unknown) =>
        this.options.logger.warn({ err, topic: name }, 'removing deleted topic files failed'),
      )
      .finally(() => this.deleting.delete(removal));
    this.deleting.add(removal);
    this.options.logger.info({ topic: name }, 'topic deleted');
    return true;
  }

  /** fsync every partition with unsynced appends. */
  async syncAll(): Promise<void> {
    await Promise.all(this.partitions().map((p) => (p.needsSync ? p.sync() : undefined)));
  }

  applyRetention(): void {
    const now = this.options.clock.now();
    for (const p of this.partitions()) p.applyRetention(now);
  }

  /** Stops maintenance, syncs and closes every partition. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const cancel of this.cancelTimers) cancel();
    await Promise.all(this.partitions().map((p) => p.close(true)));
    await Promise.allSettled([...this.deleting]);
  }
}

/** Kafka's rule for topic names: 1–249 of [a-zA-Z0-9._-], and not "." or "..". */
export function checkTopicName(name: string): TopicProblem | null {
  if (!TOPIC_NAME.test(name) || name === '.' || name === '..') {
    return {
      code: ErrorCode.INVALID_TOPIC_EXCEPTION,
      message: `Topic name "${name.slice(0, 300)}" is illegal: it must be 1-249 characters of [a-zA-Z0-9._-] and not "." or "..".`,
    };
  }
  return null;
}

function writeFileAtomic(file: string, content: string): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  syncDirSync(path.dirname(file));
}

function syncDirSync(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
