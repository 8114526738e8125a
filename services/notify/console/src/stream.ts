import { accessToken, accessTokenTtl, refresh, SessionExpired } from './api.ts';

/** What notify pushes for each alert event (its notice; no names, no resident IDs). */
export interface Notice {
  event: string;
  alertId: string;
  priority?: string;
  title?: string;
  communityName?: string;
  assigneeUserId?: string;
  householdId?: string;
  eventId?: string;
  occurredAt?: string;
  /** AlertCauseWithdrawn: whether the alert closed itself (else it stays for its handler). */
  closed?: boolean;
}

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/**
 * The live stream of alert events for the signed-in person: SSE from notify, the token in the
 * query (EventSource cannot set headers). When the token expires notify says `token-expired` and
 * ends the stream: refresh and reopen with the last seen id, so nothing is missed. When the
 * connection drops: show "reconnecting", back off, reopen the same way.
 */
export function openAlertStream(handlers: {
  onNotice: (notice: Notice) => void;
  onState: (state: StreamState) => void;
  onSessionExpired: () => void;
}): () => void {
  let source: EventSource | null = null;
  let lastEventId: string | null = null;
  let retry = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const reopen = (delayMs: number, state: StreamState) => {
    source?.close();
    source = null;
    if (stopped) return;
    handlers.onState(state);
    clearTimeout(timer);
    timer = setTimeout(() => void connect(), delayMs);
  };

  const connect = async () => {
    if (stopped) return;
    if (!navigator.onLine) return reopen(2000, 'offline');
    try {
      if (accessTokenTtl() < 30) await refresh();
    } catch (err) {
      if (err instanceof SessionExpired) return handlers.onSessionExpired();
      retry += 1;
      return reopen(Math.min(15_000, 1000 * 2 ** retry), 'reconnecting');
    }
    const params = new URLSearchParams({ access_token: accessToken() ?? '' });
    if (lastEventId) params.set('lastEventId', lastEventId);
    const es = new EventSource(`/v1/stream?${params}`);
    source = es;
    es.addEventListener('ready', () => {
      retry = 0;
      handlers.onState('live');
    });
    es.addEventListener('alert', (e) => {
      const message = e as MessageEvent<string>;
      if (message.lastEventId) lastEventId = message.lastEventId;
      try {
        handlers.onNotice(JSON.parse(message.data) as Notice);
      } catch {
        // a malformed notice is skipped; the list reload that follows the next one catches up
      }
    });
    es.addEventListener('replay-truncated', () => {
      lastEventId = null;
      handlers.onNotice({ event: 'replay-truncated', alertId: '' });
    });
    es.addEventListener('token-expired', () => {
      es.close();
      void refresh().then(
        () => reopen(0, 'connecting'),
        (err: unknown) =>
          err instanceof SessionExpired ? handlers.onSessionExpired() : reopen(2000, 'reconnecting'),
      );
    });
    // This person opened more streams than notify holds for one person: this, the oldest, ended.
    // Reopening would only end another tab, so this one stays offline until the page is reloaded.
    es.addEventListener('superseded', () => {
      stopped = true;
      es.close();
      handlers.onState('offline');
    });
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED || !navigator.onLine) {
        retry += 1;
        reopen(Math.min(15_000, 500 * 2 ** retry), navigator.onLine ? 'reconnecting' : 'offline');
      } else handlers.onState('reconnecting');
    };
  };

  const wentOffline = () => reopen(1000, 'offline');
  const cameOnline = () => reopen(0, 'connecting');
  window.addEventListener('offline', wentOffline);
  window.addEventListener('online', cameOnline);
  handlers.onState('connecting');
  void connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
    window.removeEventListener('offline', wentOffline);
    window.removeEventListener('online', cameOnline);
  };
}
