import type { UserPrincipal } from '@huimin/auth';
import type { Logger } from '@huimin/kit';
import { propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { reaches } from './domain/audience.ts';
import type { NotifyMetrics } from './metrics.ts';
import type { LogEntry } from './store/delivery-log.ts';

export type Transport = 'sse' | 'ws';

/** What a transport (SSE response, WebSocket) does with one session's traffic. */
export interface SessionSink {
  /** Writes one event; false when the client is too far behind and must be dropped. */
  event(entry: LogEntry): boolean;
  control(
    type: 'ready' | 'replay-truncated' | 'token-expired' | 'superseded',
    data: Record<string, unknown>,
  ): void;
  end(): void;
}

export interface Session {
  readonly user: UserPrincipal;
  readonly transport: Transport;
  /** The seq of the last event written to this client. */
  lastSent: number;
  /** Events held back while the session replays from the log; null once live. */
  pending: LogEntry[] | null;
  readonly sink: SessionSink;
  closed: boolean;
}

/**
 * The sessions open on this replica, and the replica's place in the delivery log. Entries arrive
 * in seq order (from the fan-out); each goes to the sessions it reaches, at most once per session
 * (a session never receives a seq at or below its last).
 */
export function createHub(deps: {
  metrics: NotifyMetrics;
  logger: Logger;
  now?: () => Date;
  /** Streams one person may hold on this replica; a new one beyond it ends their oldest. */
  maxStreamsPerUser?: number;
}) {
  const now = deps.now ?? (() => new Date());
  const maxPerUser = deps.maxStreamsPerUser ?? 5;
  const byUser = new Map<string, Set<Session>>();
  const supervisorsByTown = new Map<string, Set<Session>>();
  const all = new Set<Session>();
  let position: number | undefined;

  const index = (map: Map<string, Set<Session>>, key: string, session: Session) => {
    const set = map.get(key) ?? new Set<Session>();
    set.add(session);
    map.set(key, set);
  };
  const unindex = (map: Map<string, Set<Session>>, key: string, session: Session) => {
    const set = map.get(key);
    set?.delete(session);
    if (set?.size === 0) map.delete(key);
  };

  const tracer = trace.getTracer('@huimin/notify');

  /** Writes one entry to a session's stream, inside a span in the trace that logged the entry. */
  function traced(session: Session, entry: LogEntry): boolean {
    if (!entry.traceparent) return session.sink.event(entry);
    const parent = propagation.extract(ROOT_CONTEXT, { traceparent: entry.traceparent });
    const span = tracer.startSpan(
      `${session.transport} write`,
      {
        kind: SpanKind.PRODUCER,
        attributes: { 'huimin.notify.transport': session.transport, 'huimin.notify.seq': entry.seq },
      },
      parent,
    );
    try {
      return session.sink.event(entry);
    } finally {
      span.end();
    }
  }

  function write(session: Session, entry: LogEntry, live: boolean): void {
    if (session.closed || entry.seq <= session.lastSent) return;
    if (!traced(session, entry)) {
      deps.logger.warn({ userId: session.user.userId, transport: session.transport }, 'slow client dropped');
      close(session);
      return;
    }
    session.lastSent = entry.seq;
    if (live) {
      deps.metrics.deliveryLatency.observe(
        { transport: session.transport },
        Math.max(0, now().getTime() - entry.occurredAt.getTime()) / 1000,
      );
    }
  }

  function close(session: Session): void {
    if (session.closed) return;
    session.closed = true;
    remove(session);
    session.sink.end();
  }

  function remove(session: Session): void {
    if (!all.delete(session)) return;
    unindex(byUser, session.user.userId, session);
    if (session.user.role === 'town-supervisor') {
      for (const code of session.user.jurisdictions) unindex(supervisorsByTown, code, session);
    }
    deps.metrics.connectedClients.dec({ transport: session.transport });
  }

  return {
    /** The last seq this replica has dispatched (undefined before the fan-out started). */
    get position() {
      return position;
    },
    set position(seq: number | undefined) {
      position = seq;
    },
    get size() {
      return all.size;
    },
    /** Registers a session in replay mode: live entries are held until `goLive`. */
    add(user: UserPrincipal, transport: Transport, sink: SessionSink): Session {
      // A stolen token or a runaway script cannot pile up connections: the oldest makes way (a
      // person reopening tabs is never refused; their forgotten tab is the one that ends).
      const mine = [...(byUser.get(user.userId) ?? [])];
      for (const oldest of mine.slice(0, Math.max(0, mine.length - maxPerUser + 1))) {
        oldest.sink.control('superseded', { reason: 'TOO_MANY_STREAMS', limit: maxPerUser });
        close(oldest);
      }
      const session: Session = { user, transport, lastSent: 0, pending: [], sink, closed: false };
      all.add(session);
      index(byUser, user.userId, session);
      if (user.role === 'town-supervisor') {
        for (const code of user.jurisdictions) index(supervisorsByTown, code, session);
      }
      deps.metrics.connectedClients.inc({ transport });
      return session;
    },
    /** Writes a replayed entry (from the log) to a session still in replay mode. */
    replay(session: Session, entry: LogEntry): void {
      if (reaches(entry, session.user)) write(session, entry, false);
    },
    /** Ends replay: writes what arrived meanwhile beyond `from`, then the session is live. */
    goLive(session: Session, from: number): void {
      session.lastSent = Math.max(session.lastSent, from);
      const held = session.pending ?? [];
      session.pending = null;
      for (const entry of held) write(session, entry, true);
    },
    dispatch(entry: LogEntry): void {
      if (position === undefined || entry.seq > position) position = entry.seq;
      const candidates = new Set<Session>();
      const addAll = (set: Set<Session> | undefined) => {
        if (set) for (const s of set) candidates.add(s);
      };
      if (entry.assigneeUserId !== undefined) addAll(byUser.get(entry.assigneeUserId));
      for (const id of entry.standInUserIds) addAll(byUser.get(id));
      for (const id of entry.escalatedUserIds) addAll(byUser.get(id));
      if (entry.toSupervisors) addAll(supervisorsByTown.get(entry.townCode));
      for (const session of candidates) {
        if (!reaches(entry, session.user)) continue;
        if (session.pending) session.pending.push(entry);
        else write(session, entry, true);
      }
    },
    close,
    remove,
    closeAll(): void {
      for (const session of [...all]) close(session);
    },
  };
}

export type Hub = ReturnType<typeof createHub>;
