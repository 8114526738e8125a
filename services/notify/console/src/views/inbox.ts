import { useCallback, useState } from 'preact/hooks';
import { call, currentUser, discovery, getJson, query } from '../api.ts';
import { communitiesOf, PRIORITY, STATUS, when } from '../format.ts';
import type { Notice } from '../stream.ts';
import { type Alert, isBreached } from '../types.ts';
import { ErrorNote, html, Loading, PriorityBadge, useAction, useLoad, useNotices } from '../ui.ts';

export interface Filters {
  status: string; // 'live' | a status | 'all'
  priority: string;
  communityCode: string;
  mine: boolean;
  breached: boolean;
}

export const defaultFilters: Filters = {
  status: 'live',
  priority: '',
  communityCode: '',
  mine: false,
  breached: false,
};

export function filterQuery(f: Filters, extra: Record<string, string> = {}) {
  const status =
    f.status === 'live' ? ['open', 'acknowledged', 'visiting'] : f.status === 'all' ? [] : [f.status];
  return query({
    status,
    priority: f.priority || undefined,
    communityCode: f.communityCode || undefined,
    assignee: f.mine ? 'me' : undefined,
    breached: f.breached ? 'true' : undefined,
    ...extra,
  });
}

/** Downloads the filtered list as CSV (discovery writes it; no resident IDs in it). */
export async function exportCsv(f: Filters): Promise<void> {
  const res = await call(discovery(`/v1/alerts/export.csv${filterQuery(f)}`));
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `预警清单-${new Date().toISOString().slice(0, 10)}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function FilterBar({ filters, onChange }: { filters: Filters; onChange: (f: Filters) => void }) {
  const user = currentUser();
  const communities = communitiesOf(user?.jurisdictions ?? []);
  const exporting = useAction();
  const set = (patch: Partial<Filters>) => onChange({ ...filters, ...patch });
  return html`
    <form class="filters" aria-label="筛选预警" onSubmit=${(e: Event) => e.preventDefault()}>
      <label>状态
        <select name="status" value=${filters.status} onChange=${(e: Event) => set({ status: (e.target as HTMLSelectElement).value })}>
          <option value="live">未办结</option>
          ${Object.entries(STATUS).map(([v, label]) => html`<option value=${v}>${label}</option>`)}
          <option value="all">全部</option>
        </select>
      </label>
      <label>优先级
        <select name="priority" value=${filters.priority} onChange=${(e: Event) => set({ priority: (e.target as HTMLSelectElement).value })}>
          <option value="">全部</option>
          ${Object.entries(PRIORITY).map(([v, label]) => html`<option value=${v}>${label}</option>`)}
        </select>
      </label>
      <label>社区
        <select name="communityCode" value=${filters.communityCode} onChange=${(e: Event) => set({ communityCode: (e.target as HTMLSelectElement).value })}>
          <option value="">全部社区</option>
          ${communities.map((c) => html`<option value=${c.code}>${c.name}</option>`)}
        </select>
      </label>
      <label class="check"><input type="checkbox" name="mine" checked=${filters.mine}
        onChange=${(e: Event) => set({ mine: (e.target as HTMLInputElement).checked })} /> 只看分派给我的</label>
      <label class="check"><input type="checkbox" name="breached" checked=${filters.breached}
        onChange=${(e: Event) => set({ breached: (e.target as HTMLInputElement).checked })} /> 只看超时</label>
      <button type="button" class="secondary" disabled=${exporting.busy}
        onClick=${() => exporting.run(() => exportCsv(filters))}>${exporting.busy ? '正在导出…' : '导出 CSV'}</button>
      <${ErrorNote} message=${exporting.error} />
    </form>`;
}

export function AlertList({ alerts, fresh }: { alerts: Alert[]; fresh: Set<string> }) {
  if (alerts.length === 0)
    return html`<p class="empty" role="status">没有符合条件的预警。新的预警到达时会自动出现在这里。</p>`;
  return html`
    <ul class="alerts" aria-label="预警列表">
      ${alerts.map(
        (a) => html`
        <li key=${a.id} class=${`alert-row${isBreached(a) ? ' breached' : ''}${fresh.has(a.id) ? ' fresh' : ''}`} data-alert-id=${a.id}>
          <a href=${`#/alerts/${a.id}`}>
            <span class="row-head">
              <${PriorityBadge} priority=${a.priority} />
              <strong>${a.title}</strong>
              ${fresh.has(a.id) ? html`<span class="badge new">新</span>` : null}
              ${isBreached(a) ? html`<span class="badge breach">超时</span>` : null}
            </span>
            <span class="row-reason">${a.reasons[0]?.summary ?? ''}</span>
            <span class="row-meta">
              <span>${a.id}</span>
              <span>${a.communityName ?? a.communityCode}</span>
              <span class=${`status status-${a.status}`}>${STATUS[a.status] ?? a.status}</span>
              <span>${when(a.raisedAt)}</span>
            </span>
          </a>
        </li>`,
      )}
    </ul>`;
}

/** My inbox: the alerts of my communities, refreshed live as events arrive. */
export function InboxView({
  fresh,
  filters,
  setFilters,
}: {
  fresh: Set<string>;
  filters: Filters;
  setFilters: (f: Filters) => void;
}) {
  const [more, setMore] = useState<{ alerts: Alert[]; next?: string }>({ alerts: [] });
  const list = useLoad(async () => {
    setMore({ alerts: [] });
    return getJson<{ alerts: Alert[]; next?: string }>(
      discovery(`/v1/alerts${filterQuery(filters, { limit: '50' })}`),
    );
  }, [JSON.stringify(filters)]);
  const onNotice = useCallback((_n: Notice) => void list.reload(), [list.reload]);
  useNotices(onNotice);
  const loadMore = useAction();
  const next = more.alerts.length > 0 ? more.next : list.data?.next;
  return html`
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">我的预警</h1>
      <${FilterBar} filters=${filters} onChange=${setFilters} />
      <${ErrorNote} message=${list.error} />
      ${list.data ? html`<${AlertList} alerts=${[...list.data.alerts, ...more.alerts]} fresh=${fresh} />` : list.error ? null : html`<${Loading} what="预警" />`}
      ${
        next
          ? html`<button type="button" class="secondary" disabled=${loadMore.busy} onClick=${() =>
              loadMore.run(async () => {
                const page = await getJson<{ alerts: Alert[]; next?: string }>(
                  discovery(`/v1/alerts${filterQuery(filters, { limit: '50', cursor: next })}`),
                );
                setMore((m) => ({
                  alerts: [...m.alerts, ...page.alerts],
                  ...(page.next ? { next: page.next } : {}),
                }));
              })}>加载更多</button>`
          : null
      }
      <${ErrorNote} message=${loadMore.error} />
    </section>`;
}
