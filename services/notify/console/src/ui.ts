import { html } from 'htm/preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, SessionExpired } from './api.ts';
import type { Notice } from './stream.ts';

export { html };

/** Alert events from the live stream, for any view that shows alerts. */
export const notices = new EventTarget();
export function publishNotice(notice: Notice): void {
  notices.dispatchEvent(new CustomEvent<Notice>('notice', { detail: notice }));
}
export function useNotices(onNotice: (notice: Notice) => void): void {
  useEffect(() => {
    const listener = (e: Event) => onNotice((e as CustomEvent<Notice>).detail);
    notices.addEventListener('notice', listener);
    return () => notices.removeEventListener('notice', listener);
  }, [onNotice]);
}

export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return '出现了意外错误，请刷新页面重试';
}

/** Loads data for a view; `reload` fetches again (after an action or a live event). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  // The caller names what the load depends on (deps), as with useCallback itself.
  const latest = useRef(0);
  const reload = useCallback(async () => {
    // Only the newest load may land: an older one answering late (filters changed meanwhile, or a
    // live event reloaded) must not overwrite what the person now asked for.
    const ticket = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await load();
      if (ticket === latest.current) setState({ data, loading: false });
    } catch (err) {
      if (err instanceof SessionExpired) return; // the shell shows the login
      if (ticket === latest.current) setState((s) => ({ ...s, error: messageOf(err), loading: false }));
    }
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { ...state, reload };
}

/** Runs an action, keeping its error to show beside the control. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (act: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await act();
      return true;
    } catch (err) {
      if (!(err instanceof SessionExpired)) setError(messageOf(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, setError };
}

export function ErrorNote({ message }: { message: string | null | undefined }) {
  return message ? html`<p class="error" role="alert">${message}</p>` : null;
}

export function Loading({ what }: { what: string }) {
  return html`<p class="muted" role="status">正在加载${what}…</p>`;
}

export function PriorityBadge({ priority }: { priority: string }) {
  return html`<span class=${`badge prio-${priority}`}>${priority}</span>`;
}
