import { useState } from 'preact/hooks';
import { call, currentUser, getJson, query, scorecard, sendJson } from '../api.ts';
import { ROLE, towns, when } from '../format.ts';
import { useNames } from '../names.ts';
import { ErrorNote, html, Loading, useAction, useLoad } from '../ui.ts';
import { shown, TownBars, TrendChart, type Unit } from './charts.ts';

interface Reading {
  value: number | null;
  numerator?: number;
  denominator?: number;
}
interface MeasureCard extends Reading {
  key: string;
  label: string;
  baseline: number | null;
  target: number;
  expected: number;
  progress: 'met' | 'on-track' | 'behind' | 'no-data';
  byTown: (Reading & { townCode: string; townName: string })[];
  trend: { month: string; value: number | null }[];
}
interface Fact {
  factId: string;
  measure: string;
  townCode: string | null;
  asOf: string;
  value: number;
  sourceDocument: string;
  note: string | null;
  recordedBy: string;
  recordedByRole: string;
  recordedAt: string;
}
interface Card {
  number: number;
  name: string;
  kind: 'binding' | 'expected';
  unit: Unit;
  source: 'computed' | 'recorded';
  definition: string;
  measures: MeasureCard[];
  rolling12?: Reading;
  assumption?: string;
  facts?: Fact[];
}
interface Scorecard {
  month: string;
  trendFrom: string;
  indicators: Card[];
}

const PROGRESS = {
  met: '已达标',
  'on-track': '进度正常',
  behind: '进度滞后',
  'no-data': '暂无数据',
} as const;

/** This month on the Shanghai calendar. */
function thisMonth(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
}

/** Downloads a file the API gives only with the access token (a plain link cannot send it). */
async function download(path: string, filename: string): Promise<void> {
  const blob = await (await call(path)).blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function townName(code: string | null): string {
  if (code === null) return '全市';
  return towns().find((t) => t.code === code)?.name ?? code;
}

function IndicatorCard({ card }: { card: Card }) {
  const titleId = `ind-${card.number}`;
  const latest = card.facts?.[0];
  const nameOf = useNames();
  // By name where the viewer may know it, otherwise by id and role.
  const recorder = (f: Fact) =>
    nameOf(f.recordedBy) === f.recordedBy
      ? `${f.recordedBy}（${ROLE[f.recordedByRole] ?? f.recordedByRole}）`
      : nameOf(f.recordedBy);
  return html`<li class="plan-card" data-indicator=${card.number} aria-labelledby=${titleId}>
    <h2 id=${titleId}><span class="ind-no">${card.number}</span>${card.name}</h2>
    <p class="tags">
      <span class=${`badge kind-${card.kind}`}>${card.kind === 'binding' ? '约束性' : '预期性'}</span>
      <span class="badge">${card.source === 'computed' ? '系统计算' : '民政局登记'}</span>
    </p>
    ${card.measures.map(
      (m) => html`<div class="measure" data-measure=${m.key}>
        <p class="reading">
          ${m.label ? html`<span class="measure-label">${m.label}</span>` : null}
          <strong class="value" data-testid="value">${shown(m.value, card.unit)}</strong>
          <span class=${`badge progress-${m.progress}`} data-testid="progress">${PROGRESS[m.progress]}</span>
        </p>
        <p class="muted small">
          ${m.numerator !== undefined && m.denominator !== undefined ? `${m.numerator} / ${m.denominator}　` : ''}
          2020年 ${shown(m.baseline, card.unit)} → 2025年目标 ${shown(m.target, card.unit)}（本月应达 ${shown(m.expected, card.unit)}）
        </p>
        <${TrendChart} points=${m.trend} target=${m.target} unit=${card.unit} title=${card.name} />
        ${m.byTown.length > 0 ? html`<${TownBars} towns=${m.byTown} target=${m.target} unit=${card.unit} title=${card.name} />` : null}
      </div>`,
    )}
    ${card.rolling12 ? html`<p class="small">滚动12个月：${shown(card.rolling12.value, card.unit)}${card.rolling12.numerator !== undefined ? `（${card.rolling12.numerator} / ${card.rolling12.denominator}）` : ''}</p>` : null}
    ${card.assumption ? html`<p class="assumption small" data-testid="assumption">口径说明：${card.assumption}</p>` : null}
    ${
      latest
        ? html`<p class="fact small" data-testid="latest-fact">最近登记：${townName(latest.townCode)} ${shown(latest.value, card.unit)}（${latest.asOf} 起，文号 ${latest.sourceDocument}），${recorder(latest)} ${when(latest.recordedAt)} 登记</p>`
        : card.source === 'recorded'
          ? html`<p class="fact small muted">尚无登记</p>`
          : null
    }
    <details class="small"><summary>口径</summary><p>${card.definition}</p></details>
  </li>`;
}

function FactForm({ cards, onSaved }: { cards: Card[]; onSaved: () => void }) {
  const recorded = cards.filter((c) => c.source === 'recorded');
  const [indicator, setIndicator] = useState(String(recorded[0]?.number ?? ''));
  const chosen = recorded.find((c) => String(c.number) === indicator);
  const [measure, setMeasure] = useState('');
  const [town, setTown] = useState('');
  const [asOf, setAsOf] = useState('');
  const [value, setValue] = useState('');
  const [sourceDocument, setSourceDocument] = useState('');
  const [note, setNote] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const act = useAction();
  const input = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);
  return html`<form class="fact-form stack" aria-label="登记指标数据" onSubmit=${async (e: Event) => {
    e.preventDefault();
    setSaved(null);
    const ok = await act.run(() =>
      sendJson('POST', scorecard('/v1/scorecard/facts'), {
        indicator: Number(indicator),
        ...(measure && chosen && chosen.measures.length > 1 ? { measure } : {}),
        ...(town ? { townCode: town } : {}),
        asOf,
        value: Number(value),
        sourceDocument: sourceDocument.trim(),
        ...(note.trim() ? { note: note.trim() } : {}),
      }),
    );
    if (ok) {
      setSaved(`已登记：第${indicator}项 ${value}（文号 ${sourceDocument.trim()}）`);
      setValue('');
      setSourceDocument('');
      setNote('');
      onSaved();
    }
  }}>
    <h2>登记指标数据</h2>
    <label>指标<select value=${indicator} onChange=${input(setIndicator)}>
      ${recorded.map((c) => html`<option value=${String(c.number)}>${c.number}. ${c.name}</option>`)}
    </select></label>
    ${
      chosen && chosen.measures.length > 1
        ? html`<label>分项<select value=${measure} required onChange=${input(setMeasure)}>
            <option value="">请选择</option>
            ${chosen.measures.map((m) => html`<option value=${m.key}>${m.label}</option>`)}
          </select></label>`
        : null
    }
    <label>范围<select value=${town} onChange=${input(setTown)}>
      <option value="">全市</option>
      ${towns().map((t) => html`<option value=${t.code}>${t.name}</option>`)}
    </select></label>
    <label>数据日期<input type="date" required value=${asOf} onInput=${input(setAsOf)} /></label>
    <label>数值${chosen?.unit === 'percent' ? '（%）' : ''}<input type="number" min="0" step="0.01" required value=${value} onInput=${input(setValue)} /></label>
    <label>文件号<input required minLength=${2} maxLength=${80} placeholder="如 太民发〔2025〕12号" value=${sourceDocument} onInput=${input(setSourceDocument)} /></label>
    <label>备注（可选）<input maxLength=${200} value=${note} onInput=${input(setNote)} /></label>
    <button type="submit" disabled=${act.busy}>${act.busy ? '正在登记…' : '登记'}</button>
    <${ErrorNote} message=${act.error} />
    ${saved ? html`<p class="notice" role="status">${saved}</p>` : null}
  </form>`;
}

/** 规划指标: the plan's 19 indicators for a month, each a card with its trend and towns. */
export function ScorecardView() {
  const me = currentUser();
  const [month, setMonth] = useState(thisMonth());
  const data = useLoad(() => getJson<Scorecard>(scorecard(`/v1/scorecard${query({ month })}`)), [month]);
  const exporting = useAction();
  const cards = data.data?.indicators ?? [];
  const count = (p: MeasureCard['progress']) => cards.filter((c) => c.measures[0]?.progress === p).length;
  return html`<section aria-labelledby="plan-title" class="plan">
    <h1 id="plan-title">规划指标</h1>
    <p class="muted small">“十四五”民政事业发展规划附件2：19项主要指标，2020年基数与2025年目标。${
      me?.role === 'town-supervisor' ? '分镇数据仅显示本街道（镇）。' : ''
    }</p>
    <div class="plan-tools">
      <label>统计月份<input type="month" value=${month} max=${thisMonth()} onChange=${(e: Event) => {
        const v = (e.target as HTMLInputElement).value;
        if (v) setMonth(v);
      }} /></label>
      <button type="button" disabled=${exporting.busy} onClick=${() =>
        void exporting.run(() =>
          download(scorecard(`/v1/scorecard.csv${query({ month })}`), `规划指标-${month}.csv`),
        )}>导出 CSV</button>
      <button type="button" disabled=${exporting.busy} onClick=${() =>
        void exporting.run(() =>
          download(scorecard(`/v1/scorecard.pdf${query({ month })}`), `规划指标-${month}.pdf`),
        )}>打印 PDF</button>
    </div>
    <${ErrorNote} message=${exporting.error ?? data.error} />
    ${!data.data && !data.error ? html`<${Loading} what="规划指标" />` : null}
    ${
      cards.length > 0
        ? html`<p class="plan-summary" role="status">已达标 ${count('met')} 项 · 进度正常 ${count('on-track')} 项 · 滞后 ${count('behind')} 项 · 暂无数据 ${count('no-data')} 项</p>
          <ul class="plan-cards">${cards.map((c) => html`<${IndicatorCard} key=${c.number} card=${c} />`)}</ul>`
        : null
    }
    ${me?.role === 'bureau-admin' && cards.length > 0 ? html`<${FactForm} cards=${cards} onSaved=${() => void data.reload()} />` : null}
  </section>`;
}
