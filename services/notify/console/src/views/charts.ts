// Two small charts drawn as SVG by hand (no chart library): a month-by-month line against the
// plan's target, and bars by town. Both scale to their card's width, so they fit a phone too, and
// say in words (aria-label) what they show.
import { html } from '../ui.ts';

export type Unit = 'percent' | 'count';

export const shown = (value: number | null | undefined, unit: Unit): string =>
  value === null || value === undefined ? '—' : unit === 'percent' ? `${value}%` : String(value);

const W = 320;
const H = 132;
const PAD = { left: 34, right: 10, top: 12, bottom: 22 };

/** The value's trend by month (a line) against the target (a dashed line). */
export function TrendChart({
  points,
  target,
  unit,
  title,
}: {
  points: { month: string; value: number | null }[];
  target: number;
  unit: Unit;
  title: string;
}) {
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const top = Math.max(target, ...values, unit === 'percent' ? 1 : 1) * 1.1;
  const x = (i: number) =>
    PAD.left +
    (points.length <= 1
      ? (W - PAD.left - PAD.right) / 2
      : (i * (W - PAD.left - PAD.right)) / (points.length - 1));
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / top);
  // A month without a value breaks the line rather than dropping to zero.
  const runs: string[] = [];
  let run: string[] = [];
  points.forEach((p, i) => {
    if (p.value === null) {
      if (run.length > 0) runs.push(run.join(' '));
      run = [];
    } else run.push(`${x(i).toFixed(1)},${y(p.value).toFixed(1)}`);
  });
  if (run.length > 0) runs.push(run.join(' '));
  const first = points[0]?.month ?? '';
  const last = points[points.length - 1]?.month ?? '';
  const said = points.map((p) => `${p.month} ${shown(p.value, unit)}`).join('，');
  return html`<svg class="chart trend" data-testid="trend-chart" viewBox=${`0 0 ${W} ${H}`} role="img"
      aria-label=${`${title}按月趋势：${said}；目标 ${shown(target, unit)}`}>
    <line class="axis" x1=${PAD.left} y1=${H - PAD.bottom} x2=${W - PAD.right} y2=${H - PAD.bottom} />
    <line class="target" data-testid="target-line" x1=${PAD.left} y1=${y(target)} x2=${W - PAD.right} y2=${y(target)} />
    <text class="tick" x=${PAD.left - 4} y=${y(target) + 4} text-anchor="end">${shown(target, unit)}</text>
    <text class="tick" x=${PAD.left - 4} y=${H - PAD.bottom + 4} text-anchor="end">0</text>
    ${runs.map((r) => html`<polyline class="series" points=${r} />`)}
    ${points.map((p, i) =>
      p.value === null
        ? null
        : html`<circle class="dot" cx=${x(i)} cy=${y(p.value)} r="2.5"><title>${p.month}：${shown(p.value, unit)}</title></circle>`,
    )}
    <text class="tick" x=${PAD.left} y=${H - 6}>${first}</text>
    <text class="tick" x=${W - PAD.right} y=${H - 6} text-anchor="end">${last}</text>
  </svg>`;
}

/** Each town's value as a horizontal bar; the target as a mark across them. */
export function TownBars({
  towns,
  target,
  unit,
  title,
}: {
  towns: { townCode: string; townName: string; value: number | null }[];
  target: number;
  unit: Unit;
  title: string;
}) {
  const row = 22;
  const height = towns.length * row + 8;
  const labelW = 86;
  const barW = W - labelW - 54;
  // Counts by town are compared with each other; percentages with the target.
  const top = Math.max(unit === 'percent' ? target : 0, ...towns.map((t) => t.value ?? 0), 1);
  const said = towns.map((t) => `${t.townName} ${shown(t.value, unit)}`).join('，');
  return html`<svg class="chart bars" data-testid="town-bars" viewBox=${`0 0 ${W} ${height}`} role="img"
      aria-label=${`${title}各镇（街道）：${said}`}>
    ${towns.map((t, i) => {
      const w = ((t.value ?? 0) / top) * barW;
      return html`<g>
        <text class="tick" x=${labelW - 6} y=${i * row + 17} text-anchor="end">${t.townName}</text>
        <rect class="bar" x=${labelW} y=${i * row + 5} width=${Math.max(w, 0.5)} height=${row - 8} />
        <text class="tick" x=${labelW + w + 4} y=${i * row + 17}>${shown(t.value, unit)}</text>
      </g>`;
    })}
    ${
      unit === 'percent'
        ? html`<line class="target" x1=${labelW + (target / top) * barW} y1="2" x2=${labelW + (target / top) * barW} y2=${height - 2} />`
        : null
    }
  </svg>`;
}
