import type { Scorecard } from '../scorecard.ts';

const progressLabel = { met: '已达标', 'on-track': '进度正常', behind: '滞后', 'no-data': '无数据' } as const;

function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  // Quote what would break a row, and neutralise a leading formula character for spreadsheets.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The scorecard as CSV: one row per indicator measure for the county, then one per visible town. */
export function scorecardCsv(card: Scorecard): string {
  const header = [
    '月份',
    '序号',
    '指标',
    '分项',
    '属性',
    '范围',
    '数值',
    '分子',
    '分母',
    '2020年基数',
    '2025年目标',
    '进度',
  ];
  const rows = [header];
  for (const i of card.indicators) {
    for (const m of i.measures) {
      const kind = i.kind === 'binding' ? '约束性' : '预期性';
      rows.push([
        card.month,
        String(i.number),
        i.name,
        m.label,
        kind,
        '全市',
        m.value === null ? '' : String(m.value),
        m.numerator === undefined ? '' : String(m.numerator),
        m.denominator === undefined ? '' : String(m.denominator),
        m.baseline === null ? '' : String(m.baseline),
        String(m.target),
        progressLabel[m.progress],
      ]);
      for (const t of m.byTown) {
        rows.push([
          card.month,
          String(i.number),
          i.name,
          m.label,
          kind,
          t.townName,
          t.value === null ? '' : String(t.value),
          t.numerator === undefined ? '' : String(t.numerator),
          t.denominator === undefined ? '' : String(t.denominator),
          '',
          '',
          '',
        ]);
      }
    }
  }
  // A byte-order mark so spreadsheet programs read the Chinese as UTF-8.
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
