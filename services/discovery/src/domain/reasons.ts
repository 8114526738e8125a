import type {
  CheckOnMissed,
  DepartmentSignalReported,
  DisabilityCertified,
  EnrolmentGapsChanged,
  RiskFlagged,
} from '@huimin/contracts';

/** One reason an alert exists, in plain Chinese for the handler, with the facts behind it. */
export interface Reason {
  code: string;
  summary: string;
  evidence?: Record<string, unknown>;
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

export function riskReasons(flag: RiskFlagged): Reason[] {
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
    if (flag.level === 'severe' && flag.perCapitaMonthlyIncomeAfterFen !== undefined) {
      reasons.push({
        code: 'INCOME_AFTER_OOP_BELOW_DIBAO',
        summary: `扣除医疗自付后人均月收入 ${yuan(flag.perCapitaMonthlyIncomeAfterFen)} 元，低于低保标准 ${yuan(t.dibaoStandardFen)} 元`,
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
  reasons[0] = { ...(reasons[0] as Reason), evidence };
  return reasons;
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
      }
    : {
        code: 'RECEIVING_NOT_ELIGIBLE',
        summary: `正在享受${name}（${yuan(gap.receivingMonthlyFen)} 元/月），但最新筛查已不符合条件，需复核`,
        evidence: { decisionId, ...gap },
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

export function disabilityReason(cert: DisabilityCertified): Reason {
  return {
    code: 'SEVERE_DISABILITY_CERTIFIED',
    summary: `家庭成员新认定${['一', '二', '三', '四'][cert.grade - 1]}级残疾（${cert.businessDate}），可能符合残疾人两项补贴`,
    evidence: { grade: cert.grade, category: cert.category, businessDate: cert.businessDate },
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
