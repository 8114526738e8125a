import { createHash } from 'node:crypto';
import type {
  CheckOnMissed,
  DepartmentSignalReported,
  DisabilityCertified,
  EligibilityDecided,
  EnrolmentGapsChanged,
  RiskCleared,
  RiskFlagged,
} from '@huimin/contracts';

/** One reason an alert exists, in plain Chinese for the handler, with the facts behind it. */
export interface Reason {
  code: string;
  summary: string;
  evidence?: Record<string, unknown>;
  /**
   * What keeps the reason true, for signals whose cause can go away (`risk:medical`,
   * `gap:<kind>:<programme>`, `disability:<person>:<date>`, `eligibility:needs-review`). A reason
   * without one (a department's report, a person's own account) never withdraws by itself.
   */
  cause?: string;
}

/** The medical-hardship flags (watch, catastrophic, severe) clear together; 大病 is its own. */
export const riskCause = (level: RiskFlagged['level']): string =>
  level === 'major-illness' ? 'risk:major-illness' : 'risk:medical';
export const gapCause = (gap: { kind: string; programme: string }): string =>
  `gap:${gap.kind}:${gap.programme}`;
/** A certificate's cause names the person by a digest, never the resident ID itself. */
export const disabilityCause = (residentId: string, businessDate: string): string =>
  `disability:${createHash('sha256').update(residentId).digest('hex').slice(0, 16)}:${businessDate}`;
export const NEEDS_REVIEW_CAUSE = 'eligibility:needs-review';
/** A household below the line not known to receive dibao or tekun: gone once eligibility says it does. */
export const UNASSISTED_CAUSE = 'assistance:none';

/**
 * Whether a severe flag's household was under the line before any care. Older flags do not say:
 * the per-capita income before care tells (floor(income / 12 / size) < standard ⇔ income below
 * the standard × size × 12).
 */
export function severeCauseOf(flag: RiskFlagged): 'pushed-below' | 'already-below' | undefined {
  if (flag.level !== 'severe') return undefined;
  if (flag.severeCause) return flag.severeCause;
  const before = flag.perCapitaMonthlyIncomeBeforeFen;
  const standard = flag.thresholds?.dibaoStandardFen;
  if (before === undefined || standard === undefined) return undefined;
  return before < standard ? 'already-below' : 'pushed-below';
}

/** 1900000 fen → "19,000"; 64222 → "642.22". */
export function yuan(fen: number): string {
  const whole = Math.trunc(fen / 100).toLocaleString('en-US');
  const cents = Math.abs(fen % 100);
  return cents === 0 ? whole : `${whole}.${String(cents).padStart(2, '0')}`;
}

/** 4511 basis points → "45.1%"; 2500 → "25%". */
export function percent(bp: number): string {
  const tenths = Math.round(bp / 10);
  return `${tenths % 10 === 0 ? tenths / 10 : (tenths / 10).toFixed(1)}%`;
}

/**
 * The reasons of a risk flag. `assisted` (whether the household receives dibao or tekun, as
 * eligibility last said) is asked only for a severe flag of a household already below the line.
 */
export function riskReasons(flag: RiskFlagged, assisted?: boolean): Reason[] {
  const t = flag.thresholds;
  const oop = yuan(flag.outOfPocketFen);
  const evidence = {
    level: flag.level,
    asOfDate: flag.asOfDate,
    windowStart: flag.windowStart,
    windowEnd: flag.windowEnd,
    outOfPocketFen: flag.outOfPocketFen,
    annualIncomeFen: flag.annualIncomeFen,
    householdSize: flag.householdSize,
    capacityToPayFen: flag.capacityToPayFen,
    ...(flag.outOfPocketShareBp !== undefined ? { outOfPocketShareBp: flag.outOfPocketShareBp } : {}),
    ...(flag.outOfPocketCapacityShareBp !== undefined
      ? { outOfPocketCapacityShareBp: flag.outOfPocketCapacityShareBp }
      : {}),
    ...(t ? { thresholds: t } : {}),
    policyVersion: flag.policyVersion,
    claims: flag.contributingClaims ?? flag.triggeringClaimIds.map((claimId) => ({ claimId })),
  };
  const reasons: Reason[] = [];
  if (t) {
    const share = flag.outOfPocketShareBp;
    if (share !== undefined && share > t.catastrophicRatioBp) {
      reasons.push({
        code: 'OOP_OVER_CATASTROPHIC_SHARE',
        summary: `近12个月自付医疗费用 ${oop} 元，占家庭年收入 ${percent(share)}，超过 ${percent(t.catastrophicRatioBp)} 标准`,
      });
    } else if (share !== undefined && share > t.watchRatioBp) {
      reasons.push({
        code: 'OOP_OVER_WATCH_SHARE',
        summary: `近12个月自付医疗费用 ${oop} 元，占家庭年收入 ${percent(share)}，超过 ${percent(t.watchRatioBp)} 关注标准`,
      });
    }
    const capacityShare = flag.outOfPocketCapacityShareBp;
    if (flag.capacityToPayFen === 0 && flag.outOfPocketFen > 0 && flag.level !== 'watch') {
      reasons.push({
        code: 'NO_CAPACITY_TO_PAY',
        summary: `家庭收入不高于低保标准，无医疗支付能力，近12个月仍自付医疗费用 ${oop} 元`,
      });
    } else if (capacityShare !== undefined && capacityShare >= t.capacityToPayRatioBp) {
      reasons.push({
        code: 'OOP_OVER_CAPACITY_TO_PAY',
        summary: `近12个月自付医疗费用 ${oop} 元，占家庭支付能力 ${percent(capacityShare)}，达到 ${percent(t.capacityToPayRatioBp)} 标准`,
      });
    }
    const severeCause = severeCauseOf(flag);
    if (severeCause === 'already-below') {
      // Under the line before any care: the costs deepen a poverty they did not cause.
      reasons.push({
        code: 'INCOME_ALREADY_BELOW_DIBAO',
        summary: `自付前人均月收入 ${yuan(flag.perCapitaMonthlyIncomeBeforeFen ?? 0)} 元已低于低保标准 ${yuan(t.dibaoStandardFen)} 元，近12个月医疗自付 ${oop} 元使困难加深`,
      });
      reasons.push(
        assisted
          ? {
              code: 'ASSISTED_MEDICAL_FOLLOW_UP',
              summary: '家庭已享受低保或特困供养，需跟进医疗救助（报销、二次救助）',
            }
          : {
              code: 'BELOW_DIBAO_NOT_ASSISTED',
              summary: '家庭收入低于低保标准，但未享受低保或特困供养，需核查救助资格',
              cause: UNASSISTED_CAUSE,
            },
      );
    } else if (flag.level === 'severe' && flag.perCapitaMonthlyIncomeAfterFen !== undefined) {
      // 因病致贫: at or above the line before the care, below it after.
      reasons.push({
        code: 'INCOME_AFTER_OOP_BELOW_DIBAO',
        summary: `扣除医疗自付后人均月收入 ${yuan(flag.perCapitaMonthlyIncomeAfterFen)} 元，低于低保标准 ${yuan(t.dibaoStandardFen)} 元${
          flag.perCapitaMonthlyIncomeBeforeFen === undefined || severeCause !== 'pushed-below'
            ? ''
            : `（自付前 ${yuan(flag.perCapitaMonthlyIncomeBeforeFen)} 元，因病跌破低保线）`
        }`,
      });
    }
    if (flag.level === 'major-illness') {
      const largest = Math.max(0, ...(flag.contributingClaims ?? []).map((c) => c.outOfPocketFen));
      reasons.push({
        code: 'MAJOR_ILLNESS_CLAIM',
        summary: `单笔医疗自付费用 ${yuan(largest || flag.outOfPocketFen)} 元，超过大病标准 ${yuan(t.majorIllnessClaimFen)} 元`,
      });
    }
  }
  if (reasons.length === 0) {
    reasons.push({
      code: 'RISK_FLAGGED',
      summary: `医疗支出风险（${levelName[flag.level]}），近12个月自付医疗费用 ${oop} 元`,
    });
  }
  const severeCause = severeCauseOf(flag);
  reasons[0] = {
    ...(reasons[0] as Reason),
    evidence: { ...evidence, ...(severeCause ? { severeCause } : {}) },
  };
  const cause = riskCause(flag.level);
  // A reason with a cause of its own keeps it (the household not known to be assisted).
  return reasons.map((r) => ({ ...r, cause: r.cause ?? cause }));
}

const clearedWhy: Record<RiskCleared['reason'], string> = {
  'left-window': '医疗费用已移出近12个月统计期',
  'below-threshold': '自付医疗费用已低于各项标准',
  'income-updated': '家庭收入更新后已不构成风险',
  'claim-reversed': '医疗费用单据已冲销',
  'household-dissolved': '家庭户已注销',
};

/** Why a risk alert's cause went away, for its history and the handler. */
export function riskClearedSummary(cleared: RiskCleared): string {
  return `医疗支出风险已解除（${clearedWhy[cleared.reason]}，${cleared.asOfDate}）`;
}

export function gapClosedSummary(gap: { kind: string; programme: string }): string {
  const name = programmeName[gap.programme] ?? gap.programme;
  return gap.kind === 'eligible-not-receiving'
    ? `${name}缺口已消除（已享受，或最新筛查已不符合条件）`
    : `${name}复核提示已消除（已退出，或最新筛查重新符合条件）`;
}

export const disabilityRetractedSummary = (businessDate: string): string =>
  `残联已撤回 ${businessDate} 的残疾认定`;

export const dataArrivedSummary = '缺失的数据已报送，救助资格已可判定';

export const nursingPaidSummary = '救助系统显示该户已享受重度残疾人护理补贴';

export const assistedNowSummary = '救助系统显示该户已享受低保或特困供养，转为跟进医疗救助';

const missingName: Record<string, string> = { income: '家庭收入申报', assets: '家庭财产申报' };

/** A household eligibility cannot decide for want of a fact: which facts, for which programmes. */
export function needsReviewReason(decided: EligibilityDecided): Reason | undefined {
  const waiting = decided.programmes.filter((p) => p.status === 'needs_review');
  if (waiting.length === 0) return undefined;
  const missing = [...new Set(waiting.flatMap((p) => p.missing ?? []))].sort();
  const what = missing.map((m) => missingName[m] ?? m).join('、') || '必要数据';
  return {
    code: 'DATA_MISSING',
    summary: `缺少${what}，${waiting.map((p) => programmeName[p.programme] ?? p.programme).join('、')}资格无法判定，需核实补报`,
    evidence: {
      decisionId: decided.decisionId,
      asOfDate: decided.asOfDate,
      missing,
      programmes: waiting.map((p) => p.programme),
    },
    cause: NEEDS_REVIEW_CAUSE,
  };
}

const levelName: Record<RiskFlagged['level'], string> = {
  watch: '关注',
  catastrophic: '灾难性医疗支出',
  severe: '因病致贫',
  'major-illness': '大病',
};

export const programmeName: Record<string, string> = {
  dibao: '低保',
  edge: '低保边缘',
  'tekun-dispersed': '特困（分散供养）',
  'tekun-centralised': '特困（集中供养）',
  tekun: '特困',
  hardship: '支出型困难',
  'disability-living': '残疾人生活补贴',
  'disability-nursing': '重度残疾人护理补贴',
};

export function gapReason(gap: EnrolmentGapsChanged['gaps'][number], decisionId: string): Reason {
  const name = programmeName[gap.programme] ?? gap.programme;
  return gap.kind === 'eligible-not-receiving'
    ? {
        code: 'ELIGIBLE_NOT_RECEIVING',
        summary: `经筛查符合${name}条件，但救助系统中未享受${gap.decidedMonthlyFen > 0 ? `（应享 ${yuan(gap.decidedMonthlyFen)} 元/月）` : ''}`,
        evidence: { decisionId, ...gap },
        cause: gapCause(gap),
      }
    : {
        code: 'RECEIVING_NOT_ELIGIBLE',
        summary: `正在享受${name}（${yuan(gap.receivingMonthlyFen)} 元/月），但最新筛查已不符合条件，需复核`,
        evidence: { decisionId, ...gap },
        cause: gapCause(gap),
      };
}

const signalName: Record<DepartmentSignalReported['kind'], string> = {
  death: '家庭成员死亡',
  unemployment: '家庭成员登记失业',
  hospitalisation: '家庭成员住院',
  'grid-worker-report': '网格员上报情况',
};
const departmentName: Record<DepartmentSignalReported['reportedBy'], string> = {
  'public-security': '公安',
  'human-resources': '人社',
  health: '卫健',
  'medical-insurance': '医保',
  'grid-management': '网格',
  other: '其他部门',
};

export function departmentReason(signal: DepartmentSignalReported): Reason {
  return {
    code: `SIGNAL_${signal.kind.toUpperCase().replaceAll('-', '_')}`,
    summary: `${departmentName[signal.reportedBy]}报告：${signalName[signal.kind]}（${signal.businessDate}）`,
    evidence: {
      signalId: signal.signalId,
      businessDate: signal.businessDate,
      reportedBy: signal.reportedBy,
      detail: signal.detail,
    },
  };
}

const categoryName: Record<string, string> = {
  physical: '肢体',
  visual: '视力',
  hearing: '听力',
  speech: '言语',
  intellectual: '智力',
  mental: '精神',
  multiple: '多重',
};

export function disabilityReason(cert: DisabilityCertified): Reason {
  return {
    code: 'SEVERE_DISABILITY_CERTIFIED',
    summary: `家庭成员新认定${['一', '二', '三', '四'][cert.grade - 1]}级${categoryName[cert.category] ?? ''}残疾（${cert.businessDate}），可能符合残疾人两项补贴`,
    evidence: { grade: cert.grade, category: cert.category, businessDate: cert.businessDate },
    cause: disabilityCause(cert.residentId, cert.businessDate),
  };
}

export function checkOnReason(missed: CheckOnMissed): Reason {
  return {
    code: 'CHECK_ON_MISSED',
    summary: `独居老人 ${missed.scheduledDate} 日常关爱未完成，已连续 ${missed.consecutiveMisses} 天`,
    evidence: {
      orderId: missed.orderId,
      providerId: missed.providerId,
      scheduledDate: missed.scheduledDate,
      consecutiveMisses: missed.consecutiveMisses,
    },
  };
}
