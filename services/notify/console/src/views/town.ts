import { useCallback, useState } from 'preact/hooks';
import { currentUser, discovery, getJson, identity, query, sendJson } from '../api.ts';
import { communitiesOf, communityName, PRIORITY, STATUS, when } from '../format.ts';
import { reloadNames, useNames } from '../names.ts';
import { type Alert, isBreached } from '../types.ts';
import { ErrorNote, html, Loading, PriorityBadge, useAction, useLoad, useNotices } from '../ui.ts';
import { Reassign } from './detail.ts';
import { defaultFilters, FilterBar, type Filters, filterQuery } from './inbox.ts';

interface Statistics {
  openByPriority: Record<string, number>;
  openByCommunity: { communityCode: string; P1: number; P2: number; P3: number; P4: number; total: number }[];
  slaBreaches: { acknowledge: number; visit: number; openBreached: number };
  medianSecondsToAcknowledge: number | null;
  medianSecondsToResolve: number | null;
  raised: number;
}

const hours = (s: number | null) => (s === null ? '—' : `${(s / 3600).toFixed(1)} 小时`);

/** The town at a glance for its supervisor: breaches first, reassignment in place. */
export function TownView() {
  const nameOf = useNames();
  const [filters, setFilters] = useState<Filters>(defaultFilters);
  const stats = useLoad(() => getJson<Statistics>(discovery('/v1/statistics')), []);
  const list = useLoad(
    () => getJson<{ alerts: Alert[] }>(discovery(`/v1/alerts${filterQuery(filters, { limit: '200' })}`)),
    [JSON.stringify(filters)],
  );
  const reload = useCallback(() => {
    void stats.reload();
    void list.reload();
  }, [stats.reload, list.reload]);
  useNotices(reload);
  const [reassigning, setReassigning] = useState<string | null>(null);
  const alerts = [...(list.data?.alerts ?? [])].sort((a, b) => Number(isBreached(b)) - Number(isBreached(a)));
  const s = stats.data;
  return html`
    <section aria-labelledby="town-title">
      <h1 id="town-title">街道督导</h1>
      <p><a href="#/town/rosters">排班与请假 →</a></p>
      <${ErrorNote} message=${stats.error} />
      ${
        s
          ? html`<div class="stats" role="group" aria-label="近30天统计">
            <div class="stat"><span>在办预警</span><strong>${Object.values(s.openByPriority).reduce((x, y) => x + y, 0)}</strong></div>
            <div class="stat breach"><span>在办且已超时</span><strong>${s.slaBreaches.openBreached}</strong></div>
            <div class="stat"><span>确认超时（近30天）</span><strong>${s.slaBreaches.acknowledge}</strong></div>
            <div class="stat"><span>走访超时（近30天）</span><strong>${s.slaBreaches.visit}</strong></div>
            <div class="stat"><span>确认用时中位数</span><strong>${hours(s.medianSecondsToAcknowledge)}</strong></div>
            <div class="stat"><span>办结用时中位数</span><strong>${hours(s.medianSecondsToResolve)}</strong></div>
          </div>
          <table class="by-community">
            <caption>各社区在办预警</caption>
            <thead><tr><th scope="col">社区</th>${['P1', 'P2', 'P3', 'P4'].map((p) => html`<th scope="col">${p}</th>`)}<th scope="col">合计</th></tr></thead>
            <tbody>${s.openByCommunity.map(
              (c) =>
                html`<tr><th scope="row">${communityName(c.communityCode)}</th><td>${c.P1}</td><td>${c.P2}</td><td>${c.P3}</td><td>${c.P4}</td><td>${c.total}</td></tr>`,
            )}</tbody>
          </table>`
          : stats.error
            ? null
            : html`<${Loading} what="统计" />`
      }
      <h2>辖区预警</h2>
      <${FilterBar} filters=${filters} onChange=${setFilters} />
      <${ErrorNote} message=${list.error} />
      ${!list.data && !list.error ? html`<${Loading} what="预警" />` : null}
      ${list.data && alerts.length === 0 ? html`<p class="empty">没有符合条件的预警。</p>` : null}
      ${
        alerts.length > 0
          ? html`<div class="table-wrap"><table class="town-alerts">
          <thead><tr><th scope="col">预警</th><th scope="col">社区</th><th scope="col">状态</th><th scope="col">经办人</th><th scope="col">期限</th><th scope="col">操作</th></tr></thead>
          <tbody>${alerts.map(
            (a) => html`<tr key=${a.id} class=${isBreached(a) ? 'breached' : ''} data-alert-id=${a.id}>
              <td><${PriorityBadge} priority=${a.priority} /> <a href=${`#/alerts/${a.id}`}>${a.id}</a> ${a.title}
                ${isBreached(a) ? html` <span class="badge breach">超时</span>` : null}</td>
              <td>${a.communityName ?? a.communityCode}</td>
              <td>${STATUS[a.status] ?? a.status}</td>
              <td>${a.assigneeUserId ? nameOf(a.assigneeUserId) : '未分派'}${a.onBehalfOf ? `（代 ${nameOf(a.onBehalfOf)}）` : ''}</td>
              <td>确认 ${when(a.acknowledgeDueAt)}<br />走访 ${when(a.visitDueAt)}</td>
              <td>${
                ['open', 'acknowledged', 'visiting'].includes(a.status)
                  ? reassigning === a.id
                    ? html`<${Reassign} alert=${a} onDone=${() => {
                        setReassigning(null);
                        reload();
                      }} />`
                    : html`<button type="button" class="secondary" onClick=${() => setReassigning(a.id)}>转派</button>`
                  : null
              }</td>
            </tr>`,
          )}</tbody></table></div>`
          : null
      }
      <p class="muted">优先级：${Object.values(PRIORITY).join('，')}</p>
    </section>`;
}

interface TownUser {
  id: string;
  username: string;
  displayName: string;
  role: string;
  jurisdictions: string[];
  disabled: boolean;
}
interface Leave {
  id: string;
  userId: string;
  delegateId: string;
  startsAt: string;
  endsAt: string;
  cancelledAt: string | null;
}

function RosterEditor({ code, handlers }: { code: string; handlers: TownUser[] }) {
  const roster = useLoad(
    () => getJson<{ handlers: { userId: string }[] }>(identity(`/v1/rosters/communities/${code}`)),
    [code],
  );
  const [chosen, setChosen] = useState<Set<string> | null>(null);
  const act = useAction();
  const [saved, setSaved] = useState(false);
  const current = chosen ?? new Set((roster.data?.handlers ?? []).map((h) => h.userId));
  const eligible = handlers.filter((h) => !h.disabled && h.jurisdictions.includes(code));
  return html`
    <fieldset class="roster">
      <legend>${communityName(code)}</legend>
      ${roster.error ? html`<${ErrorNote} message=${roster.error} />` : null}
      ${
        // Until the roster is known there is nothing to edit: a box ticked earlier would save a
        // roster without the handlers already on it.
        !roster.data ? (roster.error ? null : html`<${Loading} what="排班" />`) : null
      }
      ${!roster.data ? null : eligible.length === 0 ? html`<p class="empty">本社区没有可排班的经办人。</p>` : null}
      ${(roster.data ? eligible : []).map(
        (h) =>
          html`<label class="check"><input type="checkbox" checked=${current.has(h.id)} onChange=${(
            e: Event,
          ) => {
            const next = new Set(current);
            if ((e.target as HTMLInputElement).checked) next.add(h.id);
            else next.delete(h.id);
            setChosen(next);
            setSaved(false);
          }} /> ${h.displayName}</label>`,
      )}
      ${
        roster.data && eligible.length > 0
          ? html`<button type="button" class="secondary" disabled=${act.busy || chosen === null} onClick=${() =>
              act.run(async () => {
                await sendJson('PUT', identity(`/v1/rosters/communities/${code}`), { userIds: [...current] });
                setSaved(true);
                setChosen(null);
                reloadNames();
                await roster.reload();
              })}>保存排班</button>`
          : null
      }
      ${saved ? html`<span role="status" class="ok">已保存</span>` : null}
      <${ErrorNote} message=${act.error} />
    </fieldset>`;
}

/** Rosters of the town's communities, and handlers' leave with who stands in. */
export function RostersView() {
  const user = currentUser();
  const communities = communitiesOf(user?.jurisdictions ?? []);
  const users = useLoad(
    () => getJson<{ users: TownUser[] }>(identity(`/v1/users${query({ role: 'case-handler' })}`)),
    [],
  );
  const leaves = useLoad(() => getJson<{ leaves: Leave[] }>(identity('/v1/leaves')), []);
  const handlers = users.data?.users ?? [];
  const nameOf = (id: string) => handlers.find((h) => h.id === id)?.displayName ?? id;
  const [form, setForm] = useState({ userId: '', delegateId: '', startsAt: '', endsAt: '' });
  const act = useAction();
  const set = (key: keyof typeof form) => (e: Event) =>
    setForm({ ...form, [key]: (e.target as HTMLInputElement).value });
  return html`
    <section aria-labelledby="rosters-title">
      <p><a href="#/town">← 返回街道督导</a></p>
      <h1 id="rosters-title">排班与请假</h1>
      <${ErrorNote} message=${users.error} />
      <h2>社区排班</h2>
      ${users.data ? communities.map((c) => html`<${RosterEditor} key=${c.code} code=${c.code} handlers=${handlers} />`) : html`<${Loading} what="经办人" />`}
      <h2>请假与代班</h2>
      <${ErrorNote} message=${leaves.error} />
      ${leaves.data && leaves.data.leaves.length === 0 ? html`<p class="empty">目前没有请假。</p>` : null}
      <ul class="leaves">
        ${(leaves.data?.leaves ?? []).map(
          (l) => html`<li>
            ${nameOf(l.userId)} 请假 ${when(l.startsAt)} 至 ${when(l.endsAt)}，由 ${nameOf(l.delegateId)} 代班
            ${
              l.cancelledAt
                ? html` <span class="muted">（已于 ${when(l.cancelledAt)} 取消）</span>`
                : html` <button type="button" class="secondary" onClick=${() =>
                    act.run(async () => {
                      await sendJson('POST', identity(`/v1/leaves/${l.id}/cancel`));
                      await leaves.reload();
                    })}>取消请假</button>`
            }
          </li>`,
        )}
      </ul>
      <form class="stack" aria-label="登记请假" onSubmit=${(e: Event) => {
        e.preventDefault();
        void act.run(async () => {
          await sendJson('POST', identity('/v1/leaves'), {
            userId: form.userId,
            delegateId: form.delegateId,
            startsAt: new Date(form.startsAt).toISOString(),
            endsAt: new Date(form.endsAt).toISOString(),
          });
          setForm({ userId: '', delegateId: '', startsAt: '', endsAt: '' });
          await leaves.reload();
        });
      }}>
        <h3>登记请假</h3>
        <label>请假人<select required value=${form.userId} onChange=${set('userId')}>
          <option value="">请选择</option>
          ${handlers.map((h) => html`<option value=${h.id}>${h.displayName}</option>`)}
        </select></label>
        <label>代班人<select required value=${form.delegateId} onChange=${set('delegateId')}>
          <option value="">请选择</option>
          ${handlers.filter((h) => h.id !== form.userId).map((h) => html`<option value=${h.id}>${h.displayName}</option>`)}
        </select></label>
        <label>开始<input type="datetime-local" required value=${form.startsAt} onInput=${set('startsAt')} /></label>
        <label>结束<input type="datetime-local" required value=${form.endsAt} onInput=${set('endsAt')} /></label>
        <button type="submit" disabled=${act.busy}>登记</button>
        <${ErrorNote} message=${act.error} />
      </form>
    </section>`;
}
