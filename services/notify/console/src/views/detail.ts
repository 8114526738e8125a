import { useCallback, useEffect, useState } from 'preact/hooks';
import { call, currentUser, discovery, getJson, identity, sendJson } from '../api.ts';
import {
  DISMISS_REASON,
  evidenceLabel,
  evidenceValue,
  HISTORY,
  OUTCOME,
  PRIORITY,
  STATUS,
  SYSTEM_OUTCOME,
  when,
} from '../format.ts';
import { useNames } from '../names.ts';
import type { Notice } from '../stream.ts';
import { type Alert, type AlertDetail, isLive } from '../types.ts';
import { ErrorNote, html, Loading, PriorityBadge, useAction, useLoad, useNotices } from '../ui.ts';

function Evidence({ evidence }: { evidence: Record<string, unknown> }) {
  const rows = Object.entries(evidence).filter(([, v]) => v !== null && v !== undefined);
  return html`
    <dl class="evidence">
      ${rows.map(([k, v]) =>
        typeof v === 'object' && !Array.isArray(v)
          ? html`<dt>${evidenceLabel(k)}</dt><dd><${Evidence} evidence=${v as Record<string, unknown>} /></dd>`
          : Array.isArray(v) && v.some((x) => typeof x === 'object')
            ? html`<dt>${evidenceLabel(k)}</dt><dd><ul>${v.map(
                (x) => html`<li><${Evidence} evidence=${x as Record<string, unknown>} /></li>`,
              )}</ul></dd>`
            : html`<dt>${evidenceLabel(k)}</dt><dd>${evidenceValue(k, v)}</dd>`,
      )}
    </dl>`;
}

/** The full resident IDs, on request, with a reason; discovery audits the read. */
function FullView({ alert }: { alert: Alert }) {
  const role = currentUser()?.role;
  const [purpose, setPurpose] = useState('');
  const [shown, setShown] = useState<{ residentId: string | null; members: { residentId: string }[] } | null>(
    null,
  );
  const action = useAction();
  if (role !== 'case-handler' && role !== 'town-supervisor') return null;
  if (shown)
    return html`
      <div class="full-view" role="region" aria-label="完整身份证号">
        <p class="muted">完整身份证号（本次查看已记录审计，请勿外传）</p>
        <ul>${[
          ...(shown.residentId ? [shown.residentId] : []),
          ...shown.members.map((m) => m.residentId),
        ].map((id) => html`<li class="resident-id full">${id}</li>`)}</ul>
        <button type="button" class="secondary" onClick=${() => setShown(null)}>隐藏</button>
      </div>`;
  return html`
    <details class="full-request">
      <summary>查看完整身份证号</summary>
      <form onSubmit=${(e: Event) => {
        e.preventDefault();
        void action.run(async () =>
          setShown(
            await getJson(
              discovery(`/v1/alerts/${alert.id}/subject?view=full&purpose=${encodeURIComponent(purpose)}`),
            ),
          ),
        );
      }}>
        <label>查看原因（将记录审计）
          <input name="purpose" required minLength=${2} maxLength=${200} value=${purpose}
            onInput=${(e: Event) => setPurpose((e.target as HTMLInputElement).value)} placeholder="例如：入户核实身份" />
        </label>
        <button type="submit" disabled=${action.busy}>查看</button>
        <${ErrorNote} message=${action.error} />
      </form>
    </details>`;
}

interface HouseholdView {
  householdId: string;
  communityName: string | null;
  members: { residentId: string }[];
  eligibility: { status: string; data?: unknown };
  risk: { status: string; data?: unknown };
  eldercare: { status: string; data?: unknown };
  charity?: { status: string; data?: unknown };
  assistance?: { status: string; data?: unknown };
  alerts: Alert[];
}

const PART: Record<string, string> = { ok: '已获取', 'not-found': '无记录', unavailable: '暂时无法获取' };

/**
 * The household as discovery assembles it. Fetched again whenever the alert on the page changes
 * (`stamp`: an action taken here, or its event arriving) and when any other alert of the household
 * changes, so the statuses listed here are never older than the page around them.
 */
function Household({ householdId, stamp }: { householdId: string; stamp: string }) {
  const view = useLoad(
    () => getJson<HouseholdView>(discovery(`/v1/households/${encodeURIComponent(householdId)}/view`)),
    [householdId, stamp],
  );
  const onNotice = useCallback(
    (n: Notice) => {
      if (n.householdId === householdId) void view.reload();
    },
    [householdId, view.reload],
  );
  useNotices(onNotice);
  if (view.error) return html`<${ErrorNote} message=${view.error} />`;
  if (!view.data) return html`<${Loading} what="家庭信息" />`;
  const v = view.data;
  const orders = (v.eldercare.data as { orders?: unknown[] } | undefined)?.orders?.length;
  const risk = v.risk.data as { claims?: unknown[]; outOfPocketFen?: number } | undefined;
  const grants = (
    v.assistance?.data as { applications?: { amountFen: number; status: string }[] } | undefined
  )?.applications;
  const topUps = (
    v.charity?.data as
      | { disbursements?: { amountFen: number; assistanceApplicationId?: string }[] }
      | undefined
  )?.disbursements?.filter((d) => d.assistanceApplicationId);
  return html`
    <div class="household" role="region" aria-label="家庭信息">
      <p>户编号 ${v.householdId} · ${v.communityName ?? ''}</p>
      <h4>家庭成员（${v.members.length} 人）</h4>
      <ul>${v.members.map((m) => html`<li class="resident-id">${m.residentId}</li>`)}</ul>
      <dl class="parts">
        <dt>低保等救助资格</dt><dd>${PART[v.eligibility.status] ?? v.eligibility.status}</dd>
        <dt>医疗支出风险</dt><dd>${PART[v.risk.status] ?? v.risk.status}${risk?.claims ? `，近12个月医疗单据 ${risk.claims.length} 笔` : ''}</dd>
        <dt>居家养老服务</dt><dd>${PART[v.eldercare.status] ?? v.eldercare.status}${orders !== undefined ? `，服务单 ${orders} 个` : ''}</dd>
        ${
          v.assistance
            ? html`<dt>临时救助</dt><dd data-testid="household-assistance">${PART[v.assistance.status] ?? v.assistance.status}${
                grants
                  ? `，申请 ${grants.length} 笔${topUps?.length ? `，慈善补充 ${topUps.length} 笔` : ''}`
                  : ''
              }</dd>`
            : null
        }
      </dl>
      <h4>本户预警</h4>
      <ul>${v.alerts.map(
        (a) =>
          html`<li><a href=${`#/alerts/${a.id}`}>${a.id}</a> ${a.title} · ${STATUS[a.status] ?? a.status}</li>`,
      )}</ul>
    </div>`;
}

function Photo({ alertId, noteId, position }: { alertId: string; noteId: string; position: number }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let url: string | null = null;
    void call(discovery(`/v1/alerts/${alertId}/notes/${noteId}/attachments/${position}`))
      .then((r) => r.blob())
      .then((b) => {
        url = URL.createObjectURL(b);
        setSrc(url);
      })
      .catch(() => setSrc(null));
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [alertId, noteId, position]);
  return src
    ? html`<img class="photo" src=${src} alt=${`走访照片 ${position}`} />`
    : html`<span class="muted">照片加载中…</span>`;
}

const toBase64 = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });

function Actions({ alert, onDone }: { alert: AlertDetail; onDone: () => void }) {
  const role = currentUser()?.role;
  const act = useAction();
  const [panel, setPanel] = useState<'note' | 'resolve' | 'dismiss' | 'reassign' | null>(null);
  const [text, setText] = useState('');
  const [choice, setChoice] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  if (role === 'auditor' || !isLive(alert)) return null;
  const post = (path: string, body?: unknown) =>
    act.run(async () => {
      await sendJson('POST', discovery(`/v1/alerts/${alert.id}/${path}`), body);
      setPanel(null);
      setText('');
      setChoice('');
      setFiles([]);
      onDone();
    });
  const open = (p: typeof panel) => {
    setPanel(panel === p ? null : p);
    act.setError(null);
  };
  return html`
    <section class="actions" aria-label="办理">
      <div class="buttons">
        ${alert.status === 'open' ? html`<button type="button" disabled=${act.busy} onClick=${() => post('acknowledge')}>确认接收</button>` : null}
        ${alert.status !== 'visiting' ? html`<button type="button" disabled=${act.busy} onClick=${() => post('visit')}>开始走访</button>` : null}
        <button type="button" class="secondary" aria-expanded=${panel === 'note'} onClick=${() => open('note')}>添加走访记录</button>
        <button type="button" class="secondary" aria-expanded=${panel === 'resolve'} onClick=${() => open('resolve')}>办结</button>
        <button type="button" class="secondary" aria-expanded=${panel === 'dismiss'} onClick=${() => open('dismiss')}>驳回</button>
        ${alert.householdId ? html`<a class="button secondary" href=${`#/assistance/apply/${alert.id}`}>申请临时救助</a>` : null}
        ${
          role === 'town-supervisor' || role === 'bureau-admin'
            ? html`<button type="button" class="secondary" aria-expanded=${panel === 'reassign'} onClick=${() => open('reassign')}>转派</button>`
            : null
        }
      </div>
      ${
        panel === 'note'
          ? html`<form class="panel" aria-label="添加走访记录" onSubmit=${async (e: Event) => {
              e.preventDefault();
              const attachments = await Promise.all(
                files.map(async (f) => ({ contentType: f.type, dataBase64: await toBase64(f) })),
              );
              await post('notes', { body: text, ...(attachments.length ? { attachments } : {}) });
            }}>
            <label>走访记录<textarea name="body" required maxLength=${2000} rows=${4} value=${text}
              onInput=${(e: Event) => setText((e.target as HTMLTextAreaElement).value)}></textarea></label>
            <label>照片（最多 3 张，每张不超过 2 MB）
              <input type="file" name="photos" accept="image/jpeg,image/png,image/webp" multiple
                onChange=${(e: Event) => setFiles([...((e.target as HTMLInputElement).files ?? [])].slice(0, 3))} /></label>
            <button type="submit" disabled=${act.busy}>保存记录</button>
          </form>`
          : null
      }
      ${
        panel === 'resolve'
          ? html`<form class="panel" aria-label="办结" onSubmit=${(e: Event) => {
              e.preventDefault();
              void post('resolve', { outcome: choice, ...(text ? { note: text } : {}) });
            }}>
            <label>办结结果<select name="outcome" required value=${choice} onChange=${(e: Event) => setChoice((e.target as HTMLSelectElement).value)}>
              <option value="">请选择</option>
              ${Object.entries(OUTCOME).map(([v, l]) => html`<option value=${v}>${l}</option>`)}
            </select></label>
            <label>说明（可选）<textarea name="note" maxLength=${500} rows=${2} value=${text}
              onInput=${(e: Event) => setText((e.target as HTMLTextAreaElement).value)}></textarea></label>
            <button type="submit" disabled=${act.busy}>确认办结</button>
          </form>`
          : null
      }
      ${
        panel === 'dismiss'
          ? html`<form class="panel" aria-label="驳回" onSubmit=${(e: Event) => {
              e.preventDefault();
              void post('dismiss', { reasonCode: choice, note: text });
            }}>
            <label>驳回原因<select name="reasonCode" required value=${choice} onChange=${(e: Event) => setChoice((e.target as HTMLSelectElement).value)}>
              <option value="">请选择</option>
              ${Object.entries(DISMISS_REASON).map(([v, l]) => html`<option value=${v}>${l}</option>`)}
            </select></label>
            <label>说明<textarea name="note" required maxLength=${500} rows=${2} value=${text}
              onInput=${(e: Event) => setText((e.target as HTMLTextAreaElement).value)}></textarea></label>
            <button type="submit" disabled=${act.busy}>确认驳回</button>
          </form>`
          : null
      }
      ${
        panel === 'reassign'
          ? html`<${Reassign} alert=${alert} onDone=${() => {
              setPanel(null);
              onDone();
            }} />`
          : null
      }
      <${ErrorNote} message=${act.error} />
    </section>`;
}

/** Supervisors give the alert to another handler of its community (or take it themselves). */
export function Reassign({ alert, onDone }: { alert: Alert; onDone: () => void }) {
  const roster = useLoad(
    () =>
      getJson<{ handlers: { userId: string; displayName: string }[] }>(
        identity(`/v1/rosters/communities/${alert.communityCode}`),
      ),
    [alert.communityCode],
  );
  const [userId, setUserId] = useState('');
  const act = useAction();
  const me = currentUser();
  const options = [
    ...(roster.data?.handlers ?? []).map((h) => ({ id: h.userId, name: h.displayName })),
    ...(me ? [{ id: me.id, name: `${me.displayName}（我）` }] : []),
  ].filter((o) => o.id !== alert.assigneeUserId);
  // Offer no choice until the community's handlers are known, or only "me" would be offered.
  if (!roster.data && !roster.error) return html`<${Loading} what="本社区经办人" />`;
  return html`
    <form class="panel" aria-label="转派" onSubmit=${(e: Event) => {
      e.preventDefault();
      void act.run(async () => {
        await sendJson('POST', discovery(`/v1/alerts/${alert.id}/reassign`), { userId });
        onDone();
      });
    }}>
      <label>转派给<select name="userId" required value=${userId} onChange=${(e: Event) => setUserId((e.target as HTMLSelectElement).value)}>
        <option value="">请选择</option>
        ${options.map((o) => html`<option value=${o.id}>${o.name}</option>`)}
      </select></label>
      <button type="submit" disabled=${act.busy || !userId}>确认转派</button>
      <${ErrorNote} message=${roster.error ?? act.error} />
    </form>`;
}

function Due({
  label,
  due,
  done,
  breached,
}: {
  label: string;
  due: string;
  done: string | null;
  breached: string | null;
}) {
  return html`<div class=${breached ? 'due breached' : 'due'}>
    <dt>${label}</dt>
    <dd>${when(due)}${done ? `（已于 ${when(done)} 完成）` : ''}${breached ? html` <span class="badge breach">已超时</span>` : ''}</dd>
  </div>`;
}

/**
 * An alert still in a handler's hands whose cause went away upstream (the risk cleared, the gap
 * closed, the certificate was retracted): said at the top, before anything else is done with it.
 */
function CauseWithdrawn({ alert }: { alert: AlertDetail }) {
  const live = ['open', 'acknowledged', 'visiting'].includes(alert.status);
  const latest = [...alert.history].reverse().find((h) => h.action === 'cause-withdrawn');
  if (!live || !latest) return null;
  return html`<p class="cause-withdrawn-banner" role="status" data-testid="cause-withdrawn">
    <strong>预警原因有变化：</strong>${String(latest.detail.summary ?? '')}（${when(latest.at)}）
  </p>`;
}

export function DetailView({ id }: { id: string }) {
  const nameOf = useNames();
  const detail = useLoad(() => getJson<AlertDetail>(discovery(`/v1/alerts/${encodeURIComponent(id)}`)), [id]);
  const [showHousehold, setShowHousehold] = useState(false);
  const onNotice = useCallback(
    (n: Notice) => {
      if (n.alertId === id) void detail.reload();
    },
    [id, detail.reload],
  );
  useNotices(onNotice);
  if (detail.error && !detail.data)
    return html`<section><p><a href="#/">← 返回预警列表</a></p><${ErrorNote} message=${detail.error} /></section>`;
  const a = detail.data;
  if (!a) return html`<${Loading} what="预警详情" />`;
  return html`
    <article class="detail" aria-labelledby="detail-title">
      <p><a href="#/">← 返回预警列表</a></p>
      <h1 id="detail-title"><${PriorityBadge} priority=${a.priority} /> ${a.title}</h1>
      <p class="detail-meta">
        <span>${a.id}</span>
        <span class=${`status status-${a.status}`} data-testid="status">${STATUS[a.status] ?? a.status}</span>
        <span>${PRIORITY[a.priority] ?? a.priority}</span>
        <span>${a.communityName ?? a.communityCode}</span>
      </p>
      ${a.outcome ? html`<p>办结结果：${OUTCOME[a.outcome] ?? SYSTEM_OUTCOME[a.outcome] ?? a.outcome}</p>` : null}
      <${CauseWithdrawn} alert=${a} />
      ${a.dismissReason ? html`<p>驳回原因：${DISMISS_REASON[a.dismissReason] ?? a.dismissReason}</p>` : null}
      <${Actions} alert=${a} onDone=${detail.reload} />

      <section aria-labelledby="reasons-title">
        <h2 id="reasons-title">预警原因</h2>
        <ul class="reasons">
          ${a.reasons.map(
            (r) => html`<li class=${r.withdrawnAt ? 'withdrawn' : ''}>
              <p class="reason">${r.withdrawnAt ? html`<span class="badge">已撤销</span> ` : null}${r.summary}</p>
              ${
                r.evidence && Object.keys(r.evidence).length > 0
                  ? html`<details><summary>依据明细</summary><${Evidence} evidence=${r.evidence} /></details>`
                  : null
              }
            </li>`,
          )}
        </ul>
      </section>

      <section aria-labelledby="subject-title">
        <h2 id="subject-title">对象</h2>
        <dl class="facts">
          ${a.householdId ? html`<dt>户编号</dt><dd>${a.householdId}</dd>` : null}
          ${a.residentId ? html`<dt>身份证号</dt><dd class="resident-id">${a.residentId}</dd>` : null}
        </dl>
        ${
          a.householdId
            ? html`<button type="button" class="secondary" aria-expanded=${showHousehold}
              onClick=${() => setShowHousehold(!showHousehold)}>${showHousehold ? '收起家庭信息' : '查看家庭信息'}</button>
              ${showHousehold ? html`<${Household} householdId=${a.householdId} stamp=${`${a.status}:${a.history.length}`} />` : null}`
            : null
        }
        <${FullView} alert=${a} />
      </section>

      <section aria-labelledby="sla-title">
        <h2 id="sla-title">时限</h2>
        <dl class="facts">
          <dt>发起时间</dt><dd>${when(a.raisedAt)}</dd>
          <${Due} label="确认期限" due=${a.acknowledgeDueAt} done=${a.acknowledgedAt} breached=${a.acknowledgeBreachedAt} />
          <${Due} label="走访期限" due=${a.visitDueAt} done=${a.visitStartedAt} breached=${a.visitBreachedAt} />
          <dt>经办人</dt><dd data-testid="assignee">${a.assigneeUserId ? nameOf(a.assigneeUserId) : '未分派'}${a.onBehalfOf ? `（代 ${nameOf(a.onBehalfOf)}）` : ''}</dd>
        </dl>
      </section>

      <section aria-labelledby="notes-title">
        <h2 id="notes-title">走访记录</h2>
        ${a.notes.length === 0 ? html`<p class="empty">还没有走访记录。</p>` : null}
        <ul class="notes">
          ${a.notes.map(
            (n) => html`<li>
              <p class="note-body">${n.body}</p>
              <p class="muted">${nameOf(n.author)} · ${when(n.createdAt)}</p>
              ${n.attachments.map((p) => html`<${Photo} alertId=${a.id} noteId=${n.id} position=${p.position} />`)}
            </li>`,
          )}
        </ul>
      </section>

      <section aria-labelledby="history-title">
        <h2 id="history-title">办理记录</h2>
        <ol class="history">
          ${a.history.map(
            (h) =>
              html`<li class=${h.action === 'cause-withdrawn' ? 'cause-withdrawn' : ''}><span>${when(h.at)}</span> <strong>${HISTORY[h.action] ?? h.action}</strong> <span class="muted">${h.actor === 'system' ? '系统' : nameOf(h.actor)}</span>${
                h.action === 'cause-withdrawn' && typeof h.detail.summary === 'string'
                  ? html` <span>${h.detail.summary}</span>`
                  : null
              }</li>`,
          )}
        </ol>
      </section>
    </article>`;
}
