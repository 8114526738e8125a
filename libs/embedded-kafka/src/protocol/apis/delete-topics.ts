import type { ApiHandler } from '../api.ts';
import type { CoreBroker } from '../core-broker.ts';
import { ErrorCode } from '../error-codes.ts';

/** DeleteTopics (key 20), v0–1: the topic is gone when the answer is sent. */
export function createDeleteTopicsHandler(core: CoreBroker): ApiHandler {
  return {
    apiKey: 20,
    name: 'DeleteTopics',
    minVersion: 0,
    maxVersion: 1,
    async handle(ctx, r, version) {
      const names = r.array((r) => r.string());
      r.int32(); // timeout_ms
      const results = names.map((name) => {
        if (!core.log.deleteTopic(name)) return { name, error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        ctx.broker.producers.forgetTopic?.(name);
        return { name, error: ErrorCode.NONE };
      });
      return (w) => {
        if (version >= 1) w.int32(0); // throttle_time_ms
        w.array(results, (w, t) => {
          w.string(t.name).int16(t.error);
        });
      };
    },
  };
}
