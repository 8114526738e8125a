import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { BrokerServices, RequestContext } from '../protocol/api.ts';
import { API_VERSIONS_KEY, writeUnsupportedApiVersions } from '../protocol/apis/api-versions.ts';
import { Reader } from '../protocol/reader.ts';
import type { HandlerRegistry } from '../protocol/registry.ts';
import { Writer } from '../protocol/writer.ts';

/** Smallest request: apiKey, apiVersion, correlationId, clientId length. */
const MIN_REQUEST_SIZE = 10;
/** Requests in flight on one connection before we stop reading from it. */
const MAX_IN_FLIGHT = 100;

/** A response position in the connection's queue: responses leave strictly in request order. */
interface Slot {
  done: boolean;
  chunks: Buffer[] | null;
}

export interface ConnectionOptions {
  id: number;
  socket: Socket;
  registry: HandlerRegistry;
  broker: BrokerServices;
  maxRequestBytes: number;
  logger: Logger;
}

/**
 * One client connection: splits the byte stream into size-prefixed frames, hands each to its
 * API handler as soon as it arrives (requests are pipelined), and writes the responses back in
 * request order. A frame it cannot make sense of (too big, impossible size, unknown API or
 * version, a body the handler cannot parse) closes this connection and nothing else.
 */
export class Connection {
  readonly id: number;
  private readonly socket: Socket;
  private readonly options: ConnectionOptions;
  private readonly logger: Logger;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly queue: Slot[] = [];
  private paused = false;
  private closed = false;
  private stopReading = false;
  private clientLogger: { clientId: string | null; logger: Logger } | null = null;

  constructor(options: ConnectionOptions) {
    this.id = options.id;
    this.socket = options.socket;
    this.options = options;
    this.logger = options.logger;
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('drain', () => this.maybeResume());
    this.socket.on('error', (err: Error) => this.logger.debug({ err }, 'connection error'));
    this.socket.on('close', () => {
      this.closed = true;
      this.pending = [];
      this.queue.length = 0;
    });
  }

  /**
   * Stops reading requests, lets the ones already read finish and their responses reach the
   * socket, then ends the connection (waiting at most `graceMs`). A request the broker has
   * acted on is thus answered; one it never read is simply retried by the client.
   */
  async shutdown(graceMs: number): Promise<void> {
    if (this.closed) return;
    this.socket.pause();
    this.pending = [];
    this.stopReading = true;
    const deadline = Date.now() + graceMs;
    while (!this.closed && this.queue.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(
        () => {
          this.destroy();
          resolve();
        },
        Math.max(0, deadline - Date.now()),
      );
      this.socket.end(() => {
        clearTimeout(timer);
        this.destroy();
        resolve();
      });
    });
  }

  /** Closes the connection at once (a bad frame, or shutdown's grace period is over). */
  destroy(reason?: string): void {
    if (this.closed) return;
    if (reason) this.logger.warn({ reason }, 'closing connection');
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed || this.stopReading) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    try {
      while (!this.closed && this.pendingBytes >= 4) {
        const size = this.peekSize();
        if (size < MIN_REQUEST_SIZE || size > this.options.maxRequestBytes) {
          this.destroy(`request size ${size} outside [${MIN_REQUEST_SIZE}, ${this.options.maxRequestBytes}]`);
          return;
        }
        if (this.pendingBytes < 4 + size) break;
        const frame = this.take(4 + size).subarray(4);
        this.dispatch(frame);
      }
    } catch (err: unknown) {
      this.logger.error({ err }, 'unexpected error reading a request');
      this.destroy('internal error');
      return;
    }
    if (!this.paused && (this.queue.length >= MAX_IN_FLIGHT || this.socket.writableNeedDrain)) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private peekSize(): number {
    let first = this.pending[0] as Buffer;
    if (first.length < 4) {
      first = Buffer.concat(this.pending);
      this.pending = [first];
    }
    return first.readInt32BE(0);
  }

  /** Removes n bytes from the front of the pending data, without copying when they sit in one chunk. */
  private take(n: number): Buffer {
    const first = this.pending[0] as Buffer;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.pending.shift();
      else this.pending[0] = first.subarray(n);
      this.pendingBytes -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.pending[0] as Buffer;
      const used = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.pending.shift();
      else this.pending[0] = chunk.subarray(used);
    }
    this.pendingBytes -= n;
    return out;
  }

  private dispatch(frame: Buffer): void {
    const r = new Reader(frame);
    const apiKey = r.int16();
    const version = r.int16();
    const correlationId = r.int32();
    const handler = this.options.registry.get(apiKey);
    if (!handler) {
      this.destroy(`unknown API key ${apiKey}`);
      return;
    }
    if (version < handler.minVersion || version > handler.maxVersion) {
      if (apiKey === API_VERSIONS_KEY) {
        // Never close on an ApiVersions version we lack: tell the client which ones we have.
        this.queue.push({
          done: true,
          chunks: frameResponse(correlationId, false, writeUnsupportedApiVersions),
        });
        this.flush();
        return;
      }
      this.destroy(
        `${handler.name} v${version} is not supported (v${handler.minVersion}-${handler.maxVersion})`,
      );
      return;
    }
    let clientId: string | null;
    const flexible = handler.flexibleFrom !== undefined && version >= handler.flexibleFrom;
    try {
      clientId = r.nullableString();
      if (flexible) r.skipTaggedFields();
    } catch {
      this.destroy('malformed request header');
      return;
    }
    const ctx: RequestContext = {
      broker: this.options.broker,
      connectionId: this.id,
      clientId,
      apiKey,
      apiVersion: version,
      correlationId,
      clientHost: this.socket.remoteAddress,
      logger: this.loggerFor(clientId),
    };
    const slot: Slot = { done: false, chunks: null };
    this.queue.push(slot);
    // ApiVersions answers with a v0 response header whatever its version (the client cannot
    // know yet whether we speak flexible headers).
    const flexibleResponse = flexible && apiKey !== API_VERSIONS_KEY;
    let handled: Promise<((w: Writer) => void) | null>;
    try {
      // Called synchronously, in arrival order: handlers that append do so before their first await.
      handled = handler.handle(ctx, r, version);
    } catch (err: unknown) {
      this.handlerFailed(handler.name, err);
      return;
    }
    handled.then(
      (body) => {
        if (this.closed) return;
        try {
          slot.chunks = body ? frameResponse(correlationId, flexibleResponse, body) : null;
        } catch (err: unknown) {
          this.handlerFailed(handler.name, err);
          return;
        }
        slot.done = true;
        this.flush();
      },
      (err: unknown) => this.handlerFailed(handler.name, err),
    );
  }

  private handlerFailed(api: string, err: unknown): void {
    if (this.closed) return;
    this.logger.warn({ err, api }, 'request failed; closing connection');
    this.destroy();
  }

  private flush(): void {
    if (this.closed) return;
    let corked = false;
    while (this.queue.length > 0 && (this.queue[0] as Slot).done) {
      const slot = this.queue.shift() as Slot;
      if (!slot.chunks) continue;
      if (!corked) {
        this.socket.cork();
        corked = true;
      }
      for (const chunk of slot.chunks) this.socket.write(chunk);
    }
    if (corked) this.socket.uncork();
    this.maybeResume();
  }

  private maybeResume(): void {
    if (!this.paused || this.closed || this.stopReading) return;
    if (this.queue.length < MAX_IN_FLIGHT / 2 && !this.socket.writableNeedDrain) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private loggerFor(clientId: string | null): Logger {
    if (this.clientLogger?.clientId !== clientId) {
      this.clientLogger = { clientId, logger: this.logger.child({ clientId }) };
    }
    return this.clientLogger.logger;
  }
}

/** Size prefix + response header (v0, or v1 with an empty tag buffer) + body. */
function frameResponse(correlationId: number, flexible: boolean, body: (w: Writer) => void): Buffer[] {
  const w = new Writer();
  const sizeAt = w.reserveInt32();
  w.int32(correlationId);
  if (flexible) w.emptyTaggedFields();
  body(w);
  w.patchInt32(sizeAt, w.length - 4);
  return w.chunks();
}
