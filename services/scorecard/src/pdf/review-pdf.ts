import { createChineseDocument, shanghaiChineseDate } from '@huimin/pdf';
import type { Scorecard } from '../scorecard.ts';

const progressLabel = { met: '已达标', 'on-track': '进度正常', behind: '滞后', 'no-data': '无数据' } as const;

function shown(value: number | null, unit: 'percent' | 'count'): string {
  if (value === null) return '—';
  return unit === 'percent' ? `${value}%` : String(value);
}

/** The scorecard for the bureau's quarterly review: one printable A4 table of the 19 indicators. */
export function renderReviewPdf(card: Scorecard, printedAt: Date): Promise<Buffer> {
  const { doc, finish } = createChineseDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 36,
    info: { Title: `“十四五”民政规划指标 ${card.month}`, Producer: 'Huimin scorecard' },
  });
  doc.fontSize(18).text('“十四五”民政事业发展规划主要指标完成情况', { align: 'center' });
  doc.fontSize(10).text(`统计月份：${card.month}　　打印日期：${shanghaiChineseDate(printedAt)}`, {
    align: 'center',
  });
  doc.moveDown(0.8);
  const columns = [
    { title: '序号', width: 32 },
    { title: '指标', width: 300 },
    { title: '属性', width: 50 },
    { title: '2020年', width: 60 },
    { title: '2025年目标', width: 70 },
    { title: '当前值', width: 70 },
    { title: '进度', width: 60 },
    { title: '来源', width: 60 },
  ];
  const row = (cells: string[], size: number) => {
    const y = doc.y;
    let x = 36;
    let bottom = y;
    doc.fontSize(size);
    cells.forEach((text, i) => {
      const width = columns[i]?.width ?? 60;
      doc.text(text, x, y, { width: width - 4 });
      bottom = Math.max(bottom, doc.y);
      x += width;
    });
    doc.y = bottom + 3;
    doc
      .moveTo(36, doc.y - 1)
      .lineTo(x, doc.y - 1)
      .lineWidth(0.3)
      .strokeColor('#999999')
      .stroke();
  };
  row(
    columns.map((c) => c.title),
    10,
  );
  for (const i of card.indicators) {
    for (const m of i.measures) {
      if (doc.y > doc.page.height - 60) doc.addPage();
      row(
        [
          String(i.number),
          m.label ? `${i.name}（${m.label}）` : i.name,
          i.kind === 'binding' ? '约束性' : '预期性',
          shown(m.baseline, i.unit),
          `${i.unit === 'percent' ? '≥' : ''}${shown(m.target, i.unit)}`,
          shown(m.value, i.unit),
          progressLabel[m.progress],
          i.source === 'computed' ? '系统计算' : '民政局登记',
        ],
        9,
      );
    }
  }
  return finish();
}
