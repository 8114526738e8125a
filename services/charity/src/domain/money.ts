// Money is whole fen (分) everywhere; these turn it into what a receipt or a payment provider shows.

/** The largest amount one donation or disbursement may carry: 100 million yuan. */
export const MAX_AMOUNT_FEN = 10_000_000_000;

/** `123456` → `1,234.56` (yuan with two decimals), for receipts and the disclosure page. */
export function yuanText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100).toLocaleString('en-US');
  return `${sign}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * A provider's yuan amount (`"2.00"`, `"0.5"`, `"100"`) → fen, exactly: never through a float.
 * Undefined for anything else (a sign, an exponent, a third decimal).
 */
export function fenFromYuanText(text: string): number | undefined {
  const match = /^(0|[1-9]\d{0,11})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return undefined;
  const cents = (match[2] ?? '').padEnd(2, '0');
  return Number(match[1]) * 100 + Number(cents);
}

const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const SMALL_UNITS = ['', '拾', '佰', '仟'];
const BIG_UNITS = ['', '万', '亿', '万亿'];

/**
 * The amount in Chinese capital numerals (大写金额) as financial documents write it, so a receipt
 * cannot be altered by adding a digit: 10050 → `壹佰元伍角`, 100000 → `壹仟元整`,
 * 100500 → `壹仟零伍元整`.
 */
export function chineseCapitalAmount(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError('amount must be whole fen ≥ 0');
  const yuan = Math.trunc(fen / 100);
  const jiao = Math.trunc((fen % 100) / 10);
  const fenDigit = fen % 10;

  let text = yuan === 0 ? '' : `${integerInCapitals(yuan)}元`;
  if (jiao === 0 && fenDigit === 0) return text === '' ? '零元整' : `${text}整`;
  if (jiao > 0) text += `${DIGITS[jiao]}角`;
  else if (yuan > 0) text += '零';
  if (fenDigit > 0) text += `${DIGITS[fenDigit]}分`;
  return text;
}

function integerInCapitals(value: number): string {
  // Groups of four digits, lowest first: 12,3456,7890 → [7890, 3456, 12].
  const groups: number[] = [];
  for (let rest = value; rest > 0; rest = Math.trunc(rest / 10_000)) groups.push(rest % 10_000);
  let text = '';
  let zeroPending = false;
  for (let g = groups.length - 1; g >= 0; g--) {
    const group = groups[g] ?? 0;
    if (group === 0) {
      zeroPending = text !== '';
      continue;
    }
    // A group below 1000 after a higher group needs a 零 (1,0005 → 壹万零伍).
    if (text !== '' && (zeroPending || group < 1000)) text += '零';
    text += groupInCapitals(group) + (BIG_UNITS[g] ?? '');
    zeroPending = false;
  }
  return text;
}

function groupInCapitals(group: number): string {
  let text = '';
  let zero = false;
  for (let position = 3; position >= 0; position--) {
    const digit = Math.trunc(group / 10 ** position) % 10;
    if (digit === 0) {
      zero = text !== '';
      continue;
    }
    if (zero) text += '零';
    text += (DIGITS[digit] ?? '') + (SMALL_UNITS[position] ?? '');
    zero = false;
  }
  return text;
}
