import type { ApiHandler } from '../api.ts';
import type { CoreBroker } from '../core-broker.ts';
import { ErrorCode } from '../error-codes.ts';

interface FetchPartition {
  partition: number;
  fetchOffset: number;
  maxBytes: number;
}

interface FetchTopic {
  topic: string;
  partitions: FetchPartition[];
}

interface PartitionData {
  partition: number;
  error: number;
  highWatermark: number;
  logStartOffset: number;
  records: Buffer | null;
}

interface Gathered {
  topics: Array<{ topic: string; partitions: PartitionData[] }>;
  bytes: number;
  anyError: boolean;
}

/**
 * Fetch (key 1), v4–11, sessionless (session_id 0: every fetch is a full fetch, which the
 * protocol allows a broker to insist on). Returns whole stored batches, starting with the one
 * that holds fetch_offset; the first partition with data gets at least one batch even above
 * max_bytes. Long-polls until min_bytes arrive or max_wait passes, woken by appends.
 */
export function createFetchHandler(core: CoreBroker): ApiHandler {
  return {
    apiKey: 1,
    name: 'Fetch',
    minVersion: 4,
    maxVersion: 11,
    async handle(ctx, r, version) {
      r.int32(); // replica_id: consumers send -1
      const maxWaitMs = r.int32();
      const minBytes = r.int32();
      const maxBytes = r.int32();
      r.int8(); // isolation_level: without transactions everything is committed
      if (version >= 7) {
        r.int32(); // session_id
        r.int32(); // session_epoch
      }
      const topics: FetchTopic[] = r.array((r) => ({
        topic: r.string(),
        partitions: r.array((r) => {
          const partition = r.int32();
          if (version >= 9) r.int32(); // current_leader_epoch
          const fetchOffset = r.int64();
          if (version >= 5) r.int64(); // log_start_offset (followers only)
          return { partition, fetchOffset, maxBytes: r.int32() };
        }),
      }));
      if (version >= 7) r.array((r) => ({ topic: r.string(), partitions: r.array((r) => r.int32()) }));
      if (version >= 11) r.string(); // rack_id

      const gather = async (): Promise<Gathered> => {
        let bytes = 0;
        let anyError = false;
        const out: Gathered['topics'] = [];
        for (const t of topics) {
          const partitions: PartitionData[] = [];
          for (const p of t.partitions) {
            const log = core.log.partition(t.topic, p.partition);
            if (!log) {
              anyError = true;
              partitions.push({
                partition: p.partition,
                error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                highWatermark: -1,
                logStartOffset: -1,
                records: null,
              });
              continue;
            }
            const limit = Math.max(0, Math.min(p.maxBytes, maxBytes - bytes));
            const read = await log.read(p.fetchOffset, limit, bytes === 0);
            if (read.error !== ErrorCode.NONE) anyError = true;
            if (read.records) bytes += read.records.length;
            partitions.push({ partition: p.partition, ...read });
          }
          out.push({ topic: t.topic, partitions });
        }
        return { topics: out, bytes, anyError };
      };

      let result = await gather();
      const deadline = ctx.broker.clock.now() + maxWaitMs;
      while (result.bytes < minBytes && !result.anyError) {
        const waitMs = deadline - ctx.broker.clock.now();
        if (waitMs <= 0) break;
        const closing = await waitForAppend(core, topics, waitMs, ctx.broker.clock.setTimer);
        if (closing) break;
        result = await gather();
      }

      return (w) => {
        w.int32(0); // throttle_time_ms
        if (version >= 7) w.int16(ErrorCode.NONE).int32(0); // error_code, session_id
        w.array(result.topics, (w, t) => {
          w.string(t.topic);
          w.array(t.partitions, (w, p) => {
            w.int32(p.partition).int16(p.error).int64(p.highWatermark);
            w.int64(p.highWatermark); // last_stable_offset: no transactions
            if (version >= 5) w.int64(p.logStartOffset);
            w.int32(0); // aborted_transactions: none
            if (version >= 11) w.int32(-1); // preferred_read_replica
            if (p.records) w.bytes(p.records);
            else w.int32(0);
          });
        });
      };
    },
  };
}

/**
 * Waits until any requested partition gets an append, `ms` pass, or the broker starts closing
 * (then resolves true).
 */
function waitForAppend(
  core: CoreBroker,
  topics: FetchTopic[],
  ms: number,
  setTimer: (ms: number, fn: () => void) => () => void,
): Promise<boolean> {
  return new Promise((resolve) => {
    const cleanups: Array<() => void> = [];
    let settled = false;
    const finish = (closing: boolean): void => {
      if (settled) return;
      settled = true;
      for (const c of cleanups) c();
      resolve(closing);
    };
    for (const t of topics) {
      for (const p of t.partitions) {
        const log = core.log.partition(t.topic, p.partition);
        if (log) cleanups.push(log.onAppend(() => finish(false)));
      }
    }
    cleanups.push(setTimer(ms, () => finish(false)));
    if (core.closing.aborted) return finish(true);
    const onClose = (): void => finish(true);
    core.closing.addEventListener('abort', onClose, { once: true });
    cleanups.push(() => core.closing.removeEventListener('abort', onClose));
  });
}
