import type { Disclosure, FundDisclosure } from '../domain/disclosure.ts';
import { yuanText } from '../domain/money.ts';

// The public disclosure page (慈善信息公开), server-rendered zh-CN HTML: no script, nothing but
// what the JSON at /public/v1/disclosure says, every value escaped.

const kindLabel: Record<FundDisclosure['kind'], string> = {
  'county-federation': '慈善总会',
  'town-association': '镇（街道）慈善分会',
  'community-fund': '社区慈善基金',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const yuan = (fen: number) => `${escapeHtml(yuanText(fen))} 元`;

function monthName(month: string): string {
  return `${Number(month.slice(5, 7))}月`;
}

function fundSection(fund: FundDisclosure): string {
  const months = fund.months
    .map(
      (m) =>
        `<tr><td>${escapeHtml(monthName(m.month))}</td><td>${yuan(m.incomeFen)}</td><td>${yuan(m.spendingFen)}</td><td>${yuan(m.balanceFen)}</td><td>${m.householdsHelped}</td></tr>`,
    )
    .join('\n');
  const purposes =
    fund.spendingByPurpose.length === 0
      ? '<p>本年度尚无支出。</p>'
      : `<ul>${fund.spendingByPurpose.map((p) => `<li>${escapeHtml(p.label)}：${yuan(p.amountFen)}</li>`).join('')}</ul>`;
  const named = fund.donors.named.map(
    (d) => `<li>${escapeHtml(d.name)}：${yuan(d.amountFen)}（${d.donations} 笔）</li>`,
  );
  if (fund.donors.others.donations > 0) {
    named.push(
      `<li>其他爱心人士：${yuan(fund.donors.others.amountFen)}（${fund.donors.others.donations} 笔）</li>`,
    );
  }
  return `<section id="${escapeHtml(fund.fundId)}">
<h2>${escapeHtml(fund.name)}</h2>
<p class="meta">${escapeHtml(kindLabel[fund.kind])} · 服务范围：${escapeHtml(fund.jurisdiction.name)}</p>
<p>年初余额 ${yuan(fund.openingBalanceFen)}，本年收入 ${yuan(fund.incomeFen)}，本年支出 ${yuan(fund.spendingFen)}，当前余额 ${yuan(fund.closingBalanceFen)}，本年救助家庭 ${fund.householdsHelped} 户。</p>
<table>
<thead><tr><th>月份</th><th>收入</th><th>支出</th><th>月末余额</th><th>救助家庭（户）</th></tr></thead>
<tbody>
${months}
</tbody>
</table>
<h3>支出用途</h3>
${purposes}
<h3>捐赠芳名录</h3>
${named.length === 0 ? '<p>本年度尚无捐赠。</p>' : `<ul>${named.join('')}</ul>`}
</section>`;
}

export function renderDisclosurePage(disclosure: Disclosure): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>太仓市慈善信息公开 ${disclosure.year}年</title>
<style>
body { font-family: "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
section { border-top: 2px solid #b22; margin-top: 2rem; }
.meta { color: #666; }
</style>
</head>
<body>
<h1>太仓市慈善信息公开（${disclosure.year}年，截至${escapeHtml(monthName(disclosure.throughMonth))}）</h1>
<p>依据《中华人民共和国慈善法》公开各慈善组织的收入、支出与余额。捐赠人姓名仅在本人同意后公开；受助家庭的个人信息一律不予公开。</p>
<p>合计：收入 ${yuan(disclosure.totals.incomeFen)}，支出 ${yuan(disclosure.totals.spendingFen)}，余额 ${yuan(disclosure.totals.closingBalanceFen)}，救助家庭 ${disclosure.totals.householdsHelped} 户。</p>
${disclosure.funds.map(fundSection).join('\n')}
</body>
</html>
`;
}
