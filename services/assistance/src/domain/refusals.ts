import type { Check } from '../upstream/upstream.ts';

// The rule's failed checks as refusals a handler can act on: each code with a message in Chinese
// naming the household's figure and the limit it was held against.

export interface Refusal {
  code: string;
  message: string;
}

/** Fen as yuan with two decimals and thousands separators: 1254000 → 12,540.00. */
export function yuan(fen: number | string): string {
  const n = Number(fen);
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  const whole = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

const messages: Record<string, (c: Check) => string> = {
  TA_INCOME_WITHIN_LINE: (c) =>
    c.actual === 'unknown'
      ? '家庭收入数据尚未报送，暂无法核定，请先补报收入'
      : `家庭月收入 ${yuan(c.actual)} 元，超过临时救助收入标准 ${yuan(c.threshold)} 元`,
  TA_ASSETS_WITHIN_LIMIT: (c) =>
    c.actual === 'unknown'
      ? '家庭资产核对结果尚未报送，暂无法核定，请先完成家庭经济状况核对'
      : `家庭金融资产 ${yuan(c.actual)} 元，超过限额 ${yuan(c.threshold)} 元`,
  TA_WAITING_PERIOD_OVER: (c) =>
    `该家庭已于 ${c.actual} 获得临时救助，尚在等待期内，${c.threshold} 起方可再次申请`,
  TA_WITHIN_CAUSE_MULTIPLE: (c) =>
    `申请金额 ${yuan(c.actual)} 元，超过该事由按低保标准核定的救助额 ${yuan(c.threshold)} 元`,
  TA_WITHIN_CEILING: (c) => `申请金额 ${yuan(c.actual)} 元，超过单次临时救助上限 ${yuan(c.threshold)} 元`,
};

export function refusalsOf(checks: readonly Check[]): Refusal[] {
  return checks
    .filter((c) => !c.passed)
    .map((c) => ({ code: c.code, message: messages[c.code]?.(c) ?? `未通过核定：${c.code}` }));
}
