// A minimal Kafka client on the package's codec: exact requests, responses checked for order.
// Used where kafkajs cannot go (no-group reads, malformed input, version edge cases).
import net from 'node:net';
import { Reader } from '../../src/protocol/reader.ts';
import { Writer } from '../../src/protocol/writer.ts';
import { type DecodedBatch, decodeBatches } from './record-batch.ts';

interface Pending {
  correlationId: number;
  resolve: (r: Reader) => void;
  reject: (err: Error) => void;
}

export class RawClient {
  readonly socket: net.Socket;
  /** Resolves when the broker (or we) closed the connection. */
  readonly closed: Promise<void>;
  /** Correlation ids of the responses, in the order they arrived. */
  readonly arrivals: number[] = [];
  private buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private nextCorrelationId = 1;
  private isClosed = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {});
    socket.once('close', () => {
      this.isClosed = true;
      for (const p of this.pending.splice(0)) p.reject(new Error('connection closed'));
    });
  }

  static connect(brokers: string): Promise<RawClient> {
    const [host, port] = brokers.split(':') as [string, string];
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port: Number(port) }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  /**
   * Sends a request (header v1, or v2 when `flexible`) and resolves with a Reader at the
   * response body (after a v0 header; `flexibleResponse` skips the v1 header's tag buffer).
   */
  request(
    apiKey: number,
    version: number,
    body: (w: Writer) => void,
    opts: { flexible?: boolean; flexibleResponse?: boolean; noResponse?: boolean } = {},
  ): Promise<Reader> {
    const correlationId = this.nextCorrelationId++;
    const w = new Writer();
    const sizeAt = w.reserveInt32();
    w.int16(apiKey).int16(version).int32(correlationId).nullableString('raw-test');
    if (opts.flexible) w.emptyTaggedFields();
    body(w);
    w.patchInt32(sizeAt, w.length - 4);
    this.socket.write(w.toBuffer());
    if (opts.noResponse) return Promise.resolve(new Reader(Buffer.alloc(0)));
    return new Promise((resolve, reject) => {
      this.pending.push({
        correlationId,
        resolve: (r) => {
          if (opts.flexibleResponse) r.skipTaggedFields();
          resolve(r);
        },
        reject,
      });
    });
  }

  /** Writes raw bytes, no framing. */
  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 4) {
      const size = this.buffer.readInt32BE(0);
      if (this.buffer.length < 4 + size) return;
      const frame = this.buffer.subarray(4, 4 + size);
      this.buffer = this.buffer.subarray(4 + size);
      const r = new Reader(Buffer.from(frame));
      const correlationId = r.int32();
      this.arrivals.push(correlationId);
      const next = this.pending.shift();
      if (!next) continue; // an answer to bytes written with sendRaw
      if (next.correlationId !== correlationId) {
        next.reject(new Error(`response ${correlationId} arrived where ${next.correlationId} was due`));
        continue;
      }
      next.resolve(r);
    }
  }
}

export interface ProduceAnswer {
  error: number;
  baseOffset: number;
  logStartOffset: number;
}

/** Produce v7 of one record set to one partition. */
export async function produce(
  client: RawClient,
  topic: string,
  partition: number,
  records: Buffer | null,
  acks = -1,
): Promise<ProduceAnswer> {
  const r = await client.request(
    0,
    7,
    (w) => {
      w.nullableString(null).int16(acks).int32(10_000);
      w.int32(1).string(topic).int32(1).int32(partition).nullableBytes(records);
    },
    { noResponse: acks === 0 },
  );
  if (acks === 0) return { error: 0, baseOffset: -1, logStartOffset: -1 };
  r.int32(); // topics
  r.string();
  r.int32(); // partitions
  r.int32();
  const error = r.int16();
  const baseOffset = r.int64();
  r.int64(); // log append time
  return { error, baseOffset, logStartOffset: r.int64() };
}

export interface FetchAnswer {
  error: number;
  highWatermark: number;
  logStartOffset: number;
  records: Buffer;
}

/** Fetch v11 of one partition. */
export async function fetch(
  client: RawClient,
  topic: string,
  partition: number,
  offset: number,
  opts: { maxWaitMs?: number; minBytes?: number; maxBytes?: number; partitionMaxBytes?: number } = {},
): Promise<FetchAnswer> {
  const r = await client.request(1, 11, (w) => {
    w.int32(-1)
      .int32(opts.maxWaitMs ?? 0)
      .int32(opts.minBytes ?? 1)
      .int32(opts.maxBytes ?? 50 * 1024 * 1024);
    w.int8(0).int32(0).int32(-1);
    w.int32(1).string(topic).int32(1);
    w.int32(partition)
      .int32(-1)
      .int64(offset)
      .int64(-1)
      .int32(opts.partitionMaxBytes ?? 10 * 1024 * 1024);
    w.int32(0).string('');
  });
  r.int32(); // throttle
  r.int16(); // top-level error
  r.int32(); // session id
  r.int32(); // topics
  r.string();
  r.int32(); // partitions
  r.int32();
  const error = r.int16();
  const highWatermark = r.int64();
  r.int64(); // last stable offset
  const logStartOffset = r.int64();
  r.int32(); // aborted transactions
  r.int32(); // preferred read replica
  const records = r.nullableBytes() ?? Buffer.alloc(0);
  return { error, highWatermark, logStartOffset, records: Buffer.from(records) };
}

/** Reads a partition from `from` to its end with repeated fetches; returns every batch. */
export async function readAll(
  client: RawClient,
  topic: string,
  partition: number,
  from = 0,
): Promise<DecodedBatch[]> {
  const batches: DecodedBatch[] = [];
  let offset = from;
  for (;;) {
    const answer = await fetch(client, topic, partition, offset);
    if (answer.error !== 0) throw new Error(`fetch error ${answer.error}`);
    const got = decodeBatches(answer.records);
    if (got.length === 0) return batches;
    batches.push(...got);
    const last = got[got.length - 1] as DecodedBatch;
    offset = last.baseOffset + last.records.length;
    if (offset >= answer.highWatermark) return batches;
  }
}

/** ListOffsets v3 for one partition: [offset, timestamp]. */
export async function listOffset(
  client: RawClient,
  topic: string,
  partition: number,
  timestamp: number,
): Promise<{ error: number; offset: number; timestamp: number }> {
  const r = await client.request(2, 3, (w) => {
    w.int32(-1).int8(0).int32(1).string(topic).int32(1).int32(partition).int64(timestamp);
  });
  r.int32(); // throttle
  r.int32();
  r.string();
  r.int32();
  r.int32();
  const error = r.int16();
  const ts = r.int64();
  return { error, timestamp: ts, offset: r.int64() };
}
