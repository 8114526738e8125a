import { useState } from 'preact/hooks';
import { assistance, currentUser, getJson, query, sendJson } from '../api.ts';
import { communityName, when, yuan } from '../format.ts';
import { ErrorNote, html, Loading, useAction, useLoad } from '../ui.ts';

// Temporary assistance (临时救助): a handler applies from an alert (the household and the alert's
// reasons come from discovery, the amount and any refusal from eligibility's rule, through the
// assistance service); approvers work their queue and record the payment.

export const CAUSE: Record<string, string> = {
  'major-illness': '重大疾病',
  accident: '意外事故',
  disaster: '自然灾害',
  death: '家庭成员死亡',
  'rigid-expense': '突发刚性支出',
};

const APPLICATION_STATUS: Record<string, string> = {
  pending: '待审批',
  approved: '已批准，待发放',
  refused: '已拒绝',
  paid: '已发放',
};

const LEVEL: Record<string, string> = { town: '镇（街道）审批', bureau: '县民政局审批' };

interface Check {
  code: string;
  passed: boolean;
  actual: string;
  threshold: string;
}

interface ProposalView {
  alert: { alertId: string; householdId: string; communityCode: string; title: string };
  reasons: string[];
  proposal: {
    status: string;
    maximumFen: number;
    proposedFen: number;
    policyVersion: string;
    approvalLevel: string;
    dibaoStandardFen: number;
    householdSize: number;
    checks: Check[];
  };
  refusals: { code: string; message: string }[];
  approvalsNeeded: number;
}

interface Application {
  applicationId: string;
  alertId: string | null;
  householdId: string;
  communityCode: string;
  cause: string;
  reasons: string[];
  amountFen: number;
  policyVersion: string;
  approvalLevel: string;
  approvalsNeeded: number;
  approvedBy: string[];
  status: string;
  appliedBy: string;
  appliedAt: string;
  refusalReason: string | null;
  paymentReference: string | null;
  paidOn: string | null;
  evidence: { evidenceId: string; kind: string }[];
}

const EVIDENCE_KIND: Record<string, string> = {
  'hospital-bill': '医疗费用票据',
  photo: '现场照片',
  other: '其他材料',
};

const toBase64 = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });

function Refusals({ refusals }: { refusals: { code: string; message: string }[] }) {
  if (refusals.length === 0) return null;
  return html`<div class="error" role="alert" data-testid="refusals">
    <p>不符合临时救助条件：</p>
    <ul>${refusals.map((r) => html`<li data-code=${r.code}>${r.message}</li>`)}</ul>
  </div>`;
}

function Evidence({ application, onDone }: { application: Application; onDone: () => void }) {
  const [kind, setKind] = useState('hospital-bill');
  const [file, setFile] = useState<File | null>(null);
  const act = useAction();
  return html`<form class="panel" aria-label="上传证明材料" onSubmit=${(e: Event) => {
    e.preventDefault();
    if (!file) return;
    void act.run(async () => {
      await sendJson('POST', assistance(`/v1/applications/${application.applicationId}/evidence`), {
        kind,
        contentType: file.type,
        dataBase64: await toBase64(file),
      });
      setFile(null);
      onDone();
    });
  }}>
    <label>材料类型<select name="kind" value=${kind} onChange=${(e: Event) => setKind((e.target as HTMLSelectElement).value)}>
      ${Object.entries(EVIDENCE_KIND).map(([v, l]) => html`<option value=${v}>${l}</option>`)}
    </select></label>
    <label>文件（JPEG、PNG 或 PDF，不超过 4 MB）<input type="file" name="file" accept="image/jpeg,image/png,application/pdf"
      onChange=${(e: Event) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} /></label>
    <button type="submit" disabled=${act.busy || !file}>上传</button>
    <${ErrorNote} message=${act.error} />
  </form>`;
}

function ApplicationCard({ id }: { id: string }) {
  const loaded = useLoad(() => getJson<Application>(assistance(`/v1/applications/${id}`)), [id]);
  const a = loaded.data;
  if (!a)
    return loaded.error ? html`<${ErrorNote} message=${loaded.error} />` : html`<${Loading} what="申请" />`;
  return html`<section class="panel" aria-label="临时救助申请" data-testid="application">
    <p><strong>${a.applicationId}</strong> <span class="status" data-testid="application-status">${APPLICATION_STATUS[a.status] ?? a.status}</span></p>
    <p>救助金额：<strong data-testid="application-amount">${yuan(a.amountFen)}</strong>（${LEVEL[a.approvalLevel] ?? a.approvalLevel}，需 ${a.approvalsNeeded} 人审批）</p>
    <p>证明材料：${a.evidence.length === 0 ? '尚未上传' : a.evidence.map((e) => EVIDENCE_KIND[e.kind] ?? e.kind).join('、')}</p>
    ${a.status === 'pending' ? html`<${Evidence} application=${a} onDone=${loaded.reload} />` : null}
  </section>`;
}

/** Apply from an alert: the household and reasons prefilled, the amount the rule allows shown before submitting. */
export function ApplyView({ alertId }: { alertId: string }) {
  const [cause, setCause] = useState('major-illness');
  const [requested, setRequested] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [refusals, setRefusals] = useState<{ code: string; message: string }[]>([]);
  const requestedFen = requested ? Math.round(Number(requested) * 100) : undefined;
  const proposal = useLoad(
    () =>
      getJson<ProposalView>(
        assistance(
          `/v1/proposals${query({ alertId, cause, requestedFen: requestedFen === undefined ? undefined : String(requestedFen) })}`,
        ),
      ),
    [alertId, cause, requestedFen],
  );
  const act = useAction();
  const p = proposal.data;
  const shownRefusals = refusals.length > 0 ? refusals : (p?.refusals ?? []);
  return html`<section aria-labelledby="apply-title">
    <p><a href=${`#/alerts/${alertId}`}>← 返回预警</a></p>
    <h1 id="apply-title">申请临时救助</h1>
    ${
      p
        ? html`<dl class="facts">
            <dt>预警</dt><dd>${p.alert.alertId} ${p.alert.title}</dd>
            <dt>家庭</dt><dd data-testid="household">${p.alert.householdId}（${communityName(p.alert.communityCode)}）</dd>
            <dt>预警原因</dt><dd data-testid="reasons">${p.reasons.join('；')}</dd>
            <dt>低保标准</dt><dd>${yuan(p.proposal.dibaoStandardFen)}/人·月，家庭 ${p.proposal.householdSize} 人</dd>
            <dt>可救助金额</dt><dd data-testid="proposed">${yuan(p.proposal.maximumFen)}</dd>
            <dt>审批</dt><dd>${LEVEL[p.proposal.approvalLevel] ?? p.proposal.approvalLevel}，需 ${p.approvalsNeeded} 人审批（政策版本 ${p.proposal.policyVersion}）</dd>
          </dl>`
        : proposal.error
          ? html`<${ErrorNote} message=${proposal.error} />`
          : html`<${Loading} what="救助核算" />`
    }
    ${
      created
        ? html`<${ApplicationCard} id=${created} />`
        : html`<form class="stack" aria-label="临时救助申请" onSubmit=${(e: Event) => {
            e.preventDefault();
            setRefusals([]);
            void act.run(async () => {
              try {
                const a = await sendJson<Application>('POST', assistance('/v1/applications'), {
                  alertId,
                  cause,
                  ...(requestedFen ? { requestedFen } : {}),
                });
                setCreated(a.applicationId);
              } catch (err) {
                const details = (err as { details?: { refusals?: { code: string; message: string }[] } })
                  .details;
                if (details?.refusals) setRefusals(details.refusals);
                throw err;
              }
            });
          }}>
          <label>救助事由<select name="cause" value=${cause} onChange=${(e: Event) => setCause((e.target as HTMLSelectElement).value)}>
            ${Object.entries(CAUSE).map(([v, l]) => html`<option value=${v}>${l}</option>`)}
          </select></label>
          <label>申请金额（元，留空按可救助金额）<input name="requested" inputMode="decimal" value=${requested}
            onChange=${(e: Event) => setRequested((e.target as HTMLInputElement).value.trim())} /></label>
          <${Refusals} refusals=${shownRefusals} />
          <button type="submit" disabled=${act.busy || !p || shownRefusals.length > 0}>提交申请</button>
          ${refusals.length > 0 ? null : html`<${ErrorNote} message=${act.error} />`}
        </form>`
    }
  </section>`;
}

function QueueItem({ a, onDone }: { a: Application; onDone: () => void }) {
  const act = useAction();
  const [reason, setReason] = useState('');
  const [reference, setReference] = useState('');
  const [paidOn, setPaidOn] = useState(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10));
  const me = currentUser()?.id;
  const post = (path: string, body?: unknown) =>
    act.run(async () => {
      await sendJson('POST', assistance(`/v1/applications/${a.applicationId}/${path}`), body);
      onDone();
    });
  return html`<li class="card" data-testid="queue-item" data-id=${a.applicationId}>
    <p><strong>${a.applicationId}</strong> ${CAUSE[a.cause] ?? a.cause} · ${a.householdId}（${communityName(a.communityCode)}）</p>
    <p>${a.reasons.join('；')}</p>
    <p>金额 <strong>${yuan(a.amountFen)}</strong> · ${LEVEL[a.approvalLevel] ?? a.approvalLevel} · 已审批 ${a.approvedBy.length}/${a.approvalsNeeded} · 申请于 ${when(a.appliedAt)}</p>
    ${
      a.status === 'pending'
        ? html`<div class="buttons">
            <button type="button" disabled=${act.busy || a.appliedBy === me || a.approvedBy.includes(me ?? '')} onClick=${() => post('approve')}>批准</button>
            <input aria-label="拒绝理由" placeholder="拒绝理由" value=${reason} onInput=${(e: Event) => setReason((e.target as HTMLInputElement).value)} />
            <button type="button" class="secondary" disabled=${act.busy || !reason.trim()} onClick=${() => post('refuse', { reason: reason.trim() })}>拒绝</button>
          </div>`
        : html`<form class="buttons" aria-label="登记发放" onSubmit=${(e: Event) => {
            e.preventDefault();
            void post('payment', { paymentReference: reference.trim(), paidOn });
          }}>
            <input aria-label="支付凭证号" placeholder="支付凭证号" required value=${reference} onInput=${(e: Event) => setReference((e.target as HTMLInputElement).value)} />
            <input aria-label="发放日期" type="date" required value=${paidOn} onInput=${(e: Event) => setPaidOn((e.target as HTMLInputElement).value)} />
            <button type="submit" disabled=${act.busy}>登记发放</button>
          </form>`
    }
    <${ErrorNote} message=${act.error} />
  </li>`;
}

/** The approver's queue: pending applications to approve or refuse, approved ones to pay. */
export function AssistanceQueueView() {
  const pending = useLoad(
    () => getJson<{ applications: Application[] }>(assistance('/v1/applications?status=pending')),
    [],
  );
  const approved = useLoad(
    () => getJson<{ applications: Application[] }>(assistance('/v1/applications?status=approved')),
    [],
  );
  const reload = () => {
    void pending.reload();
    void approved.reload();
  };
  const list = (state: typeof pending, empty: string) =>
    state.data
      ? state.data.applications.length === 0
        ? html`<p class="muted">${empty}</p>`
        : html`<ul class="cards">${state.data.applications.map((a) => html`<${QueueItem} key=${a.applicationId} a=${a} onDone=${reload} />`)}</ul>`
      : state.error
        ? html`<${ErrorNote} message=${state.error} />`
        : html`<${Loading} what="申请" />`;
  return html`<section aria-labelledby="queue-title">
    <h1 id="queue-title">临时救助审批</h1>
    <h2>待审批</h2>
    ${list(pending, '没有待审批的申请')}
    <h2>待发放</h2>
    ${list(approved, '没有待发放的申请')}
  </section>`;
}
