import type { ApiHandler } from '../api.ts';
import type { CoreBroker } from '../core-broker.ts';
import { ErrorCode } from '../error-codes.ts';

interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: Array<{ partition: number; brokerIds: number[] }>;
  configs: Array<{ name: string; value: string | null }>;
}

interface CreateResult {
  name: string;
  error: number;
  message: string | null;
}

/**
 * CreateTopics (key 19), v0–3. -1 partitions / replication mean the broker defaults; a
 * replication factor above 1 is refused (one broker), as Kafka would. Topic configs are
 * checked against Kafka's names, persisted, and the retention/segment ones take effect.
 */
export function createCreateTopicsHandler(core: CoreBroker): ApiHandler {
  return {
    apiKey: 19,
    name: 'CreateTopics',
    minVersion: 0,
    maxVersion: 3,
    async handle(_ctx, r, version) {
      const topics: CreatableTopic[] = r.array((r) => ({
        name: r.string(),
        numPartitions: r.int32(),
        replicationFactor: r.int16(),
        assignments: r.array((r) => ({ partition: r.int32(), brokerIds: r.array((r) => r.int32()) })),
        configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })),
      }));
      r.int32(); // timeout_ms: creation is immediate
      const validateOnly = version >= 1 ? r.bool() : false;

      const counts = new Map<string, number>();
      for (const t of topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
      const results = topics.map((t): CreateResult => {
        if ((counts.get(t.name) ?? 0) > 1) {
          return {
            name: t.name,
            error: ErrorCode.INVALID_REQUEST,
            message: `Duplicate topic name ${t.name}.`,
          };
        }
        return createOne(core, t, validateOnly);
      });
      return (w) => {
        if (version >= 2) w.int32(0); // throttle_time_ms
        w.array(results, (w, t) => {
          w.string(t.name).int16(t.error);
          if (version >= 1) w.nullableString(t.message);
        });
      };
    },
  };
}

function createOne(core: CoreBroker, t: CreatableTopic, validateOnly: boolean): CreateResult {
  const fail = (error: number, message: string): CreateResult => ({ name: t.name, error, message });
  const { nodeId, defaultPartitions } = core.services.settings;
  let partitions = t.numPartitions === -1 ? defaultPartitions : t.numPartitions;
  if (t.assignments.length > 0) {
    if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
      return fail(
        ErrorCode.INVALID_REQUEST,
        'Both numPartitions or replicationFactor and replicasAssignments were set.',
      );
    }
    const indexes = t.assignments.map((a) => a.partition).sort((a, b) => a - b);
    const contiguous = indexes.every((p, i) => p === i);
    const onThisBroker = t.assignments.every((a) => a.brokerIds.length === 1 && a.brokerIds[0] === nodeId);
    if (!contiguous || !onThisBroker) {
      return fail(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Every partition must be assigned to broker ${nodeId} only.`,
      );
    }
    partitions = indexes.length;
  } else if (t.replicationFactor !== -1 && t.replicationFactor !== 1) {
    if (t.replicationFactor < 1)
      return fail(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
    return fail(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Replication factor: ${t.replicationFactor} larger than available brokers: 1.`,
    );
  }
  const configs: Record<string, string> = {};
  for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
  const problem = core.log.checkNewTopic(t.name, partitions, configs);
  if (problem) return fail(problem.code, problem.message);
  if (!validateOnly) core.log.createTopic(t.name, partitions, configs);
  return { name: t.name, error: ErrorCode.NONE, message: null };
}
