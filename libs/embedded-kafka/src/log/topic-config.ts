/** Broker-wide defaults for topic configs a topic does not set. */
export interface LogDefaults {
  retentionMs: number;
  retentionBytes: number;
  segmentBytes: number;
  segmentMs: number;
  maxMessageBytes: number;
}

export const DEFAULT_LOG_DEFAULTS: LogDefaults = {
  retentionMs: 7 * 24 * 3600 * 1000, // Kafka's log.retention.hours=168
  retentionBytes: -1,
  segmentBytes: 64 * 1024 * 1024, // smaller than Kafka's 1 GiB: recovery scans the last segment
  segmentMs: 7 * 24 * 3600 * 1000,
  maxMessageBytes: 1_048_588, // Kafka's message.max.bytes
};

/** A topic's effective settings, from its configs over the broker defaults. */
export interface TopicConfig {
  retentionMs: number;
  retentionBytes: number;
  /**
   * Whether retention deletes old segments: cleanup.policy contains `delete`. A policy of
   * only `compact` keeps everything: the embedded broker does not compact.
   */
  deleteOldSegments: boolean;
  segmentBytes: number;
  segmentMs: number;
  maxMessageBytes: number;
  /** message.timestamp.type=LogAppendTime: the broker stamps batches with its own clock. */
  logAppendTime: boolean;
}

/**
 * Topic config names Kafka knows. All are accepted and persisted (so a topic definition that
 * works against Kafka works here); the ones in `resolveTopicConfig` take effect, the rest are
 * kept for DescribeConfigs-style introspection only.
 */
const KNOWN_CONFIGS = new Set([
  'cleanup.policy',
  'compression.type',
  'delete.retention.ms',
  'file.delete.delay.ms',
  'flush.messages',
  'flush.ms',
  'follower.replication.throttled.replicas',
  'index.interval.bytes',
  'leader.replication.throttled.replicas',
  'local.retention.bytes',
  'local.retention.ms',
  'max.compaction.lag.ms',
  'max.message.bytes',
  'message.downconversion.enable',
  'message.format.version',
  'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.difference.max.ms',
  'message.timestamp.type',
  'min.cleanable.dirty.ratio',
  'min.compaction.lag.ms',
  'min.insync.replicas',
  'preallocate',
  'remote.storage.enable',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.index.bytes',
  'segment.jitter.ms',
  'segment.ms',
  'unclean.leader.election.enable',
]);

const INT32_MAX = 2_147_483_647;

/** Returns why the configs are invalid (Kafka's INVALID_CONFIG), or null when they are fine. */
export function validateTopicConfigs(configs: Readonly<Record<string, string>>): string | null {
  for (const [name, value] of Object.entries(configs)) {
    if (!KNOWN_CONFIGS.has(name)) return `Unknown topic config name: ${name}`;
    const problem = checkValue(name, value);
    if (problem) return `Invalid value ${value} for configuration ${name}: ${problem}`;
  }
  return null;
}

function checkValue(name: string, value: string): string | null {
  switch (name) {
    case 'retention.ms':
    case 'retention.bytes':
      return integerIn(value, -1, Number.MAX_SAFE_INTEGER);
    case 'segment.bytes':
      return integerIn(value, 14, INT32_MAX);
    case 'segment.ms':
      return integerIn(value, 1, Number.MAX_SAFE_INTEGER);
    case 'max.message.bytes':
      return integerIn(value, 0, INT32_MAX);
    case 'min.insync.replicas':
      return integerIn(value, 1, INT32_MAX);
    case 'message.timestamp.type':
      return value === 'CreateTime' || value === 'LogAppendTime'
        ? null
        : 'must be CreateTime or LogAppendTime';
    case 'cleanup.policy': {
      const parts = value.split(',').map((p) => p.trim());
      return parts.length > 0 && parts.every((p) => p === 'delete' || p === 'compact')
        ? null
        : 'must be a list of delete and compact';
    }
    default:
      return null;
  }
}

function integerIn(value: string, min: number, max: number): string | null {
  if (!/^-?\d+$/.test(value.trim())) return 'not a number';
  const n = Number(value);
  if (n < min || n > max) return `must be between ${min} and ${max}`;
  return null;
}

export function resolveTopicConfig(
  configs: Readonly<Record<string, string>>,
  defaults: LogDefaults,
): TopicConfig {
  const num = (name: string, fallback: number): number => {
    const v = configs[name];
    return v === undefined ? fallback : Number(v);
  };
  const policy = (configs['cleanup.policy'] ?? 'delete').split(',').map((p) => p.trim());
  return {
    retentionMs: num('retention.ms', defaults.retentionMs),
    retentionBytes: num('retention.bytes', defaults.retentionBytes),
    deleteOldSegments: policy.includes('delete'),
    segmentBytes: num('segment.bytes', defaults.segmentBytes),
    segmentMs: num('segment.ms', defaults.segmentMs),
    maxMessageBytes: num('max.message.bytes', defaults.maxMessageBytes),
    logAppendTime: configs['message.timestamp.type'] === 'LogAppendTime',
  };
}
