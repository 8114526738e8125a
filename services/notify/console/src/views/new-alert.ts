import { useState } from 'preact/hooks';
import { currentUser, discovery, sendJson } from '../api.ts';
import { CHANNEL, communitiesOf, PRIORITY } from '../format.ts';
import type { Alert } from '../types.ts';
import { ErrorNote, html, useAction } from '../ui.ts';

const RESIDENT_ID = /^\d{17}[\dX]$/;

/** GB 11643-1999 check character, so a mistyped number is caught before it is sent. */
function validResidentId(id: string): boolean {
  if (!RESIDENT_ID.test(id)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((s, w, i) => s + w * Number(id[i]), 0);
  return '10X98765432'[sum % 11] === id[17];
}

/** Open an alert by hand: a walk-in, a hotline call, a grid worker's report. */
export function NewAlertView() {
  const communities = communitiesOf(currentUser()?.jurisdictions ?? []);
  const [form, setForm] = useState({
    communityCode: communities.length === 1 ? (communities[0]?.code ?? '') : '',
    channel: 'walk-in',
    priority: '',
    householdId: '',
    residentId: '',
    summary: '',
  });
  const act = useAction();
  const set = (key: keyof typeof form) => (e: Event) =>
    setForm({ ...form, [key]: (e.target as HTMLInputElement).value.trim() });
  return html`
    <section aria-labelledby="new-title">
      <h1 id="new-title">新建预警</h1>
      <form class="stack" onSubmit=${(e: Event) => {
        e.preventDefault();
        if (form.residentId && !validResidentId(form.residentId)) {
          act.setError('身份证号校验位不正确，请核对');
          return;
        }
        void act.run(async () => {
          const alert = await sendJson<Alert>('POST', discovery('/v1/alerts'), {
            communityCode: form.communityCode,
            channel: form.channel,
            summary: form.summary,
            ...(form.priority ? { priority: form.priority } : {}),
            ...(form.householdId ? { householdId: form.householdId } : {}),
            ...(form.residentId ? { residentId: form.residentId } : {}),
          });
          location.hash = `#/alerts/${alert.id}`;
        });
      }}>
        <label>社区<select name="communityCode" required value=${form.communityCode} onChange=${set('communityCode')}>
          <option value="">请选择</option>
          ${communities.map((c) => html`<option value=${c.code}>${c.name}</option>`)}
        </select></label>
        <label>来源<select name="channel" value=${form.channel} onChange=${set('channel')}>
          ${Object.entries(CHANNEL).map(([v, l]) => html`<option value=${v}>${l}</option>`)}
        </select></label>
        <label>优先级<select name="priority" value=${form.priority} onChange=${set('priority')}>
          <option value="">按规则默认</option>
          ${Object.entries(PRIORITY).map(([v, l]) => html`<option value=${v}>${l}</option>`)}
        </select></label>
        <label>户编号（可选）<input name="householdId" value=${form.householdId} onInput=${set('householdId')} maxLength=${64} /></label>
        <label>身份证号（可选，无户编号时填写）<input name="residentId" value=${form.residentId} onInput=${set('residentId')}
          inputMode="text" autoComplete="off" pattern="\\d{17}[\\dX]" maxLength=${18} /></label>
        <label>情况说明<textarea name="summary" required maxLength=${200} rows=${3} value=${form.summary} onInput=${set('summary')}></textarea></label>
        <button type="submit" disabled=${act.busy}>提交</button>
        <${ErrorNote} message=${act.error} />
      </form>
    </section>`;
}
