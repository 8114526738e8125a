// What the handler reads: statuses, outcomes, evidence and times in plain Chinese.
import { children, nameOf, taicang } from '../../../../libs/contracts/src/jurisdiction/index.ts';

export const STATUS: Record<string, string> = {
  open: '待确认',
  acknowledged: '已确认',
  visiting: '走访中',
  resolved: '已办结',
  dismissed: '已驳回',
};

export const PRIORITY: Record<string, string> = { P1: 'P1 紧急', P2: 'P2 高', P3: 'P3 中', P4: 'P4 低' };

export const OUTCOME: Record<string, string> = {
  enrolled: '已纳入救助',
  referred: '已转介其他部门',
  'temporary-assistance': '已给予临时救助',
  'no-need': '经核实无需救助',
  unreachable: '多次联系未果',
};

export const DISMISS_REASON: Record<string, string> = {
  duplicate: '重复预警',
  'data-error': '数据有误',
  'already-assisted': '已在救助中',
  'moved-away': '已迁出本辖区',
  deceased: '当事人已去世',
  other: '其他原因',
};

export const CHANNEL: Record<string, string> = {
  'walk-in': '来访求助',
  hotline: '热线求助',
  'grid-worker': '网格员上报',
};

export const ROLE: Record<string, string> = {
  'case-handler': '经办人',
  'town-supervisor': '街道（镇）督导',
  'bureau-admin': '民政局管理员',
  auditor: '审计员',
  'bureau-leader': '局领导',
};

export const HISTORY: Record<string, string> = {
  raised: '生成预警',
  assigned: '分派',
  'evidence-added': '新增依据',
  'sla-breached': '超时督办',
  acknowledged: '确认接收',
  'visit-started': '开始走访',
  'note-added': '添加走访记录',
  resolved: '办结',
  dismissed: '驳回',
  reassigned: '转派',
  'cause-withdrawn': '预警原因已撤销',
};

/** Outcomes discovery sets itself (never offered to a handler). */
export const SYSTEM_OUTCOME: Record<string, string> = {
  'cause-withdrawn': '预警原因已撤销，系统自动关闭',
};

/** Known evidence fields by name; amounts in fen are shown in yuan, basis points as percent. */
const EVIDENCE: Record<string, string> = {
  level: '风险等级',
  outOfPocketFen: '近12个月自付医疗费用',
  annualIncomeFen: '家庭年收入',
  householdSize: '家庭人口',
  outOfPocketShareBp: '自付占收入比例',
  capacityToPayFen: '支付能力',
  outOfPocketCapacityShareBp: '自付占支付能力比例',
  perCapitaMonthlyIncomeBeforeFen: '自付前人均月收入',
  perCapitaMonthlyIncomeAfterFen: '自付后人均月收入',
  windowStart: '统计起始日',
  windowEnd: '统计截止日',
  asOfDate: '核算日期',
  policyVersion: '政策版本',
  flagId: '风险标记编号',
  thresholds: '判定标准',
  watchRatioBp: '关注线',
  catastrophicRatioBp: '灾难性支出线',
  capacityToPayRatioBp: '支付能力比例线',
  dibaoStandardFen: '低保标准（每人每月）',
  majorIllnessClaimFen: '大病单笔标准',
  contributingClaims: '计入的医疗费用',
  triggeringClaimIds: '触发的单据',
  claimId: '单据号',
  dateOfCare: '就诊日期',
  channel: '来源',
  summary: '情况说明',
  reportedBy: '上报人',
};
const LEVEL: Record<string, string> = {
  watch: '关注',
  catastrophic: '灾难性医疗支出',
  severe: '因病致贫',
  'major-illness': '大病',
};

export function yuan(fen: number): string {
  return `${(fen / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 })} 元`;
}

export function evidenceLabel(key: string): string {
  return EVIDENCE[key] ?? key;
}

export function evidenceValue(key: string, value: unknown): string {
  if (typeof value === 'number' && key.endsWith('Fen')) return yuan(value);
  if (typeof value === 'number' && key.endsWith('Bp')) return `${(value / 100).toFixed(1)}%`;
  if (key === 'level' && typeof value === 'string') return LEVEL[value] ?? value;
  if (key === 'channel' && typeof value === 'string') return CHANNEL[value] ?? value;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' ? '' : String(v))).join('、');
  if (value === null || value === undefined) return '—';
  return typeof value === 'object' ? '' : String(value);
}

const shanghai = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** Beijing time, whatever the device's zone. */
export function when(iso: string | null | undefined): string {
  return iso ? shanghai.format(new Date(iso)) : '—';
}

/** The county's towns and street offices, in code order. */
export function towns(): { code: string; name: string }[] {
  return taicang.towns().map((t) => ({ code: t.code, name: t.name }));
}

export function communityName(code: string): string {
  return nameOf(code) ?? code;
}

/** The communities a person's division codes cover (a town's, or the communities themselves). */
export function communitiesOf(jurisdictions: string[]): { code: string; name: string }[] {
  const out = new Map<string, string>();
  for (const code of jurisdictions) {
    if (code.length === 12) out.set(code, nameOf(code) ?? code);
    else if (code.length === 9) for (const c of children(code)) out.set(c.code, c.name);
    else if (code === taicang.county.code)
      for (const t of taicang.towns()) for (const c of children(t.code)) out.set(c.code, c.name);
  }
  return [...out].map(([code, name]) => ({ code, name }));
}
