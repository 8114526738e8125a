import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { AuthError, bearerToken, type TokenVerifier, type UserPrincipal } from '@huimin/auth';
import { AppError, type HttpServer, type Logger } from '@huimin/kit';
import { type Static, Type } from '@sinclair/typebox';
import type pg from 'pg';
import { WebSocketServer } from 'ws';
import type { Hub, Session, SessionSink, Transport } from '../hub.ts';
import { lastLoggedSeq, purgedBelow, readLogForUser } from '../store/delivery-log.ts';

// Live alert events for the signed-in person, over Server-Sent Events (GET /v1/stream) or a
// WebSocket (GET /v1/ws). Browsers cannot set headers on EventSource or WebSocket, so these two
// endpoints — and only these — also take the access token as `?access_token=`; notify's logger
// redacts it from every line. The stream ends with a `token-expired` event when the token does.

const StreamQuery = Type.Object({
  access_token: Type.Optional(Type.String({ maxLength: 8192 })),
  lastEventId: Type.Optional(Type.String({ pattern: '^\\d{1,18}$' })),
});

const REPLAY_PAGE = 500;
/** A client this far behind (bytes queued on its socket) is dropped; it reconnects with Last-Event-ID. */
const MAX_BUFFERED = 1024 * 1024;

export interface StreamDeps {
  pool: pg.Pool;
  hub: Hub;
  verifier: TokenVerifier;
  logger: Logger;
  heartbeatMs: number;
  now: () => Date;
}

/** The `exp` of a token the verifier has accepted. */
function expiryOf(token: string): Date | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}

async function authenticateStream(
  verifier: TokenVerifier,
  authorization: string | undefined,
  queryToken: string | undefined,
): Promise<{ user: UserPrincipal; expiresAt: Date | undefined }> {
  const token = bearerToken(authorization) ?? queryToken;
  try {
    const user = await verifier.verifyUser(token);
    return { user, expiresAt: token ? expiryOf(token) : undefined };
  } catch (err: unknown) {
    if (err instanceof AuthError) throw new AppError('UNAUTHENTICATED', err.message, { reason: err.failure });
    throw err;
  }
}

function parseLastEventId(...candidates: (string | string[] | undefined)[]): number | undefined {
  for (const value of candidates) {
    const text = Array.isArray(value) ? value[0] : value;
    if (text !== undefined && /^\d{1,18}$/.test(text)) return Number(text);
  }
  return undefined;
}

export function registerStreamRoutes(server: HttpServer, deps: StreamDeps): { closeAll(): void } {
  const { hub, pool, logger } = deps;
  const timers = new Map<Session, NodeJS.Timeout[]>();

  /** Registers the session, replays what it missed, then lets live events through. */
  async function open(
    user: UserPrincipal,
    expiresAt: Date | undefined,
    lastEventId: number | undefined,
    transport: Transport,
    sink: SessionSink,
    heartbeat: () => void,
  ): Promise<Session> {
    const session = hub.add(user, transport, sink);
    const started = hub.position;
    const ownTimers: NodeJS.Timeout[] = [];
    timers.set(session, ownTimers);
    try {
      let from: number;
      if (lastEventId === undefined) {
        from = started ?? (await lastLoggedSeq(pool));
      } else {
        const oldest = await purgedBelow(pool);
        if (lastEventId + 1 < oldest) sink.control('replay-truncated', { oldestAvailable: oldest });
        let after = lastEventId;
        for (;;) {
          const page = await readLogForUser(pool, user, after, REPLAY_PAGE);
          for (const entry of page) hub.replay(session, entry);
          if (page.length < REPLAY_PAGE) break;
          after = page[page.length - 1]?.seq ?? after;
        }
        from = lastEventId;
      }
      hub.goLive(session, from);
      if (session.closed) return session;
      sink.control('ready', { lastEventId: session.lastSent });
    } catch (err: unknown) {
      hub.close(session);
      throw err;
    }
    if (expiresAt) {
      const ms = Math.max(0, expiresAt.getTime() - deps.now().getTime());
      ownTimers.push(
        setTimeout(
          () => {
            if (session.closed) return;
            sink.control('token-expired', { reason: 'EXPIRED_TOKEN', expiredAt: expiresAt.toISOString() });
            hub.close(session);
          },
          Math.min(ms, 2 ** 31 - 1),
        ),
      );
    }
    const beat = setInterval(heartbeat, deps.heartbeatMs);
    beat.unref();
    ownTimers.push(beat);
    return session;
  }

  function release(session: Session): void {
    for (const timer of timers.get(session) ?? []) clearTimeout(timer);
    timers.delete(session);
    hub.remove(session);
    session.closed = true;
  }

  server.get<{ Querystring: Static<typeof StreamQuery> }>(
    '/v1/stream',
    {
      schema: {
        tags: ['stream'],
        summary: 'Alert events for the signed-in person, as Server-Sent Events',
        description:
          'Authenticate with `Authorization: Bearer` or `?access_token=` (EventSource cannot set headers). ' +
          'Reconnect with the `Last-Event-ID` header (or `?lastEventId=`) to receive what was missed. ' +
          'Events: `alert` (id = log seq, data = the notice), `ready`, `replay-truncated`, `token-expired`.',
        querystring: StreamQuery,
      },
    },
    async (request, reply) => {
      const { user, expiresAt } = await authenticateStream(
        deps.verifier,
        request.headers.authorization,
        request.query.access_token,
      );
      const lastEventId = parseLastEventId(request.headers['last-event-id'], request.query.lastEventId);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      res.write('retry: 3000\n\n');
      const sink: SessionSink = {
        event(entry) {
          res.write(`id: ${entry.seq}\nevent: alert\ndata: ${JSON.stringify(entry.notice)}\n\n`);
          return res.writableLength < MAX_BUFFERED;
        },
        control(type, data) {
          res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
        },
        end() {
          res.end();
        },
      };
      let session: Session | undefined;
      res.on('close', () => {
        if (session) release(session);
      });
      try {
        session = await open(user, expiresAt, lastEventId, 'sse', sink, () => res.write(': ping\n\n'));
        if (res.destroyed) release(session);
      } catch (err: unknown) {
        request.log.error({ err, userId: user.userId }, 'stream failed to open');
        res.end();
      }
    },
  );

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  server.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://notify');
    if (url.pathname !== '/v1/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    authenticateStream(
      deps.verifier,
      req.headers.authorization,
      url.searchParams.get('access_token') ?? undefined,
    )
      .then(({ user, expiresAt }) => {
        wss.handleUpgrade(req, socket, head, (ws) => {
          const sink: SessionSink = {
            event(entry) {
              ws.send(JSON.stringify({ type: 'alert', id: entry.seq, data: entry.notice }));
              return ws.bufferedAmount < MAX_BUFFERED;
            },
            control(type, data) {
              ws.send(JSON.stringify({ type, ...data }));
            },
            end() {
              ws.close(1000);
            },
          };
          let session: Session | undefined;
          ws.on('close', () => {
            if (session) release(session);
          });
          ws.on('error', () => {});
          const lastEventId = parseLastEventId(url.searchParams.get('lastEventId') ?? undefined);
          open(user, expiresAt, lastEventId, 'ws', sink, () => ws.ping())
            .then((opened) => {
              session = opened;
              if (ws.readyState !== ws.OPEN) release(opened);
            })
            .catch((err: unknown) => {
              logger.error({ err, userId: user.userId }, 'websocket stream failed to open');
              ws.close(1011);
            });
        });
      })
      .catch((err: unknown) => {
        const reason = err instanceof AppError ? err.code : 'INTERNAL';
        const status = reason === 'UNAUTHENTICATED' ? '401 Unauthorized' : '500 Internal Server Error';
        socket.end(
          `HTTP/1.1 ${status}\r\ncontent-type: text/plain\r\ncontent-length: ${reason.length}\r\n\r\n${reason}`,
        );
      });
  });

  return {
    closeAll() {
      for (const session of [...timers.keys()]) {
        hub.close(session);
        release(session);
      }
      hub.closeAll();
      wss.close();
    },
  };
}
