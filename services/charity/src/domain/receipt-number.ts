// Receipt numbers: TC-<year>-<6 digits>, one sequence per calendar year (Asia/Shanghai), with no
// gaps and no duplicates: the store hands out the next number inside the donation's transaction,
// so a rolled-back donation gives its number back.

const RECEIPT_NUMBER = /^TC-(\d{4})-(\d{6})$/;

export const RECEIPTS_PER_YEAR = 999_999;

export function formatReceiptNumber(year: number, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > RECEIPTS_PER_YEAR) {
    throw new RangeError(`receipt sequence ${sequence} is outside 1–${RECEIPTS_PER_YEAR}`);
  }
  return `TC-${year}-${String(sequence).padStart(6, '0')}`;
}

export function parseReceiptNumber(text: string): { year: number; sequence: number } | undefined {
  const match = RECEIPT_NUMBER.exec(text);
  if (!match) return undefined;
  return { year: Number(match[1]), sequence: Number(match[2]) };
}

/** Shanghai keeps UTC+8 all year (no daylight saving), so plain arithmetic is exact. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The calendar year in Asia/Shanghai at an instant: a donation at 23:30 on 31 December UTC is next year's. */
export function shanghaiYearOf(instant: Date): number {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).getUTCFullYear();
}

/** `YYYY-MM` in Asia/Shanghai. */
export function shanghaiMonthOf(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 7);
}

/** The instant a Shanghai calendar date begins. */
export function startOfShanghaiDate(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00+08:00`));
}
