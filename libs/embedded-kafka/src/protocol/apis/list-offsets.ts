import type { ApiHandler } from '../api.ts';
import type { CoreBroker } from '../core-broker.ts';
import { ErrorCode } from '../error-codes.ts';

const LATEST = -1;
const EARLIEST = -2;

interface OffsetAnswer {
  partition: number;
  error: number;
  timestamp: number;
  offset: number;
}

/**
 * ListOffsets (key 2), v1–3: latest (-1) is the log end offset, earliest (-2) the log start
 * offset; any other timestamp finds the first record at or after it (offset -1 if none).
 */
export function createListOffsetsHandler(core: CoreBroker): ApiHandler {
  return {
    apiKey: 2,
    name: 'ListOffsets',
    minVersion: 1,
    maxVersion: 3,
    async handle(_ctx, r, version) {
      r.int32(); // replica_id
      if (version >= 2) r.int8(); // isolation_level: no transactions, both levels agree
      const topics = r.array((r) => ({
        name: r.string(),
        partitions: r.array((r) => ({ partition: r.int32(), timestamp: r.int64() })),
      }));
      const answers = await Promise.all(
        topics.map(async (t) => ({
          name: t.name,
          partitions: await Promise.all(
            t.partitions.map((p) => lookup(core, t.name, p.partition, p.timestamp)),
          ),
        })),
      );
      return (w) => {
        if (version >= 2) w.int32(0); // throttle_time_ms
        w.array(answers, (w, t) => {
          w.string(t.name);
          w.array(t.partitions, (w, p) => {
            w.int32(p.partition).int16(p.error).int64(p.timestamp).int64(p.offset);
          });
        });
      };
    },
  };
}

async function lookup(
  core: CoreBroker,
  topic: string,
  partition: number,
  timestamp: number,
): Promise<OffsetAnswer> {
  const answer = (error: number, ts: number, offset: number): OffsetAnswer => ({
    partition,
    error,
    timestamp: ts,
    offset,
  });
  const log = core.log.partition(topic, partition);
  if (!log) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1);
  if (timestamp === LATEST) return answer(ErrorCode.NONE, -1, log.logEndOffset);
  if (timestamp === EARLIEST) return answer(ErrorCode.NONE, -1, log.logStartOffset);
  if (timestamp < 0) return answer(ErrorCode.INVALID_REQUEST, -1, -1); // e.g. max-timestamp needs v7
  const found = await log.offsetForTimestamp(timestamp);
  return found ? answer(ErrorCode.NONE, found.timestamp, found.offset) : answer(ErrorCode.NONE, -1, -1);
}
