// Months are calendar months on the Asia/Shanghai calendar, written `YYYY-MM`.

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

function parts(month: string): [number, number] {
  const match = MONTH.exec(month);
  if (!match) throw new Error(`not a month: ${month}`);
  return [Number(match[1]), Number(match[2])];
}

export function firstDay(month: string): string {
  return `${month}-01`;
}

export function lastDay(month: string): string {
  const [y, m] = parts(month);
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${String(days).padStart(2, '0')}`;
}

export function addMonths(month: string, n: number): string {
  const [y, m] = parts(month);
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Months from `from` to `to`, both included (empty when `from` is after `to`). */
export function monthsBetween(from: string, to: string): string[] {
  const result: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) result.push(m);
  return result;
}

/** Number of months from `a` to `b` (negative when b is earlier). */
export function monthDiff(a: string, b: string): number {
  const [ya, ma] = parts(a);
  const [yb, mb] = parts(b);
  return yb * 12 + mb - (ya * 12 + ma);
}

/** The Shanghai calendar month of an instant. */
export function shanghaiMonthOf(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
}
