import type { ApiHandler } from '../api.ts';
import type { CoreBroker } from '../core-broker.ts';
import { ErrorCode } from '../error-codes.ts';

export const CLUSTER_ID = 'huimin-embedded-kafka';

interface TopicAnswer {
  error: number;
  name: string;
  partitions: number;
}

/**
 * Metadata (key 3), v0–6. One broker leads every partition. A null topic list (or an empty
 * one at v0) means all topics; unknown topics are created when auto-creation is on and the
 * request allows it (v4+ carries the client's allow_auto_topic_creation).
 */
export function createMetadataHandler(core: CoreBroker): ApiHandler {
  return {
    apiKey: 3,
    name: 'Metadata',
    minVersion: 0,
    maxVersion: 6,
    async handle(_ctx, r, version) {
      const requested = version === 0 ? r.array((r) => r.string()) : r.nullableArray((r) => r.string());
      const allowAutoCreate = version >= 4 ? r.bool() : true;
      const all = requested === null || (version === 0 && requested.length === 0);
      const answers: TopicAnswer[] = all
        ? core.log.list().map((t) => ({ error: ErrorCode.NONE, name: t.name, partitions: t.partitions }))
        : [...new Set(requested)].map((name) => answerFor(core, name, allowAutoCreate));
      const { nodeId, advertisedHost, advertisedPort } = core.services.settings;
      return (w) => {
        if (version >= 3) w.int32(0); // throttle_time_ms
        w.int32(1).int32(nodeId).string(advertisedHost).int32(advertisedPort);
        if (version >= 1) w.nullableString(null); // rack
        if (version >= 2) w.nullableString(CLUSTER_ID);
        if (version >= 1) w.int32(nodeId); // controller_id
        w.array(answers, (w, t) => {
          w.int16(t.error).string(t.name);
          if (version >= 1) w.bool(t.name.startsWith('__'));
          w.int32(t.partitions);
          for (let p = 0; p < t.partitions; p++) {
            w.int16(ErrorCode.NONE).int32(p).int32(nodeId);
            w.int32(1).int32(nodeId); // replicas
            w.int32(1).int32(nodeId); // in-sync replicas
            if (version >= 5) w.int32(0); // offline replicas
          }
        });
      };
    },
  };
}

function answerFor(core: CoreBroker, name: string, allowAutoCreate: boolean): TopicAnswer {
  const topic = core.resolveTopic(name, allowAutoCreate);
  if ('code' in topic) return { error: topic.code, name, partitions: 0 };
  return { error: ErrorCode.NONE, name, partitions: topic.partitions };
}
