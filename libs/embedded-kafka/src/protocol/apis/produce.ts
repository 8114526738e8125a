import type { PartitionLog } from '../../log/partition-log.ts';
import { validateProducedBatch } from '../../log/validate-batch.ts';
import type { ApiHandler, RequestContext } from '../api.ts';
import type { CoreBroker } from '../core-broker.ts';
import { ErrorCode } from '../error-codes.ts';

interface PartitionResult {
  index: number;
  error: number;
  baseOffset: number;
  logAppendTime: number;
  logStartOffset: number;
}

interface TopicResult {
  name: string;
  partitions: PartitionResult[];
}

/**
 * Produce (key 0), v3–7: one v2 record batch per partition, validated by its header and CRC,
 * then appended verbatim (compressed batches stay compressed). acks=0 gets no response;
 * acks 1 and -1 are answered once the batch is written (and, with fsync 'always', synced).
 * Idempotent batches go through `ctx.broker.producers` (check before, record after append).
 */
export function createProduceHandler(core: CoreBroker): ApiHandler {
  return {
    apiKey: 0,
    name: 'Produce',
    minVersion: 3,
    maxVersion: 7,
    async handle(ctx, r, version) {
      const transactionalId = r.nullableString();
      const acks = r.int16();
      r.int32(); // timeout_ms: appends complete at once on a single node
      const topics = r.array((r) => ({
        name: r.string(),
        partitions: r.array((r) => ({ index: r.int32(), records: r.nullableBytes() })),
      }));

      const touched = new Set<PartitionLog>();
      const results: TopicResult[] = topics.map((topic) => {
        const refuseAll = (error: number): TopicResult => ({
          name: topic.name,
          partitions: topic.partitions.map((p) => failed(p.index, error)),
        });
        if (acks !== 0 && acks !== 1 && acks !== -1) return refuseAll(ErrorCode.INVALID_REQUIRED_ACKS);
        if (transactionalId !== null) return refuseAll(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
        const resolved = core.resolveTopic(topic.name, true);
        if ('code' in resolved) return refuseAll(resolved.code);
        return {
          name: topic.name,
          partitions: topic.partitions.map((p) =>
            appendOne(core, ctx, topic.name, p.index, p.records, touched),
          ),
        };
      });

      if (acks === 0) return null;
      if (core.fsync === 'always' && touched.size > 0) await syncTouched(ctx, results, touched);
      return (w) => {
        w.array(results, (w, t) => {
          w.string(t.name);
          w.array(t.partitions, (w, p) => {
            w.int32(p.index).int16(p.error).int64(p.baseOffset).int64(p.logAppendTime);
            if (version >= 5) w.int64(p.logStartOffset);
          });
        });
        w.int32(0); // throttle_time_ms
      };
    },
  };
}

function appendOne(
  core: CoreBroker,
  ctx: RequestContext,
  topic: string,
  partition: number,
  records: Buffer | null,
  touched: Set<PartitionLog>,
): PartitionResult {
  const log = core.log.partition(topic, partition);
  if (!log) return failed(partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (records === null || records.length === 0) return failed(partition, ErrorCode.INVALID_RECORD);
  if (records.length > log.config.maxMessageBytes) return failed(partition, ErrorCode.MESSAGE_TOO_LARGE);
  const checked = validateProducedBatch(records);
  if (!checked.ok) {
    ctx.logger.debug({ topic, partition, code: checked.code, reason: checked.message }, 'batch refused');
    return failed(partition, checked.code);
  }
  const header = checked.header;
  const producers = ctx.broker.producers;
  const idempotent = header.producerId >= 0;
  if (idempotent) {
    const verdict = producers.check(topic, partition, header);
    if (verdict.kind === 'error') return failed(partition, verdict.code);
    if (verdict.kind === 'duplicate') {
      return {
        index: partition,
        error: ErrorCode.NONE,
        baseOffset: verdict.baseOffset,
        logAppendTime: -1,
        logStartOffset: log.logStartOffset,
      };
    }
  }
  try {
    const appended = log.append(records, header, ctx.broker.clock.now());
    if (idempotent) producers.record(topic, partition, header, appended.baseOffset);
    touched.add(log);
    return {
      index: partition,
      error: ErrorCode.NONE,
      baseOffset: appended.baseOffset,
      logAppendTime: appended.logAppendTime,
      logStartOffset: log.logStartOffset,
    };
  } catch (err: unknown) {
    ctx.logger.error({ err, topic, partition }, 'append failed');
    return failed(partition, ErrorCode.KAFKA_STORAGE_ERROR);
  }
}

/** fsync policy 'always': the ack waits until the appended data is on disk. */
async function syncTouched(
  ctx: RequestContext,
  results: TopicResult[],
  touched: Set<PartitionLog>,
): Promise<void> {
  const failedSyncs = new Set<string>();
  await Promise.all(
    [...touched].map((log) =>
      log.sync().catch((err: unknown) => {
        ctx.logger.error({ err, topic: log.topic, partition: log.partition }, 'fsync failed');
        failedSyncs.add(`${log.topic}\u0000${log.partition}`);
      }),
    ),
  );
  if (failedSyncs.size === 0) return;
  for (const t of results) {
    t.partitions = t.partitions.map((p) =>
      failedSyncs.has(`${t.name}\u0000${p.index}`) ? failed(p.index, ErrorCode.KAFKA_STORAGE_ERROR) : p,
    );
  }
}

function failed(index: number, error: number): PartitionResult {
  return { index, error, baseOffset: -1, logAppendTime: -1, logStartOffset: -1 };
}
